"""Slide charts as Altair specifications, rendered to PNG without a browser (vl-convert-python).

Each builder draws one slide of the briefing deck (a kpi.reports.deck.Slide: its kind, title and
the data frame of its chart); the deck's module imports these, not the other way round.

The presentation mode shows these PNGs (kpi.reports.powerpoint draws the same slides as native
PowerPoint charts from kpi.reports.deck.SlideChart, with the same colours and labels). Every label
is at least 24 px at the chart's natural size (width x height), and
all numbers drawn as text are preformatted by kpi.fmt (Vietnamese separators); axes show only
small integers or percentages without thousands separators.
"""
from __future__ import annotations

import math
from functools import lru_cache

import altair as alt
import pandas as pd
import vl_convert as vlc

from kpi.charts.theme import BASE, HIGHLIGHT, NOT_RATED, SLIDE_STATUS_COLOURS, SLIDE_STATUS_ORDER
from kpi.text.i18n import t

WIDTH, HEIGHT = 1760, 760          # natural size in px
# the presentation page draws a slide at this natural size: smaller than WIDTH, so its labels are larger
# on the screen; the provinces' columns (34 or 63 names side by side) keep the full width
SCREEN_SIZES = {"provinces": (WIDTH, HEIGHT)}
SCREEN_SIZE = (1440, 640)
LABEL_PX, TITLE_PX, MARK_PX = 26, 26, 26
MIN_LABEL_PX = 24
FONT = "DejaVu Sans"  # full Vietnamese coverage on Debian (the old Liberation 1.x there lacks ư, ơ, ạ...)
INK = "#111111"
CATEGORY_SHARE = 0.36  # about the share of a horizontal bar chart's width its category names take


def screen_size(kind: str) -> tuple[int, int]:
    return SCREEN_SIZES.get(kind, SCREEN_SIZE)


def _configure(chart: alt.TopLevelMixin, width: int, height: int) -> alt.TopLevelMixin:
    return (chart.properties(width=width, height=height, background="white",
                             autosize=alt.AutoSizeParams(type="fit", contains="padding"), padding=16)
            .configure(font=FONT)
            .configure_axis(labelFontSize=LABEL_PX, titleFontSize=TITLE_PX, labelColor=INK, titleColor=INK,
                            titleFontWeight="bold", domainColor=INK, tickColor=INK, gridColor="#d0d7de",
                            labelLimit=700, titlePadding=14)
            .configure_legend(labelFontSize=LABEL_PX, titleFontSize=TITLE_PX, labelColor=INK, symbolSize=420,
                              labelLimit=500)
            .configure_view(stroke=None))


def headline_chart(slide, lang: str = "vi", width: int = WIDTH, height: int = HEIGHT):
    """Per domain, indicators beating, meeting and missing the plan (stacked, counts inside)."""
    data = slide.data.sort_values(["domain_order", "status_order"]).copy()
    data["end"] = data.groupby("domain")["count"].cumsum()
    data["start"] = data["end"] - data["count"]
    data["mid"] = (data["start"] + data["end"]) / 2
    order = list(dict.fromkeys(data["domain"]))
    # the legend names only the statuses on the slide, in rows of four: seven in one row ran off the slide
    present = [s for s in SLIDE_STATUS_ORDER if t(s if s != NOT_RATED else "exp_no_rating", lang)
               in set(data["status_label"])]
    shown = present or list(SLIDE_STATUS_ORDER)
    labels = [t(s if s != NOT_RATED else "exp_no_rating", lang) for s in shown]
    colour = alt.Color("status_label:N", scale=alt.Scale(domain=labels, range=[SLIDE_STATUS_COLOURS[s] for s in shown]),
                       legend=alt.Legend(orient="top", title=None, direction="horizontal", columns=4))
    y = alt.Y("domain:N", sort=order, title=None)
    bars = alt.Chart(data).mark_bar(stroke="white", strokeWidth=2).encode(
        y=y, x=alt.X("start:Q", title=t("exp_axis_count", lang), axis=alt.Axis(format="d", tickMinStep=1)),
        x2="end:Q", color=colour)
    text = alt.Chart(data).mark_text(color="white", fontSize=MARK_PX, fontWeight="bold").encode(
        y=y, x="mid:Q", text="count:Q")
    return _configure(alt.layer(bars, text), width, height)


def domain_chart(slide, lang: str = "vi", width: int = WIDTH, height: int = HEIGHT):
    """Each indicator's % of the whole-year plan, 100% marked; the figure written on the bar."""
    data = slide.data.copy()
    pct = data["achievement_pct"]
    top = max(110.0, float(pct.max()) + 8 if pct.notna().any() else 110.0)
    # a label that fits in its bar is written from the bar's base, so the plan's line at 100% never
    # crosses it; one that does not is written after the bar's end (short bars, far from 100%)
    plot_px = width * (1 - CATEGORY_SHARE)
    label_px = data["bar_text"].str.len() * MARK_PX * 0.62 + 24
    data["inside"] = pct.fillna(0) / top * plot_px >= label_px
    data["text_x"] = pct.where(data["inside"], pct.fillna(0)).where(~data["inside"], 0.0)
    order = list(data["label"])
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelExpr="split(datum.label, '\\n')"))
    x_scale = alt.Scale(domain=[0, top], nice=False)
    colour = alt.Color("status_key:N", scale=alt.Scale(domain=SLIDE_STATUS_ORDER,
                                                       range=[SLIDE_STATUS_COLOURS[s] for s in SLIDE_STATUS_ORDER]),
                       legend=None)
    bars = alt.Chart(data).mark_bar(height={"band": 0.72}).encode(
        y=y, x=alt.X("achievement_pct:Q", scale=x_scale, title=t("exp_axis_pct_plan", lang),
                     axis=alt.Axis(format="d", values=list(range(0, int(top) + 1, 20)))),
        color=colour)
    plan = alt.Chart(pd.DataFrame({"x": [100.0], "label": [t("exp_plan_line", lang)]})).mark_rule(
        color=INK, strokeWidth=4, strokeDash=[12, 6]).encode(x=alt.X("x:Q", scale=x_scale))
    inside = alt.Chart(data[data["inside"]]).mark_text(
        align="left", dx=12, color="white", fontSize=MARK_PX, fontWeight="bold").encode(
        y=y, x=alt.X("text_x:Q", scale=x_scale), text="bar_text:N")
    outside = alt.Chart(data[~data["inside"]]).mark_text(
        align="left", dx=10, color=INK, fontSize=MARK_PX, fontWeight="bold").encode(
        y=y, x=alt.X("text_x:Q", scale=x_scale), text="bar_text:N")
    return _configure(alt.layer(bars, plan, inside, outside), width, height)


def provinces_chart(slide, lang: str = "vi", width: int = WIDTH, height: int = HEIGHT):
    """Provinces ranked by indicators meeting or beating the plan; the selected one highlighted."""
    data = slide.data.copy()
    data["colour"] = data["highlight"].map({True: "highlight", False: "other"})
    data["good_text"] = [("" if v != v else str(int(v))) for v in data["good"]]
    order = list(data["name"])
    x = alt.X("name:N", sort=order, title=None, axis=alt.Axis(labelAngle=-90, labelFontSize=MIN_LABEL_PX))
    colour = alt.Color("colour:N", scale=alt.Scale(domain=["highlight", "other"], range=[HIGHLIGHT, BASE]),
                       legend=None)
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y("good:Q", title=t("exp_axis_good", lang), axis=alt.Axis(format="d", tickMinStep=1, tickCount=6)),
        color=colour)
    labelled = data if len(data) <= 40 else data[data["highlight"]]
    text = alt.Chart(labelled).mark_text(dy=-16, color=INK, fontSize=MIN_LABEL_PX, fontWeight="bold").encode(
        x=x, y="good:Q", text="good_text:N")
    return _configure(alt.layer(bars, text), width, height)


def emulation_chart(slide, lang: str = "vi", width: int = WIDTH, height: int = HEIGHT):
    """Units of the emulation bloc by total points, rank in the label; the selected one highlighted."""
    data = slide.data.sort_values(["rank", "name"]).copy()
    data["label"] = [f"{r}. {n}" for r, n in zip(data["rank_label"], data["name"])]
    data["colour"] = data["highlight"].map({True: "highlight", False: "other"})
    y = alt.Y("label:N", sort=list(data["label"]), title=None)
    colour = alt.Color("colour:N", scale=alt.Scale(domain=["highlight", "other"], range=[HIGHLIGHT, BASE]),
                       legend=None)
    top = float(data["total"].max()) if data["total"].notna().any() else 100.0
    top = 10 * math.ceil(top * 1.12 / 10)  # room for the label after the longest bar
    x_scale = alt.Scale(domain=[0, top], nice=False)
    bars = alt.Chart(data).mark_bar().encode(
        y=y, x=alt.X("total:Q", scale=x_scale, title=t("exp_axis_points", lang),
                     axis=alt.Axis(format="d", values=list(range(0, top + 1, 10)))), color=colour)
    text = alt.Chart(data).mark_text(align="left", dx=10, color=INK, fontSize=MARK_PX, fontWeight="bold").encode(
        y=y, x=alt.X("total:Q", scale=x_scale), text="total_text:N")
    return _configure(alt.layer(bars, text), width, height)


BUILDERS = {"headline": headline_chart, "domain": domain_chart, "provinces": provinces_chart,
            "emulation": emulation_chart}


def slide_chart(slide, lang: str = "vi", width: int = WIDTH, height: int = HEIGHT):
    return BUILDERS[slide.kind](slide, lang, width, height)


@lru_cache(maxsize=128)
def _png(spec_json: str, scale: float) -> bytes:
    return vlc.vegalite_to_png(spec_json, scale=scale)


def chart_png(chart, scale: float = 2.0) -> bytes:
    """PNG bytes of an Altair chart, rendered by vl-convert (no browser); memoised by specification."""
    return _png(chart.to_json(), scale)


def slide_png(slide, lang: str = "vi", scale: float = 2.0, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    return chart_png(slide_chart(slide, lang, width, height), scale)
