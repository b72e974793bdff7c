"""The briefing as a Word report in the format of Decree 30/2020/NĐ-CP (Annex I): A4, Times New
Roman 13-14, national title, agency, body by domain, annex table."""
from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kpi.periods import parse_period
from kpi.reports.deck import Deck, indicator_sentence
from kpi.reports.settings import Settings
from kpi.store.indicators import domains
from kpi.text.i18n import t

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class ReportError(ValueError):
    """A report that cannot be written as asked (e.g. a Decree 30 report in English)."""


DOC_FONT = "Times New Roman"
BODY_PT = 14
MARGINS_MM = {"top": 22, "bottom": 22, "left": 32, "right": 17}  # mid-range: Word stores twips, so no edge rounding


def _font(run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:

    run.font.name = DOC_FONT
    run.font.size = Pt(size)
    run.font.bold, run.font.italic, run.font.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOC_FONT)


def _paragraph(container, text: str = "", size: float = BODY_PT, bold=False, italic=False, underline=False,
               align=None, first_line_mm: float | None = None, after_pt: float = 0, before_pt: float = 0):

    paragraph = container.add_paragraph()
    if text:
        _font(paragraph.add_run(text), size, bold, italic, underline)
    fmt_ = paragraph.paragraph_format
    if align is not None:
        paragraph.alignment = align
    if first_line_mm is not None:
        fmt_.first_line_indent = Mm(first_line_mm)
    fmt_.space_after, fmt_.space_before = Pt(after_pt), Pt(before_pt)
    return paragraph


def _rule(container, indent_mm: float) -> None:
    """A short solid line under a heading: an empty paragraph's bottom border, shortened by indents."""

    paragraph = container.add_paragraph()
    paragraph.paragraph_format.left_indent = Mm(indent_mm)
    paragraph.paragraph_format.right_indent = Mm(indent_mm)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _set_widths(table, widths_mm: list[float], indent_mm: float = 0) -> None:
    """Column widths in the table grid and every cell (Word reads the cells, LibreOffice the grid)."""

    for column, width in zip(table.columns, widths_mm):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm):
            cell.width = Mm(width)
    if indent_mm:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(round(indent_mm * 1440 / 25.4)))
        indent.set(qn("w:type"), "dxa")
        table._tbl.tblPr.append(indent)


def _cell_text(cell, text: str, size: float = 13, bold=False, italic=False, align=None) -> None:
    paragraph = cell.paragraphs[0]
    _font(paragraph.add_run(text), size, bold, italic)
    if align is not None:
        paragraph.alignment = align


def _page_number_header(section) -> None:
    """Page number centred in the header from the second page (Decree 30, Annex I)."""

    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, BODY_PT)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _date_line(settings: Settings, issued: dt.date) -> str:
    # Decree 30: day and month below 10 (resp. 3) are written with a leading zero
    day = f"{issued.day:02d}" if issued.day < 10 else str(issued.day)
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    return f"{settings.place}, ngày {day} tháng {month} năm {issued.year}"


def document_symbol(settings: Settings) -> str:
    return f"Số:        /BC-{settings.abbreviation}" if settings.abbreviation else "Số:        /BC"


def annex_rows(deck: Deck) -> list[dict]:
    """The annex table: one group row per domain, one row per indicator (texts as printed)."""
    rows = []
    domain_table = domains()
    for i, (_, domain) in enumerate(domain_table[domain_table["domain"].isin(deck.figures["domain"])].iterrows()):
        rows.append({"kind": "domain", "number": ROMAN[i], "name": domain["name_vi"]})
        part = deck.figures[deck.figures["domain"] == domain["domain"]]
        for j, (_, r) in enumerate(part.iterrows(), start=1):
            rows.append({"kind": "indicator", "number": str(j), "indicator": r["indicator"], "name": r["name_vi"],
                         "unit_of_measure": r["unit_of_measure"], "plan": r["plan_text"],
                         "actual": r["actual_text"], "achievement": r["achievement_text"],
                         "change": r["change_text"]})
    return rows


ANNEX_HEADERS = ["TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm", "Thực hiện", "% so với kế hoạch",
                 "So với cùng kỳ"]
ANNEX_WIDTHS_MM = [11, 43, 17, 20, 20, 18, 32]  # 161 mm: the text width of A4 with 32 + 17 mm margins
HEADER_LEFT_MM = 64


def a4_document() -> Document:
    """An empty A4 document in the Decree 30/2020 page setup: Times New Roman, margins, page numbers
    in the header from the second page (every Word export of the project starts here)."""
    document = Document()
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = DOC_FONT, Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), DOC_FONT)
    normal.paragraph_format.space_after = Pt(0)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    _page_number_header(section)
    return document


def build_docx(deck: Deck, settings: Settings, issued: dt.date | None = None) -> bytes:
    """Báo cáo in the state's format: A4, Times New Roman 13-14, national title, agency, annex table."""
    if deck.lang != "vi":
        raise ReportError("Báo cáo theo Nghị định 30/2020/NĐ-CP chỉ lập bằng tiếng Việt")
    issued = issued or dt.date.today()
    centre, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    document = a4_document()
    text_width = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]

    # Header: the agency on the left, the national title and motto on the right (Annex I, items 1-2)
    header = document.add_table(rows=2, cols=2)
    header.autofit = False
    # the header may reach 5 mm into each margin so the national title stays on one line at 13 pt
    _set_widths(header, [HEADER_LEFT_MM, text_width + 10 - HEADER_LEFT_MM], indent_mm=-5)
    left, right = header.cell(0, 0), header.cell(0, 1)
    _cell_text(left, settings.parent_agency.upper(), 13, align=centre)
    _font(left.add_paragraph().add_run(settings.agency.upper()), 13, bold=True)
    left.paragraphs[-1].alignment = centre
    _rule(left, 20)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, align=centre)
    motto = right.add_paragraph()
    motto.alignment = centre
    _font(motto.add_run("Độc lập - Tự do - Hạnh phúc"), 14, bold=True, underline=True)
    _cell_text(header.cell(1, 0), document_symbol(settings), 13, align=centre)
    _cell_text(header.cell(1, 1), _date_line(settings, issued), 14, italic=True, align=centre)
    for cell in (header.cell(1, 0), header.cell(1, 1)):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)

    # Title and summary line (items 5)
    summary = t("exp_report_summary", "vi", period=deck.period_label.lower(), unit=deck.unit_full_name)
    _paragraph(document, "BÁO CÁO", BODY_PT, bold=True, align=centre, before_pt=18)
    _paragraph(document, summary, BODY_PT, bold=True, align=centre)
    _rule(document, 55)
    _paragraph(document, "", after_pt=6)

    # Body by domain
    cumulative = not parse_period(deck.period).is_whole_year
    headline = next(s for s in deck.slides if s.kind == "headline")
    _paragraph(document, t("exp_report_intro", "vi", agency=settings.agency_in_text, unit=deck.unit_full_name,
                           period=deck.period_label.lower()),
               align=justify, first_line_mm=12.7, after_pt=6)
    _paragraph(document, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", bold=True, align=justify, after_pt=6)
    _paragraph(document, headline.summary, align=justify, first_line_mm=12.7, after_pt=6)
    for note in headline.notes:
        _paragraph(document, note, italic=True, align=justify, first_line_mm=12.7, after_pt=6)
    domain_slides = [s for s in deck.slides if s.kind == "domain"]
    for number, slide in enumerate(domain_slides, start=1):
        _paragraph(document, f"{number}. {slide.title}", bold=True, align=justify, first_line_mm=12.7, after_pt=3)
        part = deck.figures[deck.figures["indicator"].isin(slide.data["indicator"])]
        for _, row in part.iterrows():
            _paragraph(document, "- " + indicator_sentence(row, "vi", cumulative), align=justify,
                       first_line_mm=12.7, after_pt=3)
    others = [s for s in deck.slides if s.kind in ("provinces", "emulation")]
    if others:
        _paragraph(document, "II. SO SÁNH VỚI CÁC TỈNH, THÀNH PHỐ", bold=True, align=justify,
                   before_pt=6, after_pt=6)
        for slide in others:
            _paragraph(document, f"- {slide.summary}", align=justify, first_line_mm=12.7, after_pt=3)
            for note in slide.notes:
                _paragraph(document, note, italic=True, align=justify, first_line_mm=12.7, after_pt=3)
    source = t("exp_report_source", "vi", id=deck.snapshot_id, created=deck.snapshot_created[:10])
    if deck.is_demo:
        source += " " + t("demo_warning", "vi")
    _paragraph(document, source, 13, italic=True, align=justify, first_line_mm=12.7, before_pt=6, after_pt=12)

    # Recipients and signature (items 7-8)
    closing = document.add_table(rows=1, cols=2)
    closing.autofit = False
    _set_widths(closing, [80, text_width - 80])
    recipients = closing.cell(0, 0)
    _cell_text(recipients, "Nơi nhận:", 12, bold=True, italic=True)
    for name in settings.recipients:
        _font(recipients.add_paragraph().add_run(f"- {name};" if not name.startswith("Lưu") else f"- {name}."), 11)
    signer = closing.cell(0, 1)
    lines = [settings.signatory_authority, settings.signatory_title]
    first = True
    for line in [x for x in lines if x]:
        paragraph = signer.paragraphs[0] if first else signer.add_paragraph()
        first = False
        paragraph.alignment = centre
        _font(paragraph.add_run(line.upper()), 14, bold=True)
    for _ in range(4):
        signer.add_paragraph()
    if settings.signatory_name:
        paragraph = signer.add_paragraph()
        paragraph.alignment = centre
        _font(paragraph.add_run(settings.signatory_name), 14, bold=True)

    # Annex: the figures table
    page_break = document.add_paragraph().add_run()
    page_break.add_break(WD_BREAK.PAGE)
    _paragraph(document, "Phụ lục", BODY_PT, bold=True, align=centre)
    _paragraph(document, t("exp_annex_title", "vi", period=deck.period_label.upper(), unit=deck.unit_full_name.upper()),
               BODY_PT, bold=True, align=centre)
    _paragraph(document, f"(Kèm theo Báo cáo số{document_symbol(settings)[3:]} ngày "
                         f"{issued.day:02d}/{issued.month:02d}/{issued.year} của {settings.agency_in_text})",
               BODY_PT, italic=True, align=centre, after_pt=6)
    rows = annex_rows(deck)
    table = document.add_table(rows=1 + len(rows), cols=len(ANNEX_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, title in enumerate(ANNEX_HEADERS):
        _cell_text(table.cell(0, j), title, 13, bold=True, align=centre)
    repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page of the annex
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for i, row in enumerate(rows, start=1):
        cells = table.rows[i].cells
        if row["kind"] == "domain":
            _cell_text(cells[0], row["number"], 13, bold=True, align=centre)
            merged = cells[1].merge(cells[-1])
            _cell_text(merged, row["name"], 13, bold=True)
            continue
        texts = [row["number"], row["name"], row["unit_of_measure"], row["plan"], row["actual"],
                 row["achievement"], row["change"]]
        for j, text in enumerate(texts):
            align = WD_ALIGN_PARAGRAPH.LEFT if j == 1 else (centre if j in (0, 2) else WD_ALIGN_PARAGRAPH.RIGHT)
            _cell_text(cells[j], text.replace(" ", "\u00a0") if j >= 3 else text, 13, align=align)
    _set_widths(table, ANNEX_WIDTHS_MM)
    _paragraph(document, t("exp_annex_note", "vi"), 13, italic=True, align=justify, before_pt=6)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
