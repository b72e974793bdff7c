"""A locked award decision as a Tờ trình đề nghị khen thưởng and a Biên bản họp xét thi đua, in the
format of Decree 30/2020/NĐ-CP (Annex I, as kpi.reports.word): A4, Times New Roman 13-14, the
issuing agency and the national title and motto side by side, number and symbol (TTr, BB), place
and date, the summary line (trích yếu), the body, the recipients (nơi nhận) and the signature.

Both are built from the stored decision only (kpi.scoring.decisions.Decision: its ranking, its
sensitivity result, its scorecard head, who locked it and when), never from live data: the same
decision gives the same document years later. Each holds the ranking table and the robustness
paragraph ("X đứng đầu trong N% của 10.000 phương án trọng số…"); the Tờ trình adds an annex
with every criterion's points (a landscape page). The document's date is the day it was locked.
"""
from __future__ import annotations

import datetime as dt
import io

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kpi.reports.settings import Settings
from kpi.reports.word import (
    BODY_PT,
    MARGINS_MM,
    _cell_text,
    _date_line,
    _font,
    _paragraph,
    _rule,
    _set_widths,
    a4_document,
)
from kpi.scoring.decisions import Decision
from kpi.scoring.totals import rank_label
from kpi.text import fmt
from kpi.text.figure_text import rank_text
from kpi.text.i18n import t

TOTRINH, BIENBAN = "docx-totrinh", "docx-bienban"
KINDS = (TOTRINH, BIENBAN)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RANKING_HEADERS = ["Hạng", "Đơn vị", "Tổng điểm", "Cộng, trừ", "Danh hiệu đề xuất"]
RANKING_WIDTHS_MM = [20, 50, 20, 17, 54]  # 161 mm: the text width of A4 with 32 + 17 mm margins
HEADER_LEFT_MM = 64
CENTRE, JUSTIFY = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY
INDENT_MM = 12.7
LAW = "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;"
BLANK = "……………………"


# --------------------------------------------------------------------------- what both documents say

def ranking_rows(decision: Decision) -> list[list[str]]:
    """The ranking table as printed: rank (ties marked; a unit listed apart 'Không xếp hạng'),
    unit, total, bonus/penalty, proposed award (or why none)."""
    rows = []
    for r in decision.results["ranking"]:
        adjustment = (r["bonus"] or 0) + (r["penalty"] or 0)
        if r["complete"]:
            tier = r["tier"] or t("rank_no_tier", "vi")
        else:
            tier = t("rank_no_tier_incomplete", "vi")
        # a unit listed apart sits under the table's own row saying so: no rank to print
        rank = rank_label(r["rank"], r["tied"], r["complete"], "vi") if r["rank"] is not None else "–"
        rows.append([rank, r["name"], fmt.number(r["total"], 2, "vi"),
                     fmt.number(adjustment, 2, "vi") if adjustment else "", tier])
    return rows


def robustness_paragraph(decision: Decision) -> str:
    """What the stored sensitivity analysis says about the leader, with how it was run and the rank
    bands of the first units."""
    sens = decision.sensitivity
    how = (f"Kết quả được kiểm tra bằng phân tích độ nhạy (Monte Carlo, {fmt.number(sens['draws'], 0, 'vi')} "
           f"phương án: trọng số mỗi tiêu chí thay đổi trong khoảng ±{fmt.number(sens['spread'] * 100, 0, 'vi')}% "
           f"quanh bảng điểm, mỗi tiêu chí có {fmt.number(sens['switch'] * 100, 0, 'vi')}% khả năng được chấm theo "
           f"cách tính khác; hạt giống ngẫu nhiên {sens['seed']}): ")
    bands = [f"{r['name']} hạng {r['p5_rank']}–{r['p95_rank']}" if r["p5_rank"] != r["p95_rank"]
             else f"{r['name']} luôn hạng {r['p5_rank']}" for r in sens["table"][:3]]
    tail = (" Khoảng hạng của 90% số phương án: " + "; ".join(bands) + ".") if bands else ""
    return how + sens["sentence"] + tail


def proposals(decision: Decision) -> list[tuple[str, list[str]]]:
    """(award, units) in the order of the ranking: the units proposed for each award."""
    out: dict[str, list[str]] = {}
    for r in decision.results["ranking"]:
        if r["complete"] and r["tier"]:
            out.setdefault(r["tier"], []).append(r["name"])
    return list(out.items())


def proposal_lines(decision: Decision) -> list[str]:
    lines = [f"- Danh hiệu “{tier}”: {len(names)} tập thể: {', '.join(names)}." for tier, names in proposals(decision)]
    if not lines:
        lines.append("- Không có tập thể nào đạt mức điểm đề xuất danh hiệu theo bảng điểm.")
    missing = [r["name"] for r in decision.results["ranking"] if not r["complete"]]
    if missing:
        lines.append(f"- Chưa đề xuất danh hiệu (thiếu số liệu, tổng điểm chưa đầy đủ): {', '.join(missing)}.")
    return lines


def notes(decision: Decision) -> list[str]:
    """Ties and the rule for units missing a figure, as the scorecard states it."""
    out = []
    ties: dict[int, list[str]] = {}
    for r in decision.results["ranking"]:
        if r["tied"] and r["rank"] is not None:
            ties.setdefault(r["rank"], []).append(r["name"])
    for rank, names in ties.items():
        out.append(f"Đồng hạng {rank_text(rank)}: {', '.join(names)}.")
    if not all(r["complete"] for r in decision.results["ranking"]):
        out.append(decision.card["rule"])
    return out


def scorecard_phrase(decision: Decision) -> str:
    card = decision.card
    issued = f" ({card['issued']})" if card.get("issued") else ""
    return f"bảng điểm “{card['title']}”{issued}, phiên bản {card['version']} (tệp {decision.scorecard_name})"


def summary_line(decision: Decision) -> str:
    title = decision.card["title"]
    return title[:1].lower() + title[1:]


def addressee(settings: Settings) -> str:
    """Who a Tờ trình is addressed to: the parent agency, written out ('UBND TỈNH VĨNH LONG' →
    'Ủy ban nhân dân tỉnh Vĩnh Long')."""
    parent = settings.parent_agency.strip()
    if parent.upper().startswith("UBND "):
        words = parent[5:].split()
        return "Ủy ban nhân dân " + " ".join([words[0].lower()] + [w.title() for w in words[1:]]) if words else parent
    return parent


def source_line(decision: Decision) -> str:
    created = (decision.results.get("snapshot_created") or "")[:10]
    text = (f"Kết quả chốt số {decision.id}, do {decision.locked_by_name} chốt lúc "
            f"{decision.locked_local:%H:%M ngày %d/%m/%Y}, trên bản dữ liệu đã duyệt {decision.snapshot_id}"
            + (f" (tạo ngày {created})" if created else "")
            + f"; mã kiểm tra SHA-256 của bảng điểm: {decision.scorecard_sha256}; tái lập được từ nội dung bảng "
            "điểm đã lưu.")
    if decision.results.get("is_demo"):
        text += " " + t("demo_warning", "vi")
    return text


# --------------------------------------------------------------------------- Word building blocks

def _text_width() -> float:
    return 210 - MARGINS_MM["left"] - MARGINS_MM["right"]


def _symbol(settings: Settings, kind: str) -> str:
    return f"Số:        /{kind}-{settings.abbreviation}" if settings.abbreviation else f"Số:        /{kind}"


def _heading(document, settings: Settings, kind: str, issued: dt.date) -> None:
    """The agency (left) and the national title and motto (right); number and symbol, place and date."""
    header = document.add_table(rows=2, cols=2)
    header.autofit = False
    _set_widths(header, [HEADER_LEFT_MM, _text_width() + 10 - HEADER_LEFT_MM], indent_mm=-5)
    left, right = header.cell(0, 0), header.cell(0, 1)
    _cell_text(left, settings.parent_agency.upper(), 13, align=CENTRE)
    _font(left.add_paragraph().add_run(settings.agency.upper()), 13, bold=True)
    left.paragraphs[-1].alignment = CENTRE
    _rule(left, 20)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 13, bold=True, align=CENTRE)
    motto = right.add_paragraph()
    motto.alignment = CENTRE
    _font(motto.add_run("Độc lập - Tự do - Hạnh phúc"), 14, bold=True, underline=True)
    _cell_text(header.cell(1, 0), _symbol(settings, kind), 13, align=CENTRE)
    _cell_text(header.cell(1, 1), _date_line(settings, issued), 14, italic=True, align=CENTRE)
    for cell in (header.cell(1, 0), header.cell(1, 1)):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _title(document, name: str, summary: str) -> None:
    _paragraph(document, name, BODY_PT, bold=True, align=CENTRE, before_pt=18).paragraph_format.keep_with_next = True
    _paragraph(document, summary, BODY_PT, bold=True, align=CENTRE)
    _rule(document, 55)
    _paragraph(document, "", after_pt=6)


def _body(document, text: str, bold=False, italic=False, indent=True, after_pt: float = 6, size: float = BODY_PT):
    paragraph = _paragraph(document, text, size, bold=bold, italic=italic, align=JUSTIFY,
                           first_line_mm=INDENT_MM if indent else None, after_pt=after_pt)
    if bold:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _source(document, decision: Decision) -> None:
    """Where the figures come from, kept on the page of the signature that follows."""
    paragraph = _paragraph(document, source_line(decision), 12, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT,
                           after_pt=12)
    paragraph.paragraph_format.keep_with_next = True


def _repeat_header(row) -> None:
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _mark_size(cell, size: float) -> None:
    """The paragraph mark at the cell's size: an empty cell is then no taller than a filled one."""
    for paragraph in cell.paragraphs:
        properties = OxmlElement("w:rPr")
        for tag in ("w:sz", "w:szCs"):
            element = OxmlElement(tag)
            element.set(qn("w:val"), str(int(size * 2)))
            properties.append(element)
        paragraph._p.get_or_add_pPr().append(properties)


def _keep_with_next(row) -> None:
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _cant_split(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


def _grid(document, headers: list[str], rows: list[list[str]], widths: list[float], size: float = 13,
          left_columns: tuple[int, ...] = (1,), apart_from: int | None = None, apart_title: str = ""):
    """A bordered table whose header row repeats on every page and whose rows never split; rows
    from `apart_from` on follow a merged row `apart_title` (the units listed apart)."""
    extra = 1 if apart_from is not None and apart_from < len(rows) else 0
    table = document.add_table(rows=1 + len(rows) + extra, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, title in enumerate(headers):
        _cell_text(table.cell(0, j), title, size, bold=True, align=CENTRE)
    _repeat_header(table.rows[0])
    _keep_with_next(table.rows[0])
    number = 1
    for i, row in enumerate(rows):
        if extra and i == apart_from:
            merged = table.rows[number].cells[0].merge(table.rows[number].cells[-1])
            _cell_text(merged, apart_title, size, bold=True, italic=True)
            _cant_split(table.rows[number])
            _keep_with_next(table.rows[number])  # never alone at the foot of a page
            number += 1
        cells = table.rows[number].cells
        for j, text in enumerate(row):
            align = WD_ALIGN_PARAGRAPH.LEFT if j in left_columns else (
                CENTRE if j == 0 or j == len(row) - 1 and not text[:1].isdigit() else WD_ALIGN_PARAGRAPH.RIGHT)
            _cell_text(cells[j], text, size, align=align)
            _mark_size(cells[j], size)
            cells[j].paragraphs[0].paragraph_format.space_before = Pt(1)
            cells[j].paragraphs[0].paragraph_format.space_after = Pt(1)
        _cant_split(table.rows[number])
        number += 1
    if len(table.rows) > 3:  # the last row never alone at the head of a page
        _keep_with_next(table.rows[-2])
    _set_widths(table, widths)
    return table


def _ranking_table(document, decision: Decision) -> None:
    rows = ranking_rows(decision)
    ranked = sum(1 for r in decision.results["ranking"] if r["rank"] is not None)
    apart = ranked if ranked < len(rows) else None
    _grid(document, RANKING_HEADERS, rows, RANKING_WIDTHS_MM, size=12, apart_from=apart,
          apart_title=t("rank_apart", "vi"))
    for note in notes(decision):
        _paragraph(document, note, 13, italic=True, align=JUSTIFY, first_line_mm=INDENT_MM, before_pt=3)
    _paragraph(document, "", after_pt=3)


def _recipients(cell, settings: Settings, extra: tuple[str, ...] = ()) -> None:
    _cell_text(cell, "Nơi nhận:", 12, bold=True, italic=True)
    names = list(extra) + list(settings.recipients)
    for name in names:
        _font(cell.add_paragraph().add_run(f"- {name};" if not name.startswith("Lưu") else f"- {name}."), 11)


def _signature(cell, lines: list[str], name: str = "", note: str = "") -> None:
    first = True
    for line in [x for x in lines if x]:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        paragraph.alignment = CENTRE
        _font(paragraph.add_run(line.upper()), 14, bold=True)
    if note:
        paragraph = cell.add_paragraph()
        paragraph.alignment = CENTRE
        _font(paragraph.add_run(note), 14, italic=True)
    for _ in range(4):
        cell.add_paragraph()
    if name:
        paragraph = cell.add_paragraph()
        paragraph.alignment = CENTRE
        _font(paragraph.add_run(name), 14, bold=True)


def _closing(document, settings: Settings) -> None:
    """Recipients (left) and the signature of the agency's head (right)."""
    closing = document.add_table(rows=1, cols=2)
    closing.autofit = False
    _set_widths(closing, [80, _text_width() - 80])
    _cant_split(closing.rows[0])
    _recipients(closing.cell(0, 0), settings, ("Như trên",))
    _signature(closing.cell(0, 1), [settings.signatory_authority, settings.signatory_title], settings.signatory_name)


def _annex(document, decision: Decision, settings: Settings, issued: dt.date) -> None:
    """A landscape page: every criterion's points per unit, the totals, the criteria named."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    width = 297 - 40
    criteria = decision.results["criteria"]
    _paragraph(document, "Phụ lục", BODY_PT, bold=True, align=CENTRE)
    _paragraph(document, "BẢNG ĐIỂM CHI TIẾT THEO TIÊU CHÍ", BODY_PT, bold=True, align=CENTRE)
    _paragraph(document, f"(Kèm theo Tờ trình số{_symbol(settings, 'TTr')[3:]} ngày {issued:%d/%m/%Y} của "
                         f"{settings.agency_in_text})", 13, italic=True, align=CENTRE, after_pt=6)
    headers = ["Hạng", "Đơn vị"] + [c["id"] for c in criteria] + ["Cộng, trừ", "Tổng điểm"]
    rows = []
    for r in decision.results["ranking"]:
        points = [fmt.number(r[c["id"]], 2, "vi") if r[c["id"]] is not None else "thiếu" for c in criteria]
        adjustment = (r["bonus"] or 0) + (r["penalty"] or 0)
        rows.append([rank_text(r["rank"], r["tied"]) if r["rank"] is not None else "–", r["name"], *points,
                     fmt.number(adjustment, 2, "vi") if adjustment else "", fmt.number(r["total"], 2, "vi")])
    size = 11 if len(criteria) > 8 else 12
    fixed = 17 + 20 + 20
    each = min(24.0, (width - fixed - 56) / max(len(criteria), 1))
    name_width = width - fixed - each * len(criteria)
    _grid(document, headers, rows, [17, name_width] + [each] * len(criteria) + [20, 20], size=size)
    legend = "; ".join(f"{c['id']}: {c['label']} ({fmt.number(c['points'], 2, 'vi').rstrip('0').rstrip(',')} điểm)"
                       for c in criteria)
    _paragraph(document, f"Tiêu chí: {legend}. “Thiếu”: không có số liệu, không chấm (không tính là 0 điểm).",
               12, italic=True, align=JUSTIFY, before_pt=6)


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the two documents

def build_totrinh(decision: Decision, settings: Settings) -> bytes:
    """Tờ trình đề nghị khen thưởng: the agency proposes the awards of a locked ranking."""
    issued = decision.locked_local.date()
    to = addressee(settings)
    card = decision.card
    document = a4_document()
    _heading(document, settings, "TTr", issued)
    _title(document, "TỜ TRÌNH", f"Về việc đề nghị khen thưởng theo kết quả {summary_line(decision)}")
    _paragraph(document, f"Kính gửi: {to}.", BODY_PT, align=CENTRE, after_pt=12)
    _body(document, LAW, after_pt=3)
    _body(document, f"Căn cứ {scorecard_phrase(decision)};", after_pt=3)
    _body(document, f"Căn cứ kết quả chấm điểm, xếp hạng thi đua trên bản dữ liệu đã duyệt {decision.snapshot_id}, "
                    f"được chốt ngày {issued:%d/%m/%Y} (kết quả chốt số {decision.id}),", after_pt=3)
    _body(document, f"{settings.agency_in_text} kính trình {to} xem xét, khen thưởng các tập thể có thành tích "
                    f"trong phong trào thi đua của {card['bloc'] or card['title']} như sau:")
    _body(document, "I. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG", bold=True, indent=False)
    _body(document, f"Thang điểm {fmt.number(card['sheet_points'], 0, 'vi')} điểm; kỳ đánh giá {card['period']}; "
                    "điểm từng tiêu chí tại Phụ lục kèm theo.", after_pt=6)
    _ranking_table(document, decision)
    _body(document, "II. ĐỘ VỮNG CỦA KẾT QUẢ XẾP HẠNG", bold=True, indent=False)
    _body(document, robustness_paragraph(decision))
    _body(document, "III. ĐỀ NGHỊ KHEN THƯỞNG", bold=True, indent=False)
    _body(document, f"Căn cứ kết quả trên, {settings.agency_in_text} đề nghị:", after_pt=3)
    for line in proposal_lines(decision):
        _body(document, line, after_pt=3)
    _body(document, f"Kính trình {to} xem xét, quyết định./.", after_pt=6).paragraph_format.keep_with_next = True
    _source(document, decision)
    _closing(document, settings)
    _annex(document, decision, settings, issued)
    return _bytes(document)


def build_bienban(decision: Decision, settings: Settings) -> bytes:
    """Biên bản họp xét thi đua: the committee's meeting that locked the ranking."""
    issued = decision.locked_local.date()
    when = decision.locked_local
    document = a4_document()
    _heading(document, settings, "BB", issued)
    _title(document, "BIÊN BẢN", f"Họp Hội đồng xét thi đua: {summary_line(decision)}")
    _body(document, f"Thời gian: {when:%H} giờ {when:%M} phút, ngày {when:%d} tháng {when:%m} năm {when:%Y}.",
          indent=False, after_pt=3)
    _body(document, f"Địa điểm: {settings.agency_in_text}, {settings.place}.", indent=False, after_pt=3)
    _body(document, f"Thành phần: Hội đồng Thi đua - Khen thưởng {settings.agency_in_text}; số thành viên có mặt: "
                    f"{BLANK}/{BLANK}.", indent=False, after_pt=3)
    _body(document, f"Chủ trì: {BLANK}; thư ký: {BLANK}.", indent=False, after_pt=6)
    _body(document, "NỘI DUNG", bold=True, indent=False)
    _body(document, f"1. Hội đồng xem xét kết quả chấm điểm thi đua của {decision.card['bloc'] or decision.card['title']}, "
                    f"kỳ {decision.card['period']}, theo {scorecard_phrase(decision)}, trên bản dữ liệu đã duyệt "
                    f"{decision.snapshot_id}. Kết quả như sau:")
    _ranking_table(document, decision)
    _body(document, "2. Độ vững của kết quả xếp hạng: " + robustness_paragraph(decision))
    _body(document, f"3. Kết luận: Hội đồng thống nhất chốt kết quả xếp hạng trên (kết quả chốt số {decision.id}, "
                    f"do {decision.locked_by_name} chốt lúc {when:%H:%M ngày %d/%m/%Y}) và đề nghị:", after_pt=3)
    for line in proposal_lines(decision):
        _body(document, line, after_pt=3)
    _body(document, f"Biên bản kết thúc lúc {BLANK} cùng ngày, đã được đọc lại cho các thành viên dự họp cùng nghe "
                    "và thống nhất thông qua./.", after_pt=6).paragraph_format.keep_with_next = True
    _source(document, decision)
    # the signatures and the recipients in one block that never splits across pages
    closing = document.add_table(rows=2, cols=2)
    closing.autofit = False
    _set_widths(closing, [_text_width() / 2, _text_width() / 2])
    _signature(closing.cell(0, 0), ["THƯ KÝ"], note="(Ký, ghi rõ họ tên)")
    _signature(closing.cell(0, 1), ["CHỦ TỌA"], note="(Ký, ghi rõ họ tên)")
    recipients = closing.cell(1, 0).merge(closing.cell(1, 1))
    _recipients(recipients, settings, ("Các thành viên Hội đồng",))
    for row in closing.rows:
        _cant_split(row)
    _keep_with_next(closing.rows[0])
    for paragraph in recipients.paragraphs[:-1]:
        paragraph.paragraph_format.keep_with_next = True
    return _bytes(document)


BUILDERS = {TOTRINH: build_totrinh, BIENBAN: build_bienban}
FILE_PREFIX = {TOTRINH: "to-trinh", BIENBAN: "bien-ban"}


def decision_doc_bytes(kind: str, decision: Decision, settings: Settings) -> bytes:
    return BUILDERS[kind](decision, settings)


def file_name(kind: str, decision: Decision) -> str:
    return f"{FILE_PREFIX[kind]}-{decision.id}.docx"


def document_text(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, in order (tests, the command line's check)."""
    document = Document(io.BytesIO(data))
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            out.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(out)
