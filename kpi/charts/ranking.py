"""Charts of the emulation ranking page (Plotly): points by criterion, two units, rank bands.

Plotly reads <b>, <a href>, <br> in its texts: every label from data (criterion labels, unit
names) goes through kpi.text.plain.html_text, so it shows as written and never as a link."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpi.charts import spec
from kpi.charts.theme import BASE, FONT, GRID, HIGHLIGHT, PALETTE, separators
from kpi.scoring import ScoreResult, Sensitivity
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.text.plain import html_text

OTHER = PALETTE[1]  # the second unit beside the first (BASE)
MAX = "#d0d7de"
BAND = "#9ecae9"
MEDIAN = "#08306b"
MISSING_COLOUR = "#cf222e"
ROOM = 1.16  # the x axis reaches this far beyond the longest bar: room for its label


def _layout(height: int, lang: str, x_axis: dict) -> dict:
    """The ranking charts' layout (a dict: kpi.charts.spec), its x axis with `x_axis` merged in."""
    return dict(height=height, margin=dict(l=10, r=30, t=40, b=10), font=dict(FONT), plot_bgcolor="white",
                paper_bgcolor="white", separators=separators(lang),
                legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), barmode="overlay",
                xaxis=dict(gridcolor=GRID, zerolinecolor="#9ca3af", **x_axis),
                yaxis=dict(automargin=True, autorange="reversed"))


def _values(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def _labels(part: pd.DataFrame) -> list[str]:
    return [html_text(f"{c}. {label}") for c, label in zip(part["criterion"], part["label"])]


def _points_text(points: pd.Series, lang: str) -> list[str]:
    return [fmt.number(p, 2, lang) if not pd.isna(p) else t("missing", lang) for p in points]


def breakdown_chart(result: ScoreResult, unit: str, lang: str = "vi") -> go.Figure:
    """Points earned (blue) against each criterion's maximum (grey); missing figures in red."""
    part = result.breakdown[result.breakdown["unit"] == unit]
    labels = _labels(part)
    text = _points_text(part["points"], lang)
    data = [
        dict(type="bar", y=labels, x=_values(part["max_points"]), orientation="h", marker=dict(color=MAX),
             name=t("rank_max", lang), hoverinfo="skip"),
        dict(type="bar", y=labels, x=_values(part["points"].fillna(0)), orientation="h", name=t("rank_points", lang),
             marker=dict(color=[MISSING_COLOUR if pd.isna(p) else BASE for p in part["points"]]),
             customdata=text, hovertemplate="%{y}: %{customdata}<extra></extra>"),
        # the points written right of the criterion's grey maximum, on no bar
        dict(type="scatter", y=labels, x=_values(part["max_points"]), mode="text", text=text,
             textposition="middle right", texttemplate="\u2002%{text}", textfont=dict(size=16, color=FONT["color"]),
             cliponaxis=False, showlegend=False, hoverinfo="skip"),
    ]
    layout = _layout(max(320, 42 * len(labels) + 80), lang,
                     dict(title=dict(text=t("rank_points", lang)), range=_room(part["max_points"])))
    return spec.figure(data, layout)


def _room(values: pd.Series) -> list[float]:
    """An x range from 0 with room for a label beyond the longest bar."""
    high = float(values.max()) if len(values) and pd.notna(values.max()) else 1.0
    return [0, max(high, 1.0) * ROOM]


def two_units_chart(result: ScoreResult, a: str, b: str, lang: str = "vi") -> go.Figure:
    """Two units' points per criterion, side by side."""
    bd = result.breakdown
    data = []
    for unit, colour in ((a, BASE), (b, OTHER)):
        part = bd[bd["unit"] == unit]
        data.append(dict(type="bar", y=_labels(part), x=_values(part["points"].fillna(0)), orientation="h",
                         name=html_text(part["name"].iloc[0]), marker=dict(color=colour),
                         text=_points_text(part["points"], lang), textposition="outside", cliponaxis=False))
    layout = _layout(max(360, 56 * bd["criterion"].nunique() + 80), lang,
                     dict(title=dict(text=t("rank_points", lang)), range=_room(bd[bd["unit"].isin([a, b])]["points"])))
    layout["barmode"] = "group"
    return spec.figure(data, layout)


def rank_band_chart(sens: Sensitivity, lang: str = "vi") -> go.Figure:
    """Per unit: the 5-95 percentile rank band (bar), the median rank (dot), the scorecard's rank (◆)."""
    tb = sens.table
    names = [html_text(n) for n in tb["name"]]
    data = [
        dict(type="bar", y=names, x=_values(tb["p95_rank"] - tb["p5_rank"] + 0.8), base=_values(tb["p5_rank"] - 0.4),
             orientation="h", marker=dict(color=BAND), name=t("rank_band", lang),
             customdata=[list(pair) for pair in zip(tb["p5_rank"], tb["p95_rank"])],
             hovertemplate="%{y}: %{customdata[0]} – %{customdata[1]}<extra></extra>"),
        dict(type="scatter", y=names, x=_values(tb["median_rank"]), mode="markers", name=t("rank_median", lang),
             marker=dict(size=14, color=MEDIAN)),
        dict(type="scatter", y=names, x=_values(tb["base_rank"]), mode="markers", name=t("rank_rank_scorecard", lang),
             marker=dict(size=14, symbol="diamond-open", color=HIGHLIGHT, line=dict(width=3))),
        dict(type="scatter", y=names, x=[len(names) + 0.9] * len(names), mode="text", showlegend=False,
             text=[fmt.percent(p * 100, 1, lang) for p in tb["p_first"]], textposition="middle right",
             hoverinfo="skip"),
    ]
    layout = _layout(max(340, 40 * len(names) + 100), lang,
                     dict(title=dict(text=t("rank_band_axis", lang)), range=[0.4, len(names) + 3.2],
                          tickvals=list(range(1, len(names) + 1))))
    layout["annotations"] = [dict(x=len(names) + 0.9, y=1.0, yref="paper", yanchor="bottom", xanchor="left",
                                  text=t("rank_p_first", lang), showarrow=False, font=dict(size=13))]
    return spec.figure(data, layout)
