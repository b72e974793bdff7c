"""The PowerPoint's native charts and the presentation page's keys.

Each chart slide of the .pptx, reopened with python-pptx, holds a chart shape (no picture) whose
series and data sheet equal the figures of the view model (kpi.reports.deck: deck.figures and each
slide's data); colours are the screen theme's; whole numbers carry the slide language's number format."""
from __future__ import annotations

import io
import math

import pytest
from conftest import run_page
from openpyxl import load_workbook
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION

from kpi.charts.theme import BASE, HIGHLIGHT, SLIDE_STATUS_COLOURS
from kpi.reports.deck import STATUS_ORDER, build_deck, status_label
from kpi.reports.powerpoint import build_pptx, number_format
from kpi.reports.settings import load_settings
from kpi.store.indicators import domains

UNIT, PERIOD = "VN34-86", "2025"  # Vĩnh Long, with an emulation scorecard in the demo


@pytest.fixture(scope="module", params=[("VN34-86", "2025", "vi"), ("VN63-83", "2020", "en")], ids=["vi", "en"])
def built(request, demo_snapshot, demo_dir):
    unit, period, lang = request.param
    deck = build_deck(demo_snapshot, unit, period, lang, data_dir=demo_dir)
    return deck, Presentation(io.BytesIO(build_pptx(deck, load_settings())))


def _chart(slide):
    assert not [s for s in slide.shapes if s.shape_type == 13], "a chart slide carries a picture"
    charts = [s for s in slide.shapes if s.has_chart]
    assert len(charts) == 1
    return charts[0].chart


def _same(chart_values, figures) -> bool:
    """Chart values against figures: a missing figure is a gap in the chart, never a zero."""
    assert len(chart_values) == len(figures)
    for got, want in zip(chart_values, figures):
        if want is None or want != want:
            if got is not None:
                return False
        elif got is None or not math.isclose(got, float(want), rel_tol=1e-12):
            return False
    return True


def _fill(point) -> str:
    return "#" + str(point.format.fill.fore_color.rgb).lower()


def _sheet(chart):
    book = load_workbook(io.BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    return [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]


@pytest.mark.query
def test_every_slide_has_a_native_chart_of_its_figures(built):
    deck, pptx = built
    slides = list(pptx.slides)
    assert len(slides) == len(deck.slides)
    figures = deck.figures
    kinds = set()
    for slide, model in zip(slides, deck.slides):
        chart = _chart(slide)
        kinds.add(model.kind)
        plot = chart.plots[0]
        series = list(plot.series)
        if model.kind == "headline":
            assert chart.chart_type == XL_CHART_TYPE.BAR_STACKED
            order = [d["name_vi" if deck.lang == "vi" else "name_en"] for _, d in domains().iterrows()
                     if (figures["domain"] == d["domain"]).any()]
            assert list(plot.categories) == order
            present = [s for s in STATUS_ORDER if (figures["status_key"] == s).any()]
            assert [s.name for s in series] == [status_label(s, deck.lang) for s in present]
            codes = {d["name_vi" if deck.lang == "vi" else "name_en"]: d["domain"] for _, d in domains().iterrows()}
            for drawn, status in zip(series, present):
                counts = [int(((figures["domain"] == codes[d]) & (figures["status_key"] == status)).sum()) or None
                          for d in order]  # no indicator of that verdict: a gap, not a 0 written on the bar
                assert _same(drawn.values, counts), (status, drawn.values, counts)
                assert _fill(drawn) == SLIDE_STATUS_COLOURS[status]
        elif model.kind == "domain":
            assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
            part = figures[figures["domain"] == model.key.split(":", 1)[1]]
            assert len(plot.categories) == len(part)
            value, plan = series
            assert _same(value.values, list(part["achievement_pct"]))
            has_plan = part["plan"].notna() & part["achievement_pct"].notna()
            assert _same(plan.values, [100.0 if h else None for h in has_plan])  # the plan, where there is one
            for index, (pct, status) in enumerate(zip(part["achievement_pct"], part["status_key"])):
                if pct == pct:
                    assert _fill(value.points[index]) == SLIDE_STATUS_COLOURS[status]
            rows = _sheet(chart)  # the data sheet: % of plan, the plan mark, then actual, plan, unit
            assert len(rows) == len(part) + 1
            assert _same([r[3] for r in rows[1:]], list(part["actual"]))
            assert _same([r[4] for r in rows[1:]], list(part["plan"]))
            assert [r[5] for r in rows[1:]] == list(part["unit_of_measure"])
        elif model.kind == "provinces":
            assert chart.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
            assert list(plot.categories) == list(model.data["name"])
            assert _same(series[0].values, list(model.data["good"]))
            mine = int(model.data.index[model.data["highlight"]][0])
            assert _fill(series[0].points[mine]) == HIGHLIGHT.lower()
            assert _fill(series[0].points[(mine + 1) % len(model.data)]) == BASE.lower()
        elif model.kind == "emulation":
            table = model.data.sort_values(["rank", "name"])
            assert chart.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
            assert [c.split(". ", 1)[1] for c in plot.categories] == list(table["name"])
            assert _same(series[0].values, list(table["total"]))
        rows = _sheet(chart)
        assert [r[0] for r in rows[1:]] == list(plot.categories)
        for column, drawn in enumerate(series, start=1):
            assert rows[0][column] == drawn.name and _same([r[column] for r in rows[1:]], list(drawn.values))
    assert {"headline", "domain", "provinces"} <= kinds


@pytest.mark.query
def test_labels_say_the_figures_as_the_screen_does(built):
    deck, pptx = built
    for slide, model in zip(pptx.slides, deck.slides):
        chart = _chart(slide)
        if model.kind != "domain":
            continue
        value = chart.plots[0].series[0]
        for index, (pct, text) in enumerate(zip(model.data["achievement_pct"], model.data["bar_text"])):
            if pct != pct:
                assert text in chart.plots[0].categories[index]  # no bar: its figure goes with its name
                continue
            label = value.points[index].data_label
            assert label.has_text_frame and label.text_frame.text == text
            # a bar reaching the plan keeps its label at its base: the plan's outline at 100% never crosses it
            if pct >= 90:
                assert label.position == XL_LABEL_POSITION.INSIDE_BASE, (text, pct)
    if deck.lang == "vi":
        assert any("." in t and "," in t for t in deck.slides[1].data["bar_text"])  # '68.825 người (98,0% KH)'


@pytest.mark.unit
def test_number_formats_follow_the_language():
    assert number_format(0, "vi") == "[>=1000000]#\\.###\\.##0;[>=1000]#\\.##0;0"  # 18.382 on any machine
    assert number_format(0, "en") == "#,##0"
    assert number_format(1, "en", percent=True) == '#,##0.0"%"'
    assert number_format(0, "vi", percent=True).endswith('0"%"')


@pytest.mark.query
def test_whole_number_labels_follow_the_sheet(built):
    deck, pptx = built
    for slide, model in zip(pptx.slides, deck.slides):
        if model.kind == "provinces":
            labels = _chart(slide).plots[0].series[0].data_labels
            assert labels.number_format == number_format(0, deck.lang) and not labels.number_format_is_linked


@pytest.mark.page
def test_present_page_keys_move_through_the_slides(demo_dir, demo_snapshot):
    deck = build_deck(demo_snapshot, UNIT, PERIOD, "vi", data_dir=demo_dir)
    at = run_page("pages/present.py", demo_dir, {"unit": UNIT, "period": PERIOD})
    assert not at.exception, [e.value for e in at.exception]

    def title() -> str:
        return next(m.value for m in at.markdown if "<p class='slide-title'>" in m.value)

    def count() -> str:
        return next(m.value for m in at.markdown if "<p class='slide-count'" in m.value)

    assert deck.titles[0] in title() and f">1/{len(deck.slides)}<" in count()
    for key, expected in [("pagedown", 1), ("space", 2), ("right", 3), ("down", 4), ("pageup", 3), ("left", 2),
                          ("up", 1), ("end", len(deck.slides) - 1), ("pagedown", len(deck.slides) - 1),
                          ("home", 0), ("pageup", 0)]:
        at.button(key=f"pre_key_{key}").click().run()
        assert deck.titles[expected] in title(), key
        assert f">{expected + 1}/{len(deck.slides)}<" in count(), key
    assert at.query_params["slide"] == "1"
