"""The PDF of a page: one builder for every page (reportlab's Platypus), A4.

A page hands over a PageDocument: its title, the filters it shows (one line each), the snapshot and
the source of its figures, and blocks in order: headings, paragraphs, tables (every row; a long one
continues on the next page with its header repeated: LongTable with repeatRows=1) and charts (an
Altair chart rendered to PNG by vl-convert, kept whole on one page). Every page of the file ends with
the snapshot, "Dữ liệu minh họa" when the figures are the demo, and "Trang N/M".

Tables come as display text (kpi.screens tables are already formatted by kpi.text.fmt); a column of
numbers can be given a ColumnFormat with its decimals, and is then formatted by kpi.text.fmt too.
Column widths follow the longest word and the longest text of each column, so nothing is cut: a
cell wraps instead.

Text is drawn in DejaVu Sans (every Vietnamese letter), found in the Debian package fonts-dejavu-core
(scripts/setup.sh installs it) or in a folder named by $KPI_PDF_FONT_DIR; without it PdfFontError
says what to install.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape
from pathlib import Path

import pandas as pd
import vl_convert as vlc
from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)

from kpi.text import fmt
from kpi.text.i18n import t

PDF_MIME = "application/pdf"
FONT, FONT_BOLD = "KpiDejaVuSans", "KpiDejaVuSans-Bold"
FONT_FILES = {FONT: "DejaVuSans.ttf", FONT_BOLD: "DejaVuSans-Bold.ttf"}
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
             "/usr/local/share/fonts", "/usr/share/fonts")
MARGIN = 14 * mm
FOOTER_GAP = 8 * mm
INK, MUTED, RULE = colors.HexColor("#111111"), colors.HexColor("#57606a"), colors.HexColor("#b8c0c8")
HEADER_BG, STRIPE_BG = colors.HexColor("#e8eef5"), colors.HexColor("#f6f8fa")
TABLE_PT, TABLE_MIN_PT = 8.5, 6.5
CELL_PAD = 3
WIDE_TABLE = 9
SHRINK_TO = 0.7


class PdfFontError(RuntimeError):
    """No TTF with Vietnamese letters was found: the message says which package to install."""


@dataclass
class Heading:
    text: str
    level: int = 1           # 1: a section of the page, 2: under it


@dataclass
class Text:
    text: str
    note: bool = False       # a caption: smaller and grey


@dataclass
class ColumnFormat:
    align: str = ""          # "left" | "right" | "center"; "" decides from the values (numbers right)
    decimals: int | None = None  # a numeric column: formatted by kpi.text.fmt.number with these decimals


@dataclass
class Table:
    frame: pd.DataFrame
    formats: dict[str, ColumnFormat] = field(default_factory=dict)
    title: str = ""
    colours: list[list[tuple[str, str] | None]] | None = None  # per row and column: (background, text colour)


@dataclass
class Chart:
    chart: object            # an Altair chart (rendered by vl-convert), or PNG bytes
    title: str | list = ""   # its title (a heading before it is added here, so that both stay on its page)
    max_width: float = 1.0   # share of the frame's width the chart may take
    lang: str = ""           # the number format of its axes ('' : the document's)


Block = Heading | Text | Table | Chart


@dataclass
class PageDocument:
    title: str
    filters: list[str]       # "Đơn vị: Tỉnh Vĩnh Long", one line each, in the page's language
    blocks: list[Block]
    snapshot: str = ""       # "Bản dữ liệu 20261201-… (01/12/2026 12:24)"
    source: str = ""         # where the figures come from
    demo: bool = False
    lang: str = "vi"
    landscape: bool | None = None   # None: landscape when a table has more than WIDE_TABLE columns
    subject: str = ""        # the PDF's metadata: what it is about


def font_dirs() -> list[Path]:
    extra = os.environ.get("KPI_PDF_FONT_DIR")
    return ([Path(extra)] if extra else []) + [Path(d) for d in FONT_DIRS]


def find_font(file_name: str) -> Path | None:
    for folder in font_dirs():
        if not folder.is_dir():
            continue
        direct = folder / file_name
        if direct.is_file():
            return direct
        found = next(iter(sorted(folder.rglob(file_name))), None)
        if found is not None:
            return found
    return None


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular, bold) with reportlab once; PdfFontError when not found."""
    for name, file_name in FONT_FILES.items():
        path = find_font(file_name)
        if path is None:
            raise PdfFontError(t("pdf_font_missing", "vi", file=file_name,
                                 dirs=", ".join(str(d) for d in font_dirs()))
                               + " / " + t("pdf_font_missing", "en", file=file_name,
                                           dirs=", ".join(str(d) for d in font_dirs())))
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    return FONT, FONT_BOLD


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, textColor=INK, spaceAfter=4)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=6),
        "filter": ParagraphStyle("filter", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=12.5, leading=16, spaceBefore=8,
                             spaceAfter=4),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=10.5, leading=13.5, spaceBefore=5,
                             spaceAfter=3),
        "body": base,
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "demo": ParagraphStyle("demo", parent=base, fontName=FONT_BOLD, fontSize=9.5, textColor=colors.HexColor(
            "#7d4e00"), backColor=colors.HexColor("#fff8c5"), borderPadding=3, spaceBefore=4, spaceAfter=6),
    }


def _markup(text) -> str:
    """Text as written (no reportlab markup from data), line breaks kept."""
    return escape(str(text)).replace("\n", "<br/>")


def _coloured(text: str, fill: tuple[str, str] | None) -> str:
    return f'<font color="{fill[1]}">{_markup(text)}</font>' if fill else _markup(text)


def cell_text(value, column_format: ColumnFormat | None, lang: str) -> str:
    """What a cell shows: a number through kpi.text.fmt (missing as '–', never 0), text as it is."""
    if column_format is not None and column_format.decimals is not None:
        return fmt.number(value, column_format.decimals, lang)
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return fmt.number(None, 0, lang)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return fmt.exact(value, lang)
    return str(value)


def _looks_numeric(texts: list[str]) -> bool:
    """A column whose filled cells start with a digit, a sign or a dash for missing: right-aligned."""
    filled = [s for s in texts if s and s not in ("–", "-")]
    return bool(filled) and all(s[0].isdigit() or (s[0] in "+−-±" and len(s) > 1 and s[1].isdigit())
                                for s in filled)


def column_widths(header: list[str], rows: list[list[str]], width: float, size: float) -> list[float] | None:
    """Widths that fit `width`, as a browser lays out a table: every column at least its longest word
    (no word is cut); then the columns that need least to show each cell on one line get it first (names,
    verdicts, figures stay whole); what is left goes to the long texts by their length. None when even
    the longest words do not fit at this size."""
    pad = 2 * CELL_PAD + 1
    words, whole = [], []
    for i, title in enumerate(header):
        cells = [title] + [r[i] for r in rows]
        word = max((pdfmetrics.stringWidth(w, FONT_BOLD if j == 0 else FONT, size)
                    for j, c in enumerate(cells) for w in str(c).split()), default=0)
        text = max((pdfmetrics.stringWidth(str(c), FONT, size) for c in cells[1:]), default=0)
        words.append(word + pad)
        whole.append(max(text, word) + pad)
    if sum(words) > width:
        return None
    if sum(whole) <= width:
        return [w * width / sum(whole) for w in whole]
    widths = list(words)
    spare = width - sum(widths)
    for i in sorted(range(len(header)), key=lambda k: whole[k] - words[k]):
        need = whole[i] - widths[i]
        if need > spare:
            break
        widths[i], spare = whole[i], spare - need
    open_ = [i for i in range(len(header)) if widths[i] < whole[i]]
    total = sum(whole[i] - widths[i] for i in open_) or 1.0
    return [w + (spare * (whole[i] - w) / total if i in open_ else 0.0) for i, w in enumerate(widths)]


def table_flowables(block: Table, width: float, lang: str) -> list:
    frame = block.frame
    header = [str(c) for c in frame.columns]
    rows = [[cell_text(v, block.formats.get(str(c)), lang) for c, v in zip(frame.columns, values)]
            for values in frame.itertuples(index=False, name=None)]
    size = TABLE_PT
    widths = column_widths(header, rows, width, size)
    while widths is None and size > TABLE_MIN_PT:
        size -= 0.5
        widths = column_widths(header, rows, width, size)
    if widths is None:  # words longer than the page: the shares of the longest texts, words wrap by letter
        widths = column_widths(header, [], width, TABLE_MIN_PT) or [width / len(header)] * len(header)
        size = TABLE_MIN_PT
    aligns = []
    for i, name in enumerate(header):
        wanted = (block.formats.get(name) or ColumnFormat()).align
        aligns.append(wanted or ("right" if _looks_numeric([r[i] for r in rows]) else "left"))
    enum = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
    head_styles = [ParagraphStyle(f"th{i}", fontName=FONT_BOLD, fontSize=size, leading=size * 1.22, textColor=INK,
                                  alignment=enum[a]) for i, a in enumerate(aligns)]
    cell_styles = [ParagraphStyle(f"td{i}", fontName=FONT, fontSize=size, leading=size * 1.22, textColor=INK,
                                  alignment=enum[a]) for i, a in enumerate(aligns)]
    data = [[Paragraph(_markup(h), head_styles[i]) for i, h in enumerate(header)]]
    colours = block.colours or []
    for n, r in enumerate(rows):
        fills = colours[n] if n < len(colours) else []
        data.append([Paragraph(_coloured(v, fills[i] if i < len(fills) else None), cell_styles[i])
                     for i, v in enumerate(r)])
    table = LongTable(data, colWidths=widths, repeatRows=1, splitByRow=1)
    style = [("GRID", (0, 0), (-1, -1), 0.4, RULE), ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
             ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
             ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD), ("TOPPADDING", (0, 0), (-1, -1), 1.5),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    style += [("BACKGROUND", (0, i), (-1, i), STRIPE_BG) for i in range(2, len(data), 2)]
    style += [("BACKGROUND", (i, n + 1), (i, n + 1), colors.HexColor(fill[0]))
              for n, fills in enumerate(colours) for i, fill in enumerate(fills) if fill]
    table.setStyle(TableStyle(style))
    out = []
    if block.title:
        # the title stays with the header and the first rows
        out.append(CondPageBreak(60))
        out.append(Paragraph(_markup(block.title), _styles()["h2"]))
    out.append(table)
    out.append(Spacer(1, 6))
    return out


# d3-format locales of the axes: Vietnamese '18.382' and '3,5' (d3 has no vi-VN of its own)
FORMAT_LOCALES = {"vi": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " đ"], "minus": "−"},
                  "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["", ""], "minus": "−"}}


@lru_cache(maxsize=64)
def _png(spec_json: str, lang: str) -> bytes:
    return vlc.vegalite_to_png(spec_json, scale=2.0, format_locale=FORMAT_LOCALES.get(lang, FORMAT_LOCALES["vi"]))


def chart_png(chart, lang: str = "vi") -> bytes:
    """PNG (at twice the natural size) of an Altair chart, by vl-convert: no browser, memoised."""
    return _png(chart.to_json(), lang)


class FitImage(Flowable):
    """A chart image, whole: at its size when it fits, shrunk to the room left on the page when that is
    at least SHRINK_TO of its size, else on the next page (never split, never cut)."""

    def __init__(self, png: bytes, width: float, height: float):
        super().__init__()
        self._png, self._w, self._h = png, width, height
        self.hAlign = "LEFT"

    def wrap(self, avail_width, avail_height):
        w, h = self._w, self._h
        if w > avail_width:
            w, h = avail_width, h * avail_width / w
        if h > avail_height >= h * SHRINK_TO:
            w, h = w * avail_height / h, avail_height
        self.drawWidth, self.drawHeight = w, h
        return w, h

    def draw(self):
        self.canv.drawImage(ImageReader(io.BytesIO(self._png)), 0, 0, self.drawWidth, self.drawHeight)


def chart_flowables(block: Chart, width: float, height: float, lang: str = "vi", after: list | None = None) -> list:
    png = block.chart if isinstance(block.chart, bytes | bytearray) else chart_png(block.chart, block.lang or lang)
    with PILImage.open(io.BytesIO(png)) as image:
        px_w, px_h = image.size
    titles = block.title if isinstance(block.title, list) else [block.title] if block.title else []
    title = [x if isinstance(x, Paragraph) else Paragraph(_markup(x), _styles()["h2"]) for x in titles]
    after = after or []
    room = height - 24 * len(title) - sum(p.wrap(width, height)[1] + 4 for p in after)
    # natural size at 2x scale: 1 CSS px is 0.75 pt; never wider than the frame nor taller than a page
    w = min(width * block.max_width, px_w / 2 * 0.75 * 1.2)
    h = w * px_h / px_w
    if h > room:
        h, w = room, room * px_w / px_h
    image = FitImage(bytes(png), w, h)
    return [KeepTogether(title + [image] + after) if title or after else image, Spacer(1, 6)]


class _NumberedCanvas(pdf_canvas.Canvas):
    """Draws each page's footer once the number of pages is known: 'Trang N/M'."""

    def __init__(self, *args, footer: str = "", demo: str = "", footer_lang: str = "vi", **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._footer, self._demo, self._lang = footer, demo, footer_lang

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _ = self._pagesize
        y = MARGIN - FOOTER_GAP + 2 * mm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 9, width - MARGIN, y + 9)
        self.setFont(FONT, 7.5)
        self.setFillColor(MUTED)
        page = t("pdf_page", self._lang, n=self._pageNumber, total=total)
        self.drawRightString(width - MARGIN, y, page)
        left = self._footer
        room = width - 2 * MARGIN - pdfmetrics.stringWidth(page, FONT, 7.5) - 12
        if self._demo:
            self.setFont(FONT_BOLD, 7.5)
            self.setFillColor(colors.HexColor("#7d4e00"))
            self.drawString(MARGIN, y, self._demo)
            shift = pdfmetrics.stringWidth(self._demo + "  ·  ", FONT_BOLD, 7.5)
            room -= shift
            self.setFont(FONT, 7.5)
            self.setFillColor(MUTED)
        else:
            shift = 0
        while left and pdfmetrics.stringWidth(left, FONT, 7.5) > room:
            left = left[:-2].rstrip() + "…" if len(left) > 2 else ""
        self.drawString(MARGIN + shift, y, left)


def build_pdf(document: PageDocument) -> bytes:
    """The PDF of a page (A4), as bytes."""
    register_fonts()
    styles = _styles()
    wide = document.landscape
    if wide is None:
        wide = any(isinstance(b, Table) and len(b.frame.columns) > WIDE_TABLE for b in document.blocks)
    size = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 2 * mm, title=document.title, author=t("app_title", document.lang),
                            subject=document.subject or document.title, creator=t("app_title", document.lang))
    width, height = doc.width, doc.height
    story: list = [Paragraph(_markup(document.title), styles["title"])]
    story += [Paragraph(_markup(line), styles["filter"]) for line in document.filters]
    if document.snapshot:
        story.append(Paragraph(_markup(document.snapshot), styles["filter"]))
    if document.source:
        story.append(Paragraph(_markup(document.source), styles["filter"]))
    if document.demo:
        story.append(Paragraph(_markup(t("pdf_demo_notice", document.lang)), styles["demo"]))
    story.append(Spacer(1, 6))
    blocks = list(document.blocks)
    skip: set[int] = set()
    for n, block in enumerate(blocks):
        if n in skip:
            continue
        if isinstance(block, Heading):
            heading = Paragraph(_markup(block.text), styles["h1" if block.level <= 1 else "h2"])
            following = blocks[n + 1] if n + 1 < len(blocks) else None
            if isinstance(following, Chart):  # a heading and its chart: on one page
                titles = following.title if isinstance(following.title, list) else [following.title]
                blocks[n + 1] = replace(following, title=[heading] + [x for x in titles if x])
            else:  # a heading is never the last line of a page
                story += [CondPageBreak(50), heading]
        elif isinstance(block, Text):
            story.append(Paragraph(_markup(block.text), styles["note" if block.note else "body"]))
        elif isinstance(block, Table):
            story += table_flowables(block, width, document.lang)
        elif isinstance(block, Chart):
            # the notes right under a chart stay on its page (the chart is drawn smaller to leave them room)
            after = []
            for following in blocks[n + 1:]:
                if not (isinstance(following, Text) and following.note):
                    break
                after.append(Paragraph(_markup(following.text), styles["note"]))
            story += chart_flowables(block, width, height - 12, document.lang, after)
            skip.update(range(n + 1, n + 1 + len(after)))
        else:
            raise TypeError(f"not a block of a page document: {block!r}")
    footer = " · ".join(s for s in (document.title, document.snapshot) if s)
    demo = t("pdf_demo_short", document.lang) if document.demo else ""
    doc.build(story, canvasmaker=lambda *a, **k: _NumberedCanvas(*a, footer=footer, demo=demo,
                                                                footer_lang=document.lang, **k))
    return buffer.getvalue()
