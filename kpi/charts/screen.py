"""Chart builders (Plotly) for the pages: large, high-contrast, Vietnamese number format."""
from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpi import formulas
from kpi.charts import spec
from kpi.charts.theme import BASE, FONT, GRID, HIGHLIGHT, PLAN, colour_of_unit, separators, target_marks
from kpi.text import fmt
from kpi.text.figure_text import change_axis_title, change_text
from kpi.text.i18n import t

__all__ = ["FONT", "change_bars", "ranked_bars", "target_marks", "trend_lines"]

VALUE_LANE = "values"     # the name of the trace that writes the values beside the bars
LANE_CHARACTER_PX = 9     # a character of the lane's 15 px font
LANE_PLOT_PX = 860        # the plot's width on a 1366 px screen beside the sidebar
CHANGE_LABELS_MAX = 36    # more bars than this and the change labels would not fit at 1366 px: hover only


def _layout(fig: go.Figure, height: int, lang: str) -> go.Figure:
    fig.update_layout(
        height=height, margin=dict(l=10, r=30, t=30, b=10), font=FONT, plot_bgcolor="white",
        paper_bgcolor="white", separators=separators(lang),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
    )
    fig.update_xaxes(gridcolor=GRID, zerolinecolor="#9ca3af", tickfont=dict(size=15, color="#1f2328"))
    fig.update_yaxes(gridcolor=GRID, tickfont=dict(size=15, color="#1f2328"))
    return fig


def _layout_spec(height: int, lang: str, axes: tuple[str, ...] = ("xaxis", "yaxis")) -> dict:
    """_layout's settings as a layout dict (kpi.charts.spec), for the figures built as dicts."""
    layout = dict(height=height, margin=dict(l=10, r=30, t=30, b=10), font=dict(FONT), plot_bgcolor="white",
                  paper_bgcolor="white", separators=separators(lang),
                  legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    for key in axes:
        layout[key] = (dict(gridcolor=GRID, zerolinecolor="#9ca3af", tickfont=dict(size=15, color="#1f2328"))
                       if key.startswith("x") else dict(gridcolor=GRID, tickfont=dict(size=15, color="#1f2328")))
    return layout


def ranked_bars(frame: pd.DataFrame, *, name_col: str, highlight: str | None, decimals: int,
                unit_of_measure: str, direction: int, lang: str = "vi") -> go.Figure:
    """Horizontal bars, best on top (by the indicator's direction), plan as a black marker. The values
    are written in their own lane right of the plot, so that neither a bar nor a plan marker ever
    covers a number, whatever the figures and the plans."""
    data = frame.dropna(subset=["actual"]).copy()
    ascending = direction < 0
    data = data.sort_values("actual", ascending=not ascending)  # plotly draws bottom-up
    colours = [HIGHLIGHT if u == highlight else BASE for u in data["unit"]]
    text = [fmt.figure(v, unit_of_measure, decimals, lang) for v in data["actual"]]
    lane = min(0.32, max(0.12, (max((len(x) for x in text), default=8) + 2) * LANE_CHARACTER_PX / LANE_PLOT_PX))
    layout = spec.grid_layout(1, 2, shared_yaxes=True, column_widths=(1 - lane, lane), horizontal_spacing=0.01)
    names = data[name_col].to_numpy(dtype=object)
    traces = [dict(type="bar", x=data["actual"].to_numpy(dtype=float), y=names, orientation="h",
                   marker=dict(color=colours), customdata=text, name=t("actual", lang),
                   hovertemplate="%{y}: %{customdata}<extra></extra>", xaxis="x", yaxis="y")]
    target = target_marks(data)
    if target.notna().any():
        plan = dict(type="scatter", x=target.to_numpy(dtype=float, na_value=np.nan), y=names, mode="markers",
                    name=t("plan", lang),
                    marker=dict(symbol="line-ns-open", size=18, color=PLAN, line=dict(width=3, color=PLAN)),
                    xaxis="x", yaxis="y")
        if lang == "vi":
            plan["hovertemplate"] = "KH %{y}: %{x}<extra></extra>"
        traces.append(plan)
    traces.append(dict(type="scatter", x=[0] * len(data), y=names, mode="text", text=text, textposition="middle right",
                       textfont=dict(size=15, color=FONT["color"]), showlegend=False, hoverinfo="skip",
                       cliponaxis=False, name=VALUE_LANE, xaxis="x2", yaxis="y2"))
    height = max(420, 26 * len(data) + 80)
    spec.merge(layout, _layout_spec(height, lang, axes=("xaxis", "xaxis2", "yaxis", "yaxis2")))
    # the rows exactly (the lane's text would otherwise pad the range by rows of blank space)
    for key in ("yaxis", "yaxis2"):
        spec.merge(layout[key], dict(tickfont=dict(size=15), automargin=True, range=[-0.6, len(data) - 0.4]))
    spec.merge(layout["xaxis"], dict(title=dict(text=fmt.unit_of_measure(unit_of_measure, lang)), rangemode="tozero",
                                     tickformat=",~f"))
    spec.merge(layout["xaxis2"], dict(range=[0, 1], visible=False, showgrid=False, fixedrange=True))
    spec.merge(layout["yaxis2"], dict(showgrid=False))
    return spec.figure(traces, layout)


def trend_lines(frame: pd.DataFrame, *, name_col: str, decimals: int, unit_of_measure: str,
                lang: str = "vi", show_plan: bool = True, colours: dict[str, str] | None = None) -> go.Figure:
    """Actual (solid) and plan (dashed) over the years, one colour per unit: the page's colour of
    the unit (`colours`, kpi.charts.theme.unit_colours), the same in every chart of the page."""
    data: list[dict] = []
    for i, (name, part) in enumerate(_by_name(frame, name_col)):
        colour = colour_of_unit(colours, _unit_of(part), i)
        x, actual, text = _gapped(part, part["actual"], [fmt.figure(v, unit_of_measure, decimals, lang)
                                                          for v in part["actual"]])
        data.append(dict(type="scatter", x=x, y=actual, mode="lines+markers", name=f"{name}",
                         line=dict(color=colour, width=4), marker=dict(size=9), text=text,
                         hovertemplate="%{x}: %{text}<extra>" + str(name) + "</extra>"))
        if show_plan and pd.notna(target_marks(part)).any():
            x, marks, _ = _gapped(part, target_marks(part))
            data.append(dict(type="scatter", x=x, y=marks, mode="lines", name=f"{name} – {t('plan', lang)}",
                             line=dict(color=colour, width=2, dash="dash")))
    layout = _layout_spec(460, lang)
    spec.merge(layout["xaxis"], dict(dtick=1, tickformat="d"))
    spec.merge(layout["yaxis"], dict(title=dict(text=fmt.unit_of_measure(unit_of_measure, lang)), tickformat=",~f"))
    _standard_break_spec(layout, frame)
    return spec.figure(data, layout)


def _by_name(frame: pd.DataFrame, name_col: str) -> list[tuple[str, dict]]:
    """(name, its rows by year) for each name in the order of first appearance, as groupby(sort=False)
    then sort_values("year") gave, with the columns as plain arrays (a chart reads a few short series:
    pandas' grouping and sorting cost more than the chart)."""
    names = frame[name_col].to_numpy(dtype=object)
    years = frame["year"].to_numpy()
    columns = {c: frame[c].to_numpy() for c in ("year", "actual", "plan", "target_level", "standard", "unit")
               if c in frame}
    parts = []
    for name in dict.fromkeys(names):
        rows = np.flatnonzero(names == name)
        rows = rows[np.argsort(years[rows], kind="stable")]
        parts.append((name, {c: values[rows].tolist() for c, values in columns.items()}))
    return parts


def _gapped(part: pd.DataFrame, values, text: list[str] | None = None) -> tuple[list, list, list]:
    """x, y (and hover text) of one unit's line with a gap where the measuring standard changes
    (`standard` of a trend frame): the years either side are not joined, they are not comparable."""
    years, values = list(part["year"]), list(values)
    text = list(text) if text is not None else [""] * len(years)
    if "standard" not in part:
        return years, values, text
    standard = list(part["standard"])
    x, y, hover = [], [], []
    for i, year in enumerate(years):
        if i and standard[i] != standard[i - 1]:
            x.append((years[i - 1] + year) / 2)
            y.append(None)
            hover.append("")
        x.append(year)
        y.append(values[i])
        hover.append(text[i])
    return x, y, hover


def standard_break_marks(frame: pd.DataFrame) -> list[tuple[float, str]]:
    """(x, name) of each change of the measuring standard along the years of a trend frame: halfway
    between the last year of one standard and the first of the next. The frame says which standard
    measures each year (`standard`, `standard_name`: kpi.screens.trends.trend_frame)."""
    if "standard" not in frame or frame.empty or frame["indicator"].nunique() != 1 \
            or not frame["standard"].astype(bool).any():
        return []
    years = frame[["year", "standard", "standard_name"]].drop_duplicates("year").sort_values("year")
    marks = []
    for (_, before), (_, after) in zip(years.iloc[:-1].iterrows(), years.iloc[1:].iterrows()):
        if after["standard"] != before["standard"]:
            marks.append(((float(before["year"]) + float(after["year"])) / 2, str(after["standard_name"] or "")))
    return marks


def _standard_break_spec(layout: dict, frame: pd.DataFrame) -> None:
    """A dotted vertical line at each change of standard, named at the top (the years either side
    are not comparable); the name on the side with more room: after the line in the left half, before
    it in the right; each further name one line lower, so that two close breaks do not overwrite each other."""
    marks = standard_break_marks(frame)
    if not marks:
        return
    first, last = float(frame["year"].min()), float(frame["year"].max())
    layout["xaxis"]["range"] = [first - 0.4, last + 0.4]  # the names do not widen the axis
    for i, (x, name) in enumerate(marks):
        layout.setdefault("shapes", []).append(dict(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="y domain",
                                                    line=dict(color=PLAN, width=2, dash="dot")))
        side = "left" if x - first <= last - x else "right"
        layout.setdefault("annotations", []).append(dict(
            x=x, y=1 - 0.07 * i, yref="paper", yanchor="top", xanchor=side, text=escape(name), showarrow=False,
            font=dict(size=13, color=PLAN), bgcolor="rgba(255,255,255,0.85)"))


def change_bars(frame: pd.DataFrame, *, name_col: str, lang: str = "vi",
                colours: dict[str, str] | None = None) -> go.Figure:
    """Change on the same period last year, one group of bars per unit: in percent for counts, in
    percentage points for rates (kpi.formulas.change_kind), as every other surface says it. Each
    unit in the page's colour (`colours`); the labels keep their full size outside the bars (room
    reserved above and below), and where too many bars would make them overlap they are left to
    the hover and the table under the chart."""
    fig = go.Figure()
    aggregation = str(frame["aggregation"].iloc[0]) if len(frame) else "sum"
    groups = list(frame.groupby(name_col, sort=False))
    bars = sum(len(part) for _, part in groups)
    labelled = bars <= CHANGE_LABELS_MAX
    shown = []
    for i, (name, part) in enumerate(groups):
        part = part.sort_values("year")
        values = [formulas.change_value(r) for _, r in part.iterrows()]
        shown += [v for v in values if v is not None and pd.notna(v)]
        text = [change_text(r, lang) for _, r in part.iterrows()]
        fig.add_bar(x=part["year"], y=values, name=str(name), marker_color=colour_of_unit(colours, _unit_of(part), i),
                    text=text if labelled else None, customdata=text, textposition="outside", cliponaxis=False,
                    textangle=-90 if len(groups) > 1 else 0, constraintext="none",
                    textfont=dict(size=14, color=FONT["color"]),
                    hovertemplate="%{x}: %{customdata}<extra>" + escape(str(name)) + "</extra>")
    _layout(fig, 400, lang)
    fig.update_xaxes(dtick=1, tickformat="d")
    fig.update_yaxes(title=change_axis_title(aggregation, lang), zeroline=True)
    if shown and labelled:  # room for the labels beyond the longest bars, both ways
        low, high = min(*shown, 0.0), max(*shown, 0.0)
        room = (high - low or 1.0) * (0.45 if len(groups) > 1 else 0.18)
        fig.update_yaxes(range=[low - room if low < 0 else low, high + room])
    return fig


def _unit_of(part: pd.DataFrame) -> str:
    """The unit key of one unit's rows of a trend frame ('' when the frame has no key)."""
    values = list(part["unit"][:1]) if "unit" in part else []  # a frame's rows, or _by_name's arrays
    return str(values[0]) if values else ""
