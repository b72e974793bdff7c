"""The briefing as a 16:9 PowerPoint deck: the presentation mode's slides (title, chart, summary,
footer, speaker notes).

Each chart is a native PowerPoint chart (python-pptx chart objects), built from the slide's
kpi.reports.deck.SlideChart: staff edit it in PowerPoint and its figures are in its data sheet (the
embedded workbook). Colours are the screen theme's (kpi.charts.theme); the plan is a dashed outline
ending at 100% of plan. Labels of whole numbers follow the sheet through a number format in the
slide's language (Vietnamese '18.382' whatever the viewer's locale); labels with decimals or words
('68.825 người (98,0% KH)') are written by kpi.text.fmt, as on the screen. No chart is a picture.
"""
from __future__ import annotations

import io
import math

from openpyxl import load_workbook
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_AXIS_CROSSES, XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Inches, Pt

from kpi.charts.theme import BASE, GRID, HIGHLIGHT, PLAN, SLIDE_STATUS_COLOURS
from kpi.reports.deck import Deck, SlideChart
from kpi.reports.letterhead import report_letterhead
from kpi.reports.settings import Settings
from kpi.text.i18n import t

PPTX_FONT = "Arial"
CHART_TYPES = {"bar": XL_CHART_TYPE.BAR_CLUSTERED, "stacked_bar": XL_CHART_TYPE.BAR_STACKED,
               "column": XL_CHART_TYPE.COLUMN_CLUSTERED}
COLOURS = {**SLIDE_STATUS_COLOURS, "highlight": HIGHLIGHT, "other": BASE, "plan": PLAN}
INK, GREY, WHITE = RGBColor(0x11, 0x11, 0x11), RGBColor(0x44, 0x4C, 0x56), RGBColor(0xFF, 0xFF, 0xFF)
LABEL_PT, AXIS_PT = 16, 16
CHART_LEFT, CHART_TOP, CHART_WIDTH, CHART_HEIGHT = 0.5, 1.4, 12.33, 5.0  # inches
CATEGORY_SHARE = 0.3  # about the share of a horizontal bar chart's width its category names take


def number_format(decimals: int, lang: str, percent: bool = False) -> str:
    """The Excel number format of a chart's values. Vietnamese whole numbers carry their thousands
    dots as literal characters, so PowerPoint shows '18.382' on any machine; decimals use the
    locale-neutral code (shown with the viewer's separators; their labels are text from kpi.text.fmt)."""
    suffix = '"%"' if percent else ""
    if decimals == 0 and lang == "vi":
        return f"[>=1000000]#\\.###\\.##0{suffix};[>=1000]#\\.##0{suffix};0{suffix}"
    return ("#,##0" + ("." + "0" * decimals if decimals else "")) + suffix


def _rgb(colour_key: str) -> RGBColor:
    return RGBColor.from_string(COLOURS[colour_key].lstrip("#").upper())


def _label_fits_inside(label: str, value: float, top: float) -> bool:
    """Whether a label written inside the bar from its base fits in it (a rough width of the text)."""
    plot_inches = CHART_WIDTH * (1 - CATEGORY_SHARE)
    label_inches = len(label) * LABEL_PT * 0.62 / 72 + 0.2
    return value / top * plot_inches >= label_inches


def _style_label(label, text: str, position, colour: RGBColor) -> None:
    label.has_text_frame = True
    label.text_frame.text = text
    label.text_frame._txBody.bodyPr.set("wrap", "none")  # one line, as on the screen
    label.position = position
    font = label.text_frame.paragraphs[0].runs[0].font
    font.size, font.bold, font.name = Pt(LABEL_PT), True, PPTX_FONT
    font.color.rgb = colour


def _sheet_extra(graphic, model: SlideChart) -> None:
    """Add the slide's other figures (actual, plan, unit of measure) beside the charted columns."""
    if model.sheet is None:
        return
    workbook_part = graphic.chart.part.chart_workbook
    book = load_workbook(io.BytesIO(workbook_part.xlsx_part.blob))
    sheet = book.worksheets[0]
    first = len(model.series) + 2
    for offset, column in enumerate(model.sheet.columns):
        sheet.cell(row=1, column=first + offset, value=column)
        for row, value in enumerate(model.sheet[column], start=2):
            sheet.cell(row=row, column=first + offset, value=None if value != value else value)
    buffer = io.BytesIO()
    book.save(buffer)
    workbook_part.update_from_xlsx_blob(buffer.getvalue())


def summary_lines(text: str) -> int:
    """Lines the summary takes under the chart (20 pt bold over 12.1 inches: about 80 characters a line)."""
    return max(1, math.ceil(len(text) / 80))


def add_chart(slide, model: SlideChart, lang: str, height: float = CHART_HEIGHT):
    """The slide's native chart: one series per figure column, coloured as on the screen."""
    values_format = number_format(model.decimals, lang, model.percent)
    data = CategoryChartData(number_format=values_format)
    data.categories = model.categories
    for series in model.series:
        data.add_series(series.name, series.values, number_format=values_format)
    graphic = slide.shapes.add_chart(CHART_TYPES[model.shape], Inches(CHART_LEFT), Inches(CHART_TOP),
                                     Inches(CHART_WIDTH), Inches(height), data)
    chart = graphic.chart
    chart.has_title = False  # the slide's title says it
    chart.font.name, chart.font.size = PPTX_FONT, Pt(AXIS_PT)
    chart.font.color.rgb = INK
    plot = chart.plots[0]
    plot.gap_width = 45 if model.shape != "column" else 30
    plot.vary_by_categories = False
    if len(model.series) > 1:
        plot.overlap = 100  # stacked, or the plan outline over its bar
    top = model.value_max
    if top is None:
        top = max((sum(v or 0 for v in point) for point in zip(*(s.values for s in model.series))), default=1)
    horizontal = model.shape != "column"
    for series, drawn in zip(model.series, plot.series):
        drawn.invert_if_negative = False
        if series.plan:  # a dashed outline ending at 100%: the bar shows inside it, no label is covered
            drawn.format.fill.background()
            drawn.format.line.color.rgb = _rgb("plan")
            drawn.format.line.width = Pt(2.25)
            drawn.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            continue
        if len(set(series.colours)) == 1:
            drawn.format.fill.solid()
            drawn.format.fill.fore_color.rgb = _rgb(series.colours[0])
        for index, (value, colour, label) in enumerate(zip(series.values, series.colours, series.labels)):
            point = drawn.points[index]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = _rgb(colour)
            if value is None or not label:
                continue
            if model.shape == "stacked_bar":
                _style_label(point.data_label, label, XL_LABEL_POSITION.CENTER, WHITE)
            elif horizontal and model.percent and _label_fits_inside(label, value, top):
                # from the bar's base, so a label never reaches the plan at 100%
                _style_label(point.data_label, label, XL_LABEL_POSITION.INSIDE_BASE, WHITE)
            else:
                _style_label(point.data_label, label, XL_LABEL_POSITION.OUTSIDE_END, INK)
        if model.decimals == 0 and model.shape != "stacked_bar":
            # whole numbers: the labels follow the data sheet, in the slide language's format
            drawn.data_labels.number_format = values_format
            drawn.data_labels.number_format_is_linked = False
    value_axis, category_axis = chart.value_axis, chart.category_axis
    value_axis.minimum_scale = 0
    if model.value_max is not None:
        value_axis.maximum_scale = model.value_max
    if model.percent:
        value_axis.major_unit = 20
    value_axis.has_major_gridlines = True
    value_axis.major_gridlines.format.line.color.rgb = RGBColor.from_string(GRID.lstrip("#").upper())
    value_axis.tick_labels.number_format = number_format(0, lang, model.percent)
    value_axis.tick_labels.number_format_is_linked = False
    value_axis.has_title = True
    value_axis.axis_title.text_frame.text = model.value_title
    title_font = value_axis.axis_title.text_frame.paragraphs[0].runs[0].font
    title_font.size, title_font.bold, title_font.name = Pt(AXIS_PT), True, PPTX_FONT
    value_axis.format.line.fill.background()
    category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    category_axis.format.line.color.rgb = INK
    skip = category_axis._element.makeelement(qn("c:tickLblSkip"), {"val": "1"})  # every category named
    category_axis._element.find(qn("c:lblOffset")).addnext(skip)
    if horizontal:  # the first category on top, as on the screen; the value axis stays at the bottom
        category_axis.tick_labels.font.size = Pt(AXIS_PT if len(model.categories) <= 5 else 14)
        category_axis.reverse_order = True
        crosses = value_axis._element
        crosses._remove_crosses()
        crosses._remove_crossesAt()
        crosses._add_crosses(val=XL_AXIS_CROSSES.MAXIMUM)
    else:
        category_axis.tick_labels.font.size = Pt(10 if len(model.categories) > 40 else 14)
        category_axis.tick_labels._element.get_or_add_txPr().bodyPr.set("rot", "-5400000")

    # a legend only where each series has one colour (the verdicts of a stacked bar); elsewhere the
    # points carry the verdict colours and the axis title names the plan's outline
    chart.has_legend = model.shape == "stacked_bar"
    if chart.has_legend:
        chart.legend.position = XL_LEGEND_POSITION.TOP
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(LABEL_PT)
    _sheet_extra(graphic, model)
    return graphic


def build_pptx(deck: Deck, settings: Settings) -> bytes:
    """16:9 deck, the presentation mode's slides: title, native chart, summary, footer, notes."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = f"{deck.unit_name} · {deck.period_label}"
    prs.core_properties.author = report_letterhead(deck, settings).agency.agency
    prs.core_properties.language = "vi-VN" if deck.lang == "vi" else "en-GB"
    blank = prs.slide_layouts[6]
    language = MSO_LANGUAGE_ID.VIETNAMESE if deck.lang == "vi" else MSO_LANGUAGE_ID.ENGLISH_UK

    def text_box(slide, left, top, width, height, text, size, bold=False, colour=INK, align=PP_ALIGN.LEFT):
        box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
        frame = box.text_frame
        frame.word_wrap = True
        paragraph = frame.paragraphs[0]
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = text
        run.font.name, run.font.size, run.font.bold = PPTX_FONT, Pt(size), bold
        run.font.color.rgb = colour
        run.font.language_id = language
        return box

    agency = report_letterhead(deck, settings).agency  # the one choice of the issuing agency
    footer_left = " · ".join(x for x in (agency.parent_agency, agency.agency) if x)
    for number, item in enumerate(deck.slides, start=1):
        slide = prs.slides.add_slide(blank)
        text_box(slide, 0.6, 0.25, 12.1, 0.75, item.title, 34, bold=True)
        text_box(slide, 0.6, 0.95, 12.1, 0.45, item.subtitle, 20, colour=GREY)
        lines = summary_lines(item.summary)  # a longer summary takes room from the chart, not the footer
        height = CHART_HEIGHT - 0.34 * (lines - 1)
        add_chart(slide, item.chart, deck.lang, height)
        text_box(slide, 0.6, CHART_TOP + height + 0.05, 12.1, 0.12 + 0.34 * lines, item.summary, 20, bold=True)
        right = deck.footer() + (f" · {t('exp_demo_short', deck.lang)}" if deck.is_demo else "")
        text_box(slide, 0.6, 7.02, 7.0, 0.35, footer_left, 12, colour=GREY)
        text_box(slide, 7.0, 7.02, 5.75, 0.35, f"{right} · {number}/{len(deck.slides)}", 12, colour=GREY,
                 align=PP_ALIGN.RIGHT)
        notes = [item.summary] + list(item.notes)
        slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()
