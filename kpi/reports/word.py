"""The briefing as a Word report in the format of Decree 30/2020/NĐ-CP (Annex I): A4, Times New
Roman 13-14, national title, agency, body by domain, annex table."""
from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kpi.figures import units as units_of
from kpi.periods import parse_period
from kpi.reports import assessment
from kpi.reports.deck import Deck
from kpi.reports.letterhead import Letterhead, report_letterhead
from kpi.reports.settings import Settings
from kpi.store.indicators import domains
from kpi.store.report_texts import ReportTexts
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


class Unbroken:
    """Non-breaking spaces inside the names and periods of a report ('tỉnh Lào Cai', 'VĨNH LONG',
    '9 tháng năm 2026', '60.779 người'), so that a line never breaks inside them."""

    def __init__(self, phrases):
        names = sorted({p for p in phrases if p and " " in p}, key=len, reverse=True)
        self._names = re.compile("|".join(re.escape(n) for n in names), re.IGNORECASE) if names else None

    def __call__(self, text: str) -> str:
        if self._names is not None:
            text = self._names.sub(lambda m: m.group(0).replace(" ", NBSP), text)
        text = _WORD_NUMBER.sub(lambda m: m.group(1) + NBSP, text)   # 'năm 2025', 'tháng 9'
        return _NUMBER_WORD.sub(lambda m: m.group(1) + NBSP, text)   # '9 tháng', '60.779 người', '0,12 điểm %'


NBSP = "\u00a0"
_WORD_NUMBER = re.compile(r"\b(năm|tháng|ngày|quý|Quý|số|Số|kỳ) (?=\d)")
_NUMBER_WORD = re.compile(r"(\d[\d.,]*) (?=[^\W\d_]|%)")


def unbroken_for(deck: Deck, head: Letterhead) -> Unbroken:
    """The phrases of this report to keep whole: its units' names (every province of the snapshot,
    in every case), its period and its place."""
    # not the agency's own name: 'SỞ NÔNG NGHIỆP VÀ / MÔI TRƯỜNG' must wrap in the letterhead's column
    phrases = [head.subject, deck.unit_name, deck.unit_full_name, deck.period_label, head.agency.place]
    if deck.snapshot is not None:
        table = units_of(deck.snapshot)
        phrases += [str(n) for n in table.loc[table["level"] == "province", "name_vi"]]
    phrases += [p.split(" (")[0] for p in (head.subject,)]
    return Unbroken(phrases)


def letterhead_line(text: str, deck: Deck, last_two: bool = True) -> str:
    """A line of the agency's column, upper case: a province's name and 'THÀNH PHỐ' kept whole
    ('UBND THÀNH PHỐ / HỒ CHÍ MINH') and, for the agency's name, its last two words together
    ('SỞ NÔNG NGHIỆP VÀ / MÔI TRƯỜNG'), so a line that must wrap wraps between its parts."""
    names = []
    if deck.snapshot is not None:
        table = units_of(deck.snapshot)
        names = [str(n) for n in table.loc[table["level"] == "province", "name_vi"]]
    text = Unbroken([*names, "THÀNH PHỐ"])(text.upper())
    head, _, last = text.rpartition(" ")
    return f"{head}{NBSP}{last}" if head and last_two else text


def _numbered(lines: list[str]) -> list[str]:
    """Paragraphs of a section as printed: a line that introduces a list (ends with ':') stands as it
    is, the others are '- ' items."""
    return [line if line.endswith(":") else f"- {line}" for line in lines]


def build_docx(deck: Deck, settings: Settings, issued: dt.date | None = None,
               texts: ReportTexts | None = None, domain: str = "") -> bytes:
    """Báo cáo in the state's format (Decree 30/2020, Annex I): the letterhead kpi.reports.letterhead
    chose, I. Kết quả thực hiện, II. Đánh giá chung (1. Ưu điểm, 2. Hạn chế, nguyên nhân), III.
    Phương hướng, nhiệm vụ, IV. Kiến nghị, recipients and signature, then the annex table. Sections
    II-IV are `texts` (the page's edits), else the newest kept version, else the draft
    (kpi.reports.assessment). A `domain` ('training') makes it the report of that domain, issued by
    the department that holds it (the deck of kpi.reports.assessment.domain_deck)."""
    if deck.lang != "vi":
        raise ReportError("Báo cáo theo Nghị định 30/2020/NĐ-CP chỉ lập bằng tiếng Việt")
    issued = issued or dt.date.today()
    head = report_letterhead(deck, settings)
    agency = head.agency
    said = assessment.deck_content(deck, texts, domain)
    nb = unbroken_for(deck, head)
    centre, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
    document = a4_document()
    text_width = 210 - MARGINS_MM["left"] - MARGINS_MM["right"]

    def body(text: str, bold=False, italic=False, indent=True, before_pt: float = 0, after_pt: float = 6):
        paragraph = _paragraph(document, nb(text), BODY_PT, bold=bold, italic=italic, align=justify,
                               first_line_mm=12.7 if indent else None, after_pt=after_pt, before_pt=before_pt)
        if bold:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    # Header: the agency on the left, the national title and motto on the right (Annex I, items 1-2)
    header = document.add_table(rows=2, cols=2)
    header.autofit = False
    # the header may reach 5 mm into each margin so the national title stays on one line at 13 pt
    _set_widths(header, [HEADER_LEFT_MM, text_width + 10 - HEADER_LEFT_MM], indent_mm=-5)
    left, right = header.cell(0, 0), header.cell(0, 1)
    if agency.parent_agency:
        _cell_text(left, letterhead_line(agency.parent_agency, deck, last_two=False), 13, align=centre)
        _font(left.add_paragraph().add_run(letterhead_line(agency.agency, deck)), 13, bold=True)
    else:  # a ministry: its name alone
        _cell_text(left, letterhead_line(agency.agency, deck), 13, bold=True)
    left.paragraphs[-1].alignment = centre
    _rule(left, 20)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, align=centre)
    motto = right.add_paragraph()
    motto.alignment = centre
    _font(motto.add_run("Độc lập - Tự do - Hạnh phúc"), 14, bold=True, underline=True)
    _cell_text(header.cell(1, 0), document_symbol(agency), 13, align=centre)
    _cell_text(header.cell(1, 1), nb(_date_line(agency, issued)), 14, italic=True, align=centre)
    for cell in (header.cell(1, 0), header.cell(1, 1)):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)

    # Title and summary line (item 5)
    scope = assessment.domain_name(domain).lower() if domain else ""
    summary = (t("rep_summary_domain", "vi", domain=scope, period=deck.period_label.lower(), unit=head.subject)
               if domain else t("exp_report_summary", "vi", period=deck.period_label.lower(), unit=head.subject))
    _paragraph(document, "BÁO CÁO", BODY_PT, bold=True, align=centre, before_pt=18).paragraph_format.keep_with_next = True
    _paragraph(document, nb(summary), BODY_PT, bold=True, align=centre)
    _rule(document, 55)
    _paragraph(document, "", after_pt=6)

    intro = "rep_intro_domain" if domain else "exp_report_intro"
    body(t(intro, "vi", agency=agency.agency_in_text, unit=head.subject, period=deck.period_label.lower(), domain=scope))

    # I. Kết quả thực hiện: the figures by domain in sentences
    headline = next(s for s in deck.slides if s.kind == "headline")
    body("I. KẾT QUẢ THỰC HIỆN", bold=True, indent=False, before_pt=6)
    body(said.draft.headline)
    for note in headline.notes:
        body(note, italic=True)
    for number, (title, sentences) in enumerate(said.draft.results, start=1):
        body(f"{number}. {title}", bold=True)
        for sentence in sentences:
            body(f"- {sentence}")

    # II. Đánh giá chung; III. Phương hướng, nhiệm vụ; IV. Kiến nghị
    body("II. ĐÁNH GIÁ CHUNG", bold=True, indent=False, before_pt=6)
    body("1. Ưu điểm", bold=True)
    for line in _numbered(said.strengths):
        body(line)
    body("2. Hạn chế, nguyên nhân", bold=True)
    for line in _numbered(said.weaknesses):
        body(line)
    body(f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ {next_period_label(deck.period).upper()}", bold=True, indent=False,
         before_pt=6)
    for line in _numbered(said.directions):
        body(line)
    body("IV. KIẾN NGHỊ", bold=True, indent=False, before_pt=6)
    for line in _numbered(said.proposals) or [t("rep_no_proposals", "vi")]:
        body(line)

    source = t("exp_report_source", "vi", id=deck.snapshot_id, created=deck.snapshot_created[:10])
    if deck.is_demo:
        source += " " + t("demo_warning", "vi")
    if said.kept is not None and said.kept.saved:  # texts saved on the page, not those being exported unsaved
        source += (f" Phần đánh giá, phương hướng và kiến nghị: phiên bản {said.kept.version} do "
                   f"{said.kept.author_name} lưu ngày {said.kept.saved_at[:10]}.")
    _paragraph(document, nb(source), 13, italic=True, align=justify, first_line_mm=12.7, before_pt=6,
               after_pt=12).paragraph_format.keep_with_next = True

    # Recipients and signature (items 7-8), one block that never splits
    closing = document.add_table(rows=1, cols=2)
    closing.autofit = False
    _set_widths(closing, [80, text_width - 80])
    recipients = closing.cell(0, 0)
    _cell_text(recipients, "Nơi nhận:", 12, bold=True, italic=True)
    for name in agency.recipients:
        _font(recipients.add_paragraph().add_run(nb(f"- {name};" if not name.startswith("Lưu") else f"- {name}.")), 11)
    signer = closing.cell(0, 1)
    first = True
    for line in [x for x in (agency.signatory_authority, agency.signatory_title) if x]:
        paragraph = signer.paragraphs[0] if first else signer.add_paragraph()
        first = False
        paragraph.alignment = centre
        _font(paragraph.add_run(line.upper()), 14, bold=True)
    for _ in range(4):
        signer.add_paragraph()
    if agency.signatory_name:
        paragraph = signer.add_paragraph()
        paragraph.alignment = centre
        _font(paragraph.add_run(nb(agency.signatory_name)), 14, bold=True)
    cant_split = OxmlElement("w:cantSplit")
    closing.rows[0]._tr.get_or_add_trPr().append(cant_split)

    # Annex: the figures table
    page_break = document.add_paragraph().add_run()
    page_break.add_break(WD_BREAK.PAGE)
    _paragraph(document, "Phụ lục", BODY_PT, bold=True, align=centre)
    _paragraph(document, nb(t("exp_annex_title", "vi", period=deck.period_label.upper(), unit=head.subject.upper())),
               BODY_PT, bold=True, align=centre)
    _paragraph(document, nb(f"(Kèm theo Báo cáo số{document_symbol(agency)[3:]} ngày "
                            f"{issued.day:02d}/{issued.month:02d}/{issued.year} của {agency.agency_in_text})"),
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
        texts_ = [row["number"], row["name"], row["unit_of_measure"], row["plan"], row["actual"],
                  row["achievement"], row["change"]]
        for j, text in enumerate(texts_):
            align = WD_ALIGN_PARAGRAPH.LEFT if j == 1 else (centre if j in (0, 2) else WD_ALIGN_PARAGRAPH.RIGHT)
            _cell_text(cells[j], text.replace(" ", NBSP) if j >= 3 else text, 13, align=align)
    _set_widths(table, ANNEX_WIDTHS_MM)
    _paragraph(document, t("exp_annex_note", "vi"), 13, italic=True, align=justify, before_pt=6)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def next_period_label(period: str) -> str:
    """What section III plans for: the rest of the year after 3, 6 or 9 months ('năm 2026'), the
    next year after a whole year ('năm 2027')."""
    parsed = parse_period(period)
    return f"năm {parsed.year if not parsed.is_whole_year else parsed.year + 1}"
