"""Chart builders (Plotly) for the pages: large, high-contrast, Vietnamese number format."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.text import fmt
from kpi.text.i18n import t

STATUS_COLOURS = {"exceeded": "#1a7f37", "met": "#0969da", "below": "#cf222e", "": "#6e7781"}
HIGHLIGHT = "#d4a017"
BASE = "#4c78a8"
PLAN = "#111111"
FONT = dict(family="Inter, 'Segoe UI', Arial, sans-serif", size=16, color="#1f2328")


def _layout(fig: go.Figure, height: int, lang: str) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=10, r=30, t=30, b=10), font=FONT, plot_bgcolor="white",
        paper_bgcolor="white", separators=",." if lang == "vi" else ".,",
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    fig.update_xaxes(gridcolor="#e5e7eb", zerolinecolor="#9ca3af", tickfont=dict(size=15, color="#1f2328"))
    fig.update_yaxes(gridcolor="#e5e7eb", tickfont=dict(size=15, color="#1f2328"))
    return fig


def ranked_bars(frame: pd.DataFrame, *, name_col: str, highlight: str | None, decimals: int,
                unit_of_measure: str, direction: int, lang: str = "vi") -> go.Figure:
    """Horizontal bars, best on top (by the indicator's direction), plan as a black marker."""
    data = frame.dropna(subset=["actual"]).copy()
    ascending = direction < 0
    data = data.sort_values("actual", ascending=not ascending)  # plotly draws bottom-up
    colours = [HIGHLIGHT if u == highlight else BASE for u in data["unit"]]
    text = [fmt.figure(v, unit_of_measure, decimals, lang) for v in data["actual"]]
    fig = go.Figure()
    fig.add_bar(x=data["actual"], y=data[name_col], orientation="h", marker_color=colours, text=text,
                textposition="outside", cliponaxis=False, name=t("actual", lang),
                hovertemplate="%{y}: %{text}<extra></extra>")
    if data["plan"].notna().any():
        fig.add_scatter(x=data["plan"], y=data[name_col], mode="markers", name=t("plan", lang),
                        marker=dict(symbol="line-ns-open", size=22, color=PLAN, line=dict(width=3, color=PLAN)),
                        hovertemplate="KH %{y}: %{x}<extra></extra>" if lang == "vi" else None)
    height = max(420, 26 * len(data) + 80)
    _layout(fig, height, lang)
    fig.update_yaxes(tickfont=dict(size=15), automargin=True)
    fig.update_xaxes(title=unit_of_measure, rangemode="tozero", tickformat=",~f")
    return fig


def trend_lines(frame: pd.DataFrame, *, name_col: str, decimals: int, unit_of_measure: str,
                lang: str = "vi", show_plan: bool = True) -> go.Figure:
    """Actual (solid) and plan (dashed) over the years, one colour per unit."""
    palette = ["#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#b279a2", "#9d755d", "#eeca3b"]
    fig = go.Figure()
    for i, (name, part) in enumerate(frame.groupby(name_col, sort=False)):
        colour = palette[i % len(palette)]
        part = part.sort_values("year")
        fig.add_scatter(x=part["year"], y=part["actual"], mode="lines+markers", name=f"{name}",
                        line=dict(color=colour, width=4), marker=dict(size=9),
                        text=[fmt.figure(v, unit_of_measure, decimals, lang) for v in part["actual"]],
                        hovertemplate="%{x}: %{text}<extra>" + str(name) + "</extra>")
        if show_plan and part["plan"].notna().any():
            fig.add_scatter(x=part["year"], y=part["plan"], mode="lines", name=f"{name} – {t('plan', lang)}",
                            line=dict(color=colour, width=2, dash="dash"))
    _layout(fig, 460, lang)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(title=unit_of_measure, tickformat=",~f")
    return fig


def change_bars(frame: pd.DataFrame, *, name_col: str, lang: str = "vi") -> go.Figure:
    """Change on the same period last year (%), one group of bars per unit."""
    fig = go.Figure()
    for name, part in frame.groupby(name_col, sort=False):
        part = part.sort_values("year")
        fig.add_bar(x=part["year"], y=part["change_pct"], name=str(name),
                    text=[fmt.signed_percent(v, 1, lang) for v in part["change_pct"]], textposition="outside")
    _layout(fig, 360, lang)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(title="%", zeroline=True)
    return fig
