"""Charts of a domain page's focus indicators over the years (Plotly, Vietnamese number format)."""
from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from kpi.charts.theme import FONT, GRID, PLAN, separators, target_marks
from kpi.text import fmt
from kpi.text.i18n import t

BAR_COLOURS = ["#4c78a8", "#72b7b2", "#9d755d"]
LINE_COLOURS = ["#e45756", "#f58518", "#b279a2"]


def _name(meta: pd.Series, lang: str) -> str:
    return meta["name_vi"] if lang == "vi" else meta["name_en"]


def _finish(fig: go.Figure, height: int, lang: str) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), font=FONT, plot_bgcolor="white",
                      paper_bgcolor="white", separators=separators(lang), barmode="group",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=15)))
    fig.update_xaxes(dtick=1, tickformat="d", gridcolor=GRID)
    fig.update_yaxes(gridcolor=GRID, rangemode="tozero")
    return fig


def combo(frame: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str], lang: str = "vi") -> go.Figure:
    """Counts as bars (left axis, plan as a black tick), rates as lines (right axis), one unit over the years."""
    meta = catalogue.set_index("code")
    counts = [c for c in codes if meta.loc[c, "unit_of_measure"] != "%"]
    rates = [c for c in codes if meta.loc[c, "unit_of_measure"] == "%"]
    fig = make_subplots(specs=[[{"secondary_y": bool(rates and counts)}]])
    for i, code in enumerate(counts):
        part = frame[frame["indicator"] == code].sort_values("year")
        m = meta.loc[code]
        fig.add_bar(x=part["year"], y=part["actual"], name=_name(m, lang), marker_color=BAR_COLOURS[i % 3],
                    text=[fmt.number(v, int(m["decimals"]), lang) for v in part["actual"]], textposition="outside",
                    textfont=dict(size=14), cliponaxis=False, secondary_y=False, offsetgroup=code)
        if target_marks(part).notna().any():
            # the plan as an empty black box over its own bar (same offset group), not between bars
            fig.add_bar(x=part["year"], y=target_marks(part), name=f"{t('plan', lang)}: {_name(m, lang)}",
                        marker=dict(color="rgba(0,0,0,0)", line=dict(color=PLAN, width=2)), secondary_y=False,
                        offsetgroup=code, hovertemplate="%{x}: %{y:,." + str(int(m["decimals"])) + "f}<extra>"
                        + t("plan", lang) + "</extra>")
    for i, code in enumerate(rates):
        part = frame[frame["indicator"] == code].sort_values("year")
        m = meta.loc[code]
        fig.add_scatter(x=part["year"], y=part["actual"], mode="lines+markers", name=f"{_name(m, lang)} (%)",
                        line=dict(color=LINE_COLOURS[i % 3], width=4), marker=dict(size=9),
                        text=[fmt.percent(v, int(m["decimals"]), lang) for v in part["actual"]],
                        hovertemplate="%{x}: %{text}<extra></extra>", secondary_y=bool(counts))
    if counts:
        units_of_counts = sorted({meta.loc[c, "unit_of_measure"] for c in counts})
        whole = all(int(meta.loc[c, "decimals"]) == 0 for c in counts)
        fig.update_yaxes(title_text=", ".join(units_of_counts), secondary_y=False, tickformat=",d" if whole else ",.1f")
    if rates:
        fig.update_yaxes(title_text="%", secondary_y=bool(counts), showgrid=not counts, tickmode="auto",
                         rangemode="tozero")
    return _finish(fig, 460, lang)


def multiples(frame: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str], lang: str = "vi") -> go.Figure:
    """One small panel per indicator: actual as bars, plan as a black tick, each on its own scale."""
    meta = catalogue.set_index("code")
    columns = min(3, len(codes))
    rows = math.ceil(len(codes) / columns)
    titles = [f"{_name(meta.loc[c], lang)} ({meta.loc[c, 'unit_of_measure']})" for c in codes]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[_wrap(x) for x in titles],
                        vertical_spacing=0.16, horizontal_spacing=0.07)
    plan_in_legend = False
    for i, code in enumerate(codes):
        row, col = i // columns + 1, i % columns + 1
        part = frame[frame["indicator"] == code].sort_values("year")
        m = meta.loc[code]
        fig.add_bar(x=part["year"], y=part["actual"], marker_color=BAR_COLOURS[0], showlegend=False, textangle=0,
                    text=[fmt.number(v, int(m["decimals"]), lang) for v in part["actual"]],
                    hovertemplate="%{x}: %{text}<extra></extra>", row=row, col=col)
        if target_marks(part).notna().any():
            fig.add_scatter(x=part["year"], y=target_marks(part), mode="markers", name=t("plan", lang),
                            showlegend=not plan_in_legend,
                            marker=dict(symbol="line-ew-open", size=20, color=PLAN, line=dict(width=3, color=PLAN)),
                            row=row, col=col)
            plan_in_legend = True
    fig.update_annotations(font_size=15)
    fig.update_yaxes(tickformat=",~f")  # Vietnamese separators, no '5k'-style suffixes
    fig.update_layout(legend=dict(yanchor="top", y=-0.06, x=0))  # below the panels, clear of their titles
    return _finish(fig, 300 * rows + 60, lang)


def _wrap(text: str, width: int = 42) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width and line:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "<br>".join(lines)
