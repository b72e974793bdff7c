"""Exports of the briefing: PowerPoint deck, Word report (Decree 30/2020/NĐ-CP), Excel workbook,
and `table_to_xlsx_bytes` for the "Tải bảng (Excel)" button under every table of the pages.

Every number comes from the deck (kpi.slides.build_deck -> kpi.figures.figures_cached ->
queries/facts_aggregate.sql) and is formatted by kpi.fmt; the Excel files keep full precision.
"""
from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from pathlib import Path

import pandas as pd


from kpi.store.indicators import domains
from kpi.text.i18n import t
from kpi.periods import parse_period
from kpi.reports.settings import Settings
from kpi.reports.deck import Deck, indicator_sentence

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
FORMULA_PREFIXES = ("=", "+", "-", "@")
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


class ExportError(ValueError):
    pass


# --------------------------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------------------------

def _sheet_title(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ ."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip() or "Sheet1"
    return cleaned[:31]


def _set_cell(cell, value, number_format: str | None = None) -> None:
    """Numbers as numbers; text always as text, so '=...' '+...' '-...' '@...' never become formulas."""
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        cell.value = None
        return
    if isinstance(value, bool):
        cell.value = value
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = float(value) if isinstance(value, float) else int(value)
        if number_format:
            cell.number_format = number_format
        return
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        _set_cell(cell, value.item(), number_format)
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def _write_table(ws, frame: pd.DataFrame, start_row: int, number_formats: dict | None = None) -> int:
    """Header and rows from `start_row`; returns the last row written. Widths follow the content."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    formats = number_formats or {}
    for j, column in enumerate(frame.columns, start=1):
        cell = ws.cell(start_row, j)
        _set_cell(cell, str(column))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = border
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, (column, value) in enumerate(zip(frame.columns, row), start=1):
            spec = formats.get(column)
            number_format = spec[i - 1] if isinstance(spec, (list, tuple)) else spec
            cell = ws.cell(start_row + i, j)
            _set_cell(cell, value, number_format)
            cell.border = border
    for j, column in enumerate(frame.columns, start=1):
        lengths = [len(str(column))] + [len(str(v)) for v in frame[column].head(500)]
        ws.column_dimensions[ws.cell(start_row, j).column_letter].width = min(max(lengths) + 2, 60)
    ws.freeze_panes = ws.cell(start_row + 1, 1)
    return start_row + len(frame)


def _write_titles(ws, lines: list[str]) -> int:
    from openpyxl.styles import Font

    for i, line in enumerate(lines, start=1):
        _set_cell(ws.cell(i, 1), line)
        ws.cell(i, 1).font = Font(bold=i == 1, size=13 if i == 1 else 11)
    return len(lines) + 2


def table_to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str, title: str,
                        number_formats: dict | None = None) -> bytes:
    """One table as an .xlsx file: a title line, then the table (for the pages' download buttons).

    `number_formats` (column -> Excel format, or one format per row) defaults to frame.attrs['number_formats'].
    """
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = _sheet_title(sheet_name)
    start = _write_titles(ws, [title]) if title else 1
    _write_table(ws, frame, start, number_formats or frame.attrs.get("number_formats"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download_name(*parts: str, ext: str = "xlsx") -> str:
    """An ASCII file name from display texts: ('Tổng quan', 'Vĩnh Long', '2025') -> 'tong-quan-vinh-long-2025.xlsx'."""
    from kpi.units.table import fold

    return "-".join(fold(p).replace(" ", "-") for p in parts if p) + f".{ext}"


def excel_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * int(decimals) if int(decimals) > 0 else "")


def figures_sheet(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "vi",
                  leading: dict[str, list] | None = None) -> pd.DataFrame:
    """Figures (rows of kpi.figures) as an Excel table at full precision, formats in .attrs."""
    meta = catalogue.set_index("code")
    names = meta["name_vi" if lang == "vi" else "name_en"]
    decimals = [int(meta.loc[c, "decimals"]) for c in frame["indicator"]]
    out = pd.DataFrame({k: list(v) for k, v in (leading or {}).items()})
    out[t("indicator", lang)] = [names[c] for c in frame["indicator"]]
    out["ĐVT" if lang == "vi" else "Unit"] = [meta.loc[c, "unit_of_measure"] for c in frame["indicator"]]
    out[t("actual", lang)] = frame["actual"].to_numpy()
    out[t("plan", lang)] = frame["plan"].to_numpy()
    out[t("achievement", lang)] = frame["achievement_pct"].to_numpy()
    out[t("status", lang)] = [t(s, lang) if s else "" for s in frame["status"]]
    out[t("change", lang) + " (%)"] = frame["change_pct"].to_numpy()
    out[t("change", lang) + f" ({t('points', lang)})"] = frame["change_pp"].to_numpy()
    out[t("source", lang)] = frame["sources"].fillna("").to_numpy() if "sources" in frame else ""
    formats = [excel_format(d) for d in decimals]
    out.attrs["number_formats"] = {
        t("actual", lang): formats, t("plan", lang): formats, t("achievement", lang): "#,##0.0",
        t("change", lang) + " (%)": "#,##0.0", t("change", lang) + f" ({t('points', lang)})": "#,##0.00"}
    return out


def _annex_frame(deck: Deck) -> pd.DataFrame:
    frame = deck.figures
    catalogue = frame.rename(columns={"indicator": "code"})[
        ["code", "name_vi", "name_en", "unit_of_measure", "decimals"]]
    domain_names = domains().set_index("domain")["name_vi" if deck.lang == "vi" else "name_en"]
    leading = {t("domain", deck.lang): [domain_names[d] for d in frame["domain"]],
               "Mã chỉ tiêu" if deck.lang == "vi" else "Code": list(frame["indicator"])}
    return figures_sheet(frame, catalogue, deck.lang, leading)


def build_xlsx(deck: Deck, settings: Settings) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    ws = workbook.active
    ws.title = _sheet_title("Số liệu" if deck.lang == "vi" else "Figures")
    start = _write_titles(ws, [
        f"{settings.parent_agency} - {settings.agency}",
        t("exp_report_summary", deck.lang, period=deck.period_label.lower(), unit=deck.unit_full_name),
        deck.footer() + (f" · {t('exp_demo_short', deck.lang)}" if deck.is_demo else ""),
    ])
    annex = _annex_frame(deck)
    _write_table(ws, annex, start, annex.attrs["number_formats"])
    for slide in deck.slides:
        if slide.kind == "provinces":
            sheet = workbook.create_sheet(_sheet_title(t("province", deck.lang)))
            table = pd.DataFrame({
                t("rank", deck.lang): slide.data["rank_label"], t("province", deck.lang): slide.data["name"],
                t("exp_axis_good", deck.lang): slide.data["good"],
                t("exp_rated_column", deck.lang): slide.data["rated"]})
            _write_table(sheet, table, _write_titles(sheet, [slide.title, slide.subtitle, deck.footer()]),
                         {t("exp_axis_good", deck.lang): "0", t("exp_rated_column", deck.lang): "0"})
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# PowerPoint
# --------------------------------------------------------------------------------------------

PPTX_FONT = "Arial"


def build_pptx(deck: Deck, settings: Settings) -> bytes:
    """16:9 deck, the presentation mode's slides: title, chart image (vl-convert), summary, footer."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    from kpi.charts.static import HEIGHT, WIDTH, slide_png

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = f"{deck.unit_name} · {deck.period_label}"
    prs.core_properties.author = settings.agency
    blank = prs.slide_layouts[6]
    ink, grey = RGBColor(0x11, 0x11, 0x11), RGBColor(0x44, 0x4C, 0x56)

    def text_box(slide, left, top, width, height, text, size, bold=False, colour=ink, align=PP_ALIGN.LEFT):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        paragraph = frame.paragraphs[0]
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.name, run.font.size, run.font.bold = PPTX_FONT, Pt(size), bold
        run.font.color.rgb = colour
        return box

    footer_left = f"{settings.parent_agency} · {settings.agency}"
    chart_width = 12.0
    chart_height = chart_width * HEIGHT / WIDTH
    for number, item in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(blank)
        text_box(slide, 0.6, 0.25, 12.1, 0.75, item.title, 34, bold=True)
        text_box(slide, 0.6, 0.95, 12.1, 0.45, item.subtitle, 20, colour=grey)
        png = slide_png(item, deck.lang)
        slide.shapes.add_picture(io.BytesIO(png), Inches((13.333 - chart_width) / 2), Inches(1.4),
                                 Inches(chart_width), Inches(chart_height))
        text_box(slide, 0.6, 1.45 + chart_height, 12.1, 0.45, item.summary, 20, bold=True)
        right = deck.footer() + (f" · {t('exp_demo_short', deck.lang)}" if deck.is_demo else "")
        text_box(slide, 0.6, 7.02, 7.0, 0.35, footer_left, 12, colour=grey)
        text_box(slide, 7.0, 7.02, 5.75, 0.35, f"{right} · {number}/{len(deck.slides)}", 12, colour=grey,
                 align=PP_ALIGN.RIGHT)
        notes = [item.summary] + list(item.notes)
        slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# Word report in the format of Decree 30/2020/NĐ-CP (Annex I)
# --------------------------------------------------------------------------------------------

DOC_FONT = "Times New Roman"
BODY_PT = 14
MARGINS_MM = {"top": 22, "bottom": 22, "left": 32, "right": 17}  # mid-range: Word stores twips, so no edge rounding


def _font(run, size: float, bold: bool = False, italic: bool = False, underline: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = DOC_FONT
    run.font.size = Pt(size)
    run.font.bold, run.font.italic, run.font.underline = bold, italic, underline
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOC_FONT)


def _paragraph(container, text: str = "", size: float = BODY_PT, bold=False, italic=False, underline=False,
               align=None, first_line_mm: float | None = None, after_pt: float = 0, before_pt: float = 0):
    from docx.shared import Mm, Pt

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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

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
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

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
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

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


def build_docx(deck: Deck, settings: Settings, issued: dt.date | None = None) -> bytes:
    """Báo cáo in the state's format: A4, Times New Roman 13-14, national title, agency, annex table."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    if deck.lang != "vi":
        raise ExportError("Báo cáo theo Nghị định 30/2020/NĐ-CP chỉ lập bằng tiếng Việt")
    issued = issued or dt.date.today()
    centre, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
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


# --------------------------------------------------------------------------------------------
# Command line: python -m kpi export pptx|docx|xlsx --unit U --period P -o FILE [--snapshot ID]
# --------------------------------------------------------------------------------------------

BUILDERS = {"pptx": build_pptx, "docx": build_docx, "xlsx": build_xlsx}


def export_bytes(kind: str, deck: Deck, settings: Settings) -> bytes:
    return BUILDERS[kind](deck, settings)


def export_file_name(deck: Deck, kind: str) -> str:
    """An ASCII file name: 'bao-cao-vinh-long-2025-m06.docx'."""
    from kpi.units.table import fold

    stem = {"pptx": "trinh-chieu", "docx": "bao-cao", "xlsx": "so-lieu"}[kind]
    return f"{stem}-{fold(deck.unit_name).replace(' ', '-')}-{deck.period.lower()}.{kind}"


def write_atomically(path: Path, payload: bytes) -> None:
    """Write next to the target and rename, so a failure never leaves a partial file."""
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
