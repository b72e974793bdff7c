"""The briefing as a 16:9 PowerPoint deck: the presentation mode's slides (title, chart, summary,
footer, speaker notes)."""
from __future__ import annotations

import io

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.util import Inches, Pt

from kpi.charts.static import HEIGHT, WIDTH, slide_png
from kpi.reports.deck import Deck
from kpi.reports.letterhead import report_letterhead
from kpi.reports.settings import Settings
from kpi.text.i18n import t

PPTX_FONT = "Arial"


def build_pptx(deck: Deck, settings: Settings) -> bytes:
    """16:9 deck, the presentation mode's slides: title, chart image (vl-convert), summary, footer."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    prs.core_properties.title = f"{deck.unit_name} · {deck.period_label}"
    prs.core_properties.author = report_letterhead(deck, settings).agency.agency
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

    agency = report_letterhead(deck, settings).agency  # the one choice of the issuing agency
    footer_left = " · ".join(x for x in (agency.parent_agency, agency.agency) if x)
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
