"""Charts of a domain page's focus indicators over the years (Plotly, Vietnamese number format).

No number is drawn on a mark: the values of each year are written under it, in the labels of the
x axis (a lane of figures, one line per indicator with its colour's square), where no bar, plan box,
rate line or tick can reach them. Rates are drawn in their own panel above the counts, so a rate
line never crosses the counts' bars. Titles are wrapped within their panel, never cut, and the
legend stands above the titles, outside every panel."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kpi.charts import spec
from kpi.charts.theme import FONT, GRID, PLAN, characters_in, separators, target_marks, wrap
from kpi.text import fmt
from kpi.text.i18n import t

BAR_COLOURS = ["#4c78a8", "#72b7b2", "#9d755d"]
LINE_COLOURS = ["#e45756", "#f58518", "#b279a2"]
TITLE_PX = 15          # subplot titles
LANE_PX = 14           # the figures under the years
LINE_PX = 1.35         # a line of text is this many times its font size high
CHART_PX = 860         # the chart's width on a 1366 px screen beside the sidebar (the narrowest shown)
PANEL_PX = 240         # the plotting height of one small multiple
LEGEND_PX = 34         # one row of legend
# The widest y tick label, estimated: a digit and a separator of the widest font the charts may be
# drawn in (DejaVu Sans, where Inter and Segoe UI are missing: 0,636 and 0,318 em; Arial is 0,556
# and 0,278), and what Plotly adds beside the labels when its automargin pushes the left margin:
# 11 px, or 30 with an axis title (39 when its letters reach below the line: 'hộ').
DIGIT_EM, MARK_EM = 0.64, 0.32
AXIS_PAD_PX, TITLED_AXIS_PAD_PX = 14, 42
EMPTY_RANGE = (0.0, 6.0)  # what Plotly draws on a y axis (rangemode 'tozero') without a figure


def _name(meta: pd.Series, lang: str) -> str:
    return meta["name_vi"] if lang == "vi" else meta["name_en"]


def _uom(meta: pd.Series, lang: str) -> str:
    return fmt.unit_of_measure(meta["unit_of_measure"], lang)


def _value(value, meta: pd.Series, lang: str) -> str:
    decimals = int(meta["decimals"])
    return fmt.percent(value, decimals, lang) if meta["unit_of_measure"] == "%" else fmt.number(value, decimals, lang)


def _by_year(part: pd.DataFrame) -> dict:
    return dict(zip(part["year"], part["actual"]))


def lane_ticks(years: list, series: list[tuple[str, dict, pd.Series]], lang: str) -> list[str]:
    """The x labels of a year: the year in bold, then one line per series (its colour's square and
    its figure of that year, '–' where it has none)."""
    ticks = []
    for year in years:
        lines = [f"<b>{int(year)}</b>"]
        for colour, values, meta in series:
            square = f"<span style='color:{colour}'>■</span> " if len(series) > 1 else ""
            lines.append(square + _value(values.get(year), meta, lang))
        ticks.append("<br>".join(lines))
    return ticks


def _tick_decimals(high: float, tickformat: str) -> int:
    """The decimals of the widest y tick label of an axis from 0 to `high` in `tickformat`: fixed for
    ',.1f', else (',~f') those of the tick step Plotly is likely to take, counted generously."""
    if tickformat.startswith(",.") and tickformat.endswith("f"):
        return int(tickformat[2:-1])
    if tickformat == ",d" or high >= 10:
        return 0
    return 1 if high >= 1 else 2


def tick_label_px(low: float, high: float, tickformat: str, font_px: float = FONT["size"]) -> float:
    """The width of the widest tick label of a y axis over [min(0, low), high] (rangemode 'tozero';
    Plotly's autorange adds up to about 5% beyond the data), in Vietnamese or English grouping."""
    top = max(abs(low), abs(high), 0.0) * 1.06
    decimals = _tick_decimals(top, tickformat)
    digits = len(str(int(top))) if top >= 1 else 1
    marks = (digits - 1) // 3 + (1 if decimals else 0)
    return ((digits + decimals + (1 if low < 0 else 0)) * DIGIT_EM + marks * MARK_EM) * font_px


def left_margin(axes: list[tuple[np.ndarray, str, bool]]) -> int:
    """The left margin the y tick labels of the left-most panels need: set before Plotly draws, so
    that its automargin (kept, in case a font is wider still) has nothing to push. A pushed margin
    makes Plotly draw the whole figure a second time: half the browser's cost of a domain chart."""
    widest = 0.0
    for values, tickformat, titled in axes:
        shown = values[np.isfinite(values)]  # Plotly draws no point (and no tick) for a missing or infinite value
        low, high = (float(shown.min()), float(shown.max())) if len(shown) else EMPTY_RANGE
        widest = max(widest, tick_label_px(low, high, tickformat) + (TITLED_AXIS_PAD_PX if titled else AXIS_PAD_PX))
    return int(math.ceil(widest)) if widest else 10


def _axis_values(data: list[dict], layout: dict, y_names: set[str]) -> list[tuple[np.ndarray, str, bool]]:
    """(every value drawn on it, its tick format, whether it has a title) of each y axis named in
    `y_names` ('y', 'y3')."""
    values: dict[str, list[np.ndarray]] = {}
    for trace in data:
        name = trace.get("yaxis", "y")
        if name in y_names:
            values.setdefault(name, []).append(_array(trace["y"]))
    axes = {name: layout[spec.axis_key(name)] for name in values}
    return [(np.concatenate(parts), axes[name].get("tickformat", ",~f"), bool(axes[name].get("title", {}).get("text")))
            for name, parts in values.items()]


def _finish(layout: dict, height: int, lang: str, top: int, bottom: int, left: int = 10) -> dict:
    spec.merge(layout, dict(height=height, margin=dict(l=left, r=10, t=top, b=bottom), font=dict(FONT),
                            plot_bgcolor="white", paper_bgcolor="white", separators=separators(lang), barmode="group"))
    for key in _axes(layout, "x"):
        spec.merge(layout[key], dict(gridcolor=GRID, automargin=True, tickfont=dict(size=LANE_PX, color=FONT["color"])))
    for key in _axes(layout, "y"):
        spec.merge(layout[key], dict(gridcolor=GRID, rangemode="tozero", automargin=True))
    return layout


def _axes(layout: dict, letter: str) -> list[str]:
    """The layout keys of every x (or y) axis of a grid layout: 'xaxis', 'xaxis2', ..."""
    return [key for key in layout if key.startswith(f"{letter}axis")]


def _array(values) -> np.ndarray:
    return np.asarray(values.to_numpy(dtype=float, na_value=np.nan) if hasattr(values, "to_numpy") else values)


def combo(frame: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str], lang: str = "vi") -> go.Figure:
    """One unit over the years: rates as lines in a panel of their own above, counts as bars below
    (plan as an empty black box over its own bar), and every figure in the lane under the years."""
    meta = catalogue.set_index("code")
    counts = [c for c in codes if meta.loc[c, "unit_of_measure"] != "%"]
    rates = [c for c in codes if meta.loc[c, "unit_of_measure"] == "%"]
    panels = [p for p in (rates, counts) if p]
    layout = spec.grid_layout(len(panels), 1, shared_xaxes=True, vertical_spacing=0.06,
                              row_heights=(0.36, 0.64) if len(panels) == 2 else None)
    rate_row, count_row = (1, len(panels)) if rates else (None, 1)
    count_x, count_y = spec.axis_names(count_row, 1, 1)
    years = sorted(frame.loc[frame["indicator"].isin(codes), "year"].dropna().unique())
    series = []
    data: list[dict] = []
    for i, code in enumerate(counts):
        part = frame[frame["indicator"] == code].sort_values("year")
        m = meta.loc[code]
        colour = BAR_COLOURS[i % len(BAR_COLOURS)]
        series.append((colour, _by_year(part), m))
        x = part["year"].to_numpy()
        data.append(dict(type="bar", x=x, y=_array(part["actual"]), name=_name(m, lang), marker=dict(color=colour),
                         offsetgroup=code, customdata=[_value(v, m, lang) for v in part["actual"]],
                         hovertemplate="%{x}: %{customdata}<extra></extra>", xaxis=count_x, yaxis=count_y))
        marks = target_marks(part)
        if marks.notna().any():
            # the plan as an empty black box over its own bar (same offset group), not between bars
            data.append(dict(type="bar", x=x, y=_array(marks), name=f"{t('plan', lang)}: {_name(m, lang)}",
                             marker=dict(color="rgba(0,0,0,0)", line=dict(color=PLAN, width=2)), offsetgroup=code,
                             customdata=[_value(v, m, lang) for v in marks],
                             hovertemplate="%{x}: %{customdata}<extra>" + t("plan", lang) + "</extra>",
                             xaxis=count_x, yaxis=count_y))
    for i, code in enumerate(rates):
        part = frame[frame["indicator"] == code].sort_values("year")
        m = meta.loc[code]
        colour = LINE_COLOURS[i % len(LINE_COLOURS)]
        series.append((colour, _by_year(part), m))
        rate_x, rate_y = spec.axis_names(rate_row, 1, 1)
        data.append(dict(type="scatter", x=part["year"].to_numpy(), y=_array(part["actual"]), mode="lines+markers",
                         name=f"{_name(m, lang)} (%)", line=dict(color=colour, width=4), marker=dict(size=9),
                         customdata=[_value(v, m, lang) for v in part["actual"]],
                         hovertemplate="%{x}: %{customdata}<extra></extra>", xaxis=rate_x, yaxis=rate_y))
    if counts:
        whole = all(int(meta.loc[c, "decimals"]) == 0 for c in counts)
        spec.merge(layout[spec.axis_key(count_y)], dict(
            title=dict(text=", ".join(sorted({_uom(meta.loc[c], lang) for c in counts}))),
            tickformat=",d" if whole else ",.1f"))
    if rates:
        spec.merge(layout[spec.axis_key(spec.axis_names(rate_row, 1, 1)[1])], dict(title=dict(text="%"), tickformat=",~f"))
    ticks = dict(tickmode="array", tickvals=list(years), ticktext=lane_ticks(years, series, lang))
    if years:
        ticks["range"] = [years[0] - 0.6, years[-1] + 0.6]
    for key in _axes(layout, "x"):
        spec.merge(layout[key], dict(ticks))
    legend_rows = len(data)  # one long indicator name a row
    lane = (1 + len(series)) * LANE_PX * LINE_PX
    layout["legend"] = dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=15))
    left = left_margin(_axis_values(data, layout, {trace["yaxis"] for trace in data}))  # both panels on the left
    return spec.figure(data, _finish(layout, int(540 + lane + legend_rows * 24), lang, top=30, bottom=int(lane + 16),
                                     left=left))


def multiples(frame: pd.DataFrame, catalogue: pd.DataFrame, codes: list[str], lang: str = "vi") -> go.Figure:
    """One small panel per indicator on its own scale: actual as bars, plan as a black tick, the
    figures in the lane under the years, the title wrapped within the panel."""
    meta = catalogue.set_index("code")
    parts = {c: frame[frame["indicator"] == c].sort_values("year") for c in codes}
    years = sorted(frame.loc[frame["indicator"].isin(codes), "year"].dropna().unique())
    widest = max((len(_value(v, meta.loc[c], lang)) for c in codes for v in parts[c]["actual"]), default=4)
    # two panels a row while a year's figure fits in its slot at the narrowest width, else one
    columns = 1 if len(codes) == 1 or widest * LANE_PX * 0.6 > 0.45 * CHART_PX / max(len(years), 1) else 2
    rows = math.ceil(len(codes) / columns)
    width = characters_in(CHART_PX / columns * 0.9, TITLE_PX)
    titles = [wrap(f"{_name(meta.loc[c], lang)} ({_uom(meta.loc[c], lang)})", width) for c in codes]
    title_px = max(x.count("<br>") + 1 for x in titles) * TITLE_PX * LINE_PX
    lane_px = 2 * LANE_PX * LINE_PX + 12
    gap = title_px + lane_px + 24
    plot = rows * PANEL_PX + (rows - 1) * gap
    layout = spec.grid_layout(rows, columns, subplot_titles=tuple(titles),
                              vertical_spacing=gap / plot if rows > 1 else 0, horizontal_spacing=0.08)
    data: list[dict] = []
    plan_in_legend = False
    for i, code in enumerate(codes):
        row, col = i // columns + 1, i % columns + 1
        x_name, y_name = spec.axis_names(row, col, columns)
        part, m = parts[code], meta.loc[code]
        x = part["year"].to_numpy()
        data.append(dict(type="bar", x=x, y=_array(part["actual"]), marker=dict(color=BAR_COLOURS[0]), showlegend=False,
                         customdata=[_value(v, m, lang) for v in part["actual"]],
                         hovertemplate="%{x}: %{customdata}<extra></extra>", xaxis=x_name, yaxis=y_name))
        marks = target_marks(part)
        if marks.notna().any():
            data.append(dict(type="scatter", x=x, y=_array(marks), mode="markers", name=t("plan", lang),
                             showlegend=not plan_in_legend, customdata=[_value(v, m, lang) for v in marks],
                             hovertemplate="%{x}: %{customdata}<extra>" + t("plan", lang) + "</extra>",
                             marker=dict(symbol="line-ew-open", size=20, color=PLAN, line=dict(width=3, color=PLAN)),
                             xaxis=x_name, yaxis=y_name))
            plan_in_legend = True
        ticks = dict(tickmode="array", tickvals=list(years), ticktext=lane_ticks(years, [("", _by_year(part), m)], lang))
        if years:
            ticks["range"] = [years[0] - 0.6, years[-1] + 0.6]
        spec.merge(layout[spec.axis_key(x_name)], ticks)
    for annotation in layout.get("annotations", []):
        spec.merge(annotation, dict(font=dict(size=TITLE_PX)))
    for key in _axes(layout, "y"):
        layout[key]["tickformat"] = ",~f"  # Vietnamese separators, no '5k'-style suffixes
    # the legend above the first row's titles, outside every panel: never over a title
    top = int(title_px + (LEGEND_PX if plan_in_legend else 0) + 16)
    layout["legend"] = dict(orientation="h", yanchor="bottom", y=1 + (title_px + 8) / plot, x=0, font=dict(size=15))
    first_column = {spec.axis_names(i // columns + 1, 1, columns)[1] for i in range(0, len(codes), columns)}
    left = left_margin(_axis_values(data, layout, first_column))
    return spec.figure(data, _finish(layout, int(plot + top + lane_px + 20), lang, top=top, bottom=int(lane_px + 20),
                                     left=left))
