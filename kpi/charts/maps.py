"""Maps of Vietnam that draw offline: plain Plotly cartesian figures, no tile server, no CDN.

Three kinds, for the 34 and the 63 provinces:
  tile grid   each province one equal tile at its approximate place (data/catalogue/tilegrid_*.csv),
              so that small provinces are as visible as large ones;
  bubbles     a circle at each province centroid (units.lat/lon from vietnamadminunits), area
              proportional to the figure;
  choropleth  the provinces' real shapes, when a boundary file is configured (kpi/boundaries.py).
(go.Scattergeo / go.Choropleth would make plotly.js fetch world outlines from a CDN.)

Colours: viridis (colour-blind safe), oriented so that the darker end is always the better one:
reversed for lower-is-better indicators. A province without a figure is grey and labelled as
missing, never drawn as zero; one whose figure cannot be re-expressed is 'not comparable'.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go

from kpi import formulas
from kpi.charts import spec
from kpi.charts.theme import FONT, separators
from kpi.memo import shared
from kpi.paths import CATALOGUE_DIR
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.units.boundaries import BoundaryFeature, BoundaryMatch

VIRIDIS = list(pcolors.sequential.Viridis)  # dark purple (low) ... yellow (high)
LEGEND_FONT_SIZE = 18   # read from the back of a meeting room
HIGHLIGHT = "#e8590c"
STATE_STYLE = {  # fill, pattern: the grey states must not look like any colour of the scale
    "missing": ("#d9d9d9", ""),
    "incomplete": ("#d9d9d9", "."),
    "not_comparable": ("#bdbdbd", "/"),
}
STATE_TEXT = {formulas.MISSING: "missing", formulas.INCOMPLETE: "incomplete", formulas.NOT_COMPARABLE: "not_comparable"}
# gso code of the province -> (text key of the archipelago's name, lon, lat)
PX_PER_DEGREE = 58      # a degree of latitude on the 920 px bubble map
LABEL_GAP_PX = 9        # half a label's height: its centre this far below the circle's edge
LABEL_HALO = "1px 1px 2px white, -1px -1px 2px white, 1px -1px 2px white, -1px 1px 2px white"
ISLANDS = {"48": ("map_island_hoang_sa", 111.9, 16.5), "56": ("map_island_truong_sa", 114.2, 10.0)}


@dataclass
class MapValues:
    """One row per province of the geography: unit, name, label, value, state, text, hover."""
    frame: pd.DataFrame
    direction: int
    unit_of_measure: str
    decimals: int
    title: str


def colour_scale(direction: int) -> list[str]:
    """Viridis oriented so that 'better' is always the dark end (higher-is-better: high is dark)."""
    return VIRIDIS if direction < 0 else VIRIDIS[::-1]


def _position(value: float, low: float, high: float) -> float:
    with np.errstate(invalid="ignore"):
        position = 0.5 if high == low else (value - low) / (high - low)
    if not math.isfinite(position):  # an infinite figure (a snapshot past the importer's bounds)
        position = 1.0 if value == high else 0.0 if value == low else 0.5
    return min(max(float(position), 0.0), 1.0)


def colours_of(values, low: float, high: float, direction: int) -> list[str]:
    """colour_of for each value, sampling the scale once for all (a map's provinces)."""
    values = list(values)
    if not values:
        return []
    return pcolors.sample_colorscale(colour_scale(direction), [_position(v, low, high) for v in values])


def colour_of(value: float, low: float, high: float, direction: int) -> str:
    return colours_of([value], low, high, direction)[0]


def _text_colour(rgb: str) -> str:
    r, g, b = (int(float(c)) for c in rgb[rgb.index("(") + 1:rgb.index(")")].split(","))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#111111" if luminance > 140 else "#ffffff"


@lru_cache(maxsize=2)
def load_tilegrid(geography: int) -> pd.DataFrame:
    """The hand-made tile layout: unit, row (0 = north), col (0 = west), label."""
    return pd.read_csv(CATALOGUE_DIR / f"tilegrid_{geography}.csv", dtype={"unit": str, "label": str})


def map_values(figures: pd.DataFrame, units: pd.DataFrame, geography: int, indicator: str,
               catalogue: pd.DataFrame, lang: str = "vi") -> MapValues:
    """The figures of one indicator for every province of the geography, with their map state."""
    meta = catalogue.set_index("code").loc[indicator]
    decimals = int(meta["decimals"])
    grid = load_tilegrid(geography)
    part = figures[figures["indicator"] == indicator].drop_duplicates("unit")
    found = dict(zip(part["unit"], zip(part["actual"], part["verdict"])))  # one lookup a province, no .loc
    names = dict(zip(units["unit"], units["name_vi"]))
    rows = []
    for unit, label in zip(grid["unit"], grid["label"]):
        actual, verdict = found.get(unit, (math.nan, formulas.MISSING))
        value = float(actual) if pd.notna(actual) else math.nan
        # the figure's verdict (kpi.figures) decides its state on the map; no figure at all is missing
        state = verdict if verdict in STATE_TEXT else "ok"
        shown = fmt.number(value, decimals, lang) if state == "ok" else fmt.MISSING
        full = (fmt.figure(value, meta["unit_of_measure"], decimals, lang) if state == "ok"
                else t(STATE_TEXT[state], lang))
        name = names.get(unit, unit)
        rows.append({"unit": unit, "name": name, "label": label, "value": value if state == "ok" else math.nan,
                     "state": state, "text": shown, "hover": f"{name}: {full}"})
    title = meta["name_vi"] if lang == "vi" else meta["name_en"]
    return MapValues(pd.DataFrame(rows), int(meta["direction"]), fmt.unit_of_measure(meta["unit_of_measure"], lang),
                     decimals, title)


def _colourbar_trace(values: MapValues, lang: str) -> dict | None:
    shown = values.frame["value"].dropna()
    if shown.empty:
        return None
    low, high = float(shown.min()), float(shown.max())
    if values.direction == 0:
        note = "đậm hơn = lớn hơn" if lang == "vi" else "darker = larger"
    else:
        note = "đậm hơn = tốt hơn" if lang == "vi" else "darker = better"
    scale = colour_scale(values.direction)
    stops = [[i / (len(scale) - 1), c] for i, c in enumerate(scale)]
    return dict(
        type="scatter", x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
        marker=dict(color=[low, high], cmin=low, cmax=high if high > low else low + 1, colorscale=stops,
                    showscale=True, colorbar=dict(
                        title=dict(text=f"{values.unit_of_measure}<br><sub>{note}</sub>", side="top",
                                   font=dict(size=LEGEND_FONT_SIZE)),
                        tickfont=dict(size=LEGEND_FONT_SIZE), thickness=26, len=0.55, y=0.5, x=1.0,
                        tickformat=",." + str(min(values.decimals, 2)) + "f" if values.decimals else ",d")))


def _fill(state: str, value: float, low: float, high: float, direction: int) -> tuple[str, str]:
    if state == "ok":
        return colour_of(value, low, high, direction), ""
    return STATE_STYLE[state]


def _layout_spec(height: int, lang: str, width: int | None = None) -> dict:
    """The maps' layout (a dict: kpi.charts.spec)."""
    axis = dict(visible=False, showgrid=False, zeroline=False)
    return dict(height=height, width=width, margin=dict(l=10, r=10, t=10, b=10), font=dict(FONT), plot_bgcolor="white",
                paper_bgcolor="white", separators=separators(lang), hoverlabel=dict(font=dict(size=16)),
                legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, font=dict(size=LEGEND_FONT_SIZE)),
                xaxis=dict(axis), yaxis=dict(axis))


def _layout(fig: go.Figure, height: int, lang: str, width: int | None = None) -> go.Figure:
    fig.update_layout(_layout_spec(height, lang, width))
    return fig


def _legend_shown(state: str, shown: set) -> bool:
    if state == "ok" or state in shown:
        return False
    shown.add(state)
    return True


def tile_grid(values: MapValues, units: pd.DataFrame, geography: int, highlight: list[str] | None = None,
              lang: str = "vi") -> go.Figure:
    """Each province one equal tile at its approximate place; value written on the tile. The tiles,
    labels and colour bar depend only on the values (shared by every unit's view of a period, see
    kpi.screens.domains); the highlighted tiles' outlines are one trace drawn over them."""
    tiles, layout, corners = _tile_base(values, units, geography, lang)
    outlined = [unit for unit in corners if unit in set(highlight or [])]
    data = list(tiles)  # the shared trace dicts themselves: a figure built from them copies them
    if outlined:
        xs: list = []
        ys: list = []
        for unit in outlined:
            x, y = corners[unit]
            xs += x + [None]
            ys += y + [None]
        data.insert(len(corners), dict(type="scatter", x=xs, y=ys, mode="lines", line=dict(color=HIGHLIGHT, width=5),
                                       hoverinfo="skip", showlegend=False))
    return spec.figure(data, copy.deepcopy(layout))


@shared(maxsize=256)
def _tile_base(values: MapValues, units: pd.DataFrame, geography: int,
               lang: str) -> tuple[list[dict], dict, dict[str, tuple[list, list]]]:
    """The tile map without its highlight: tile and label traces, layout, each tile's corners (read-only)."""
    grid = load_tilegrid(geography).set_index("unit")
    frame = values.frame.join(grid[["row", "col"]], on="unit")
    shown = frame["value"].dropna()
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    data: list[dict] = []
    corners: dict[str, tuple[list, list]] = {}
    legend_done: set[str] = set()
    half_w, half_h = 0.47, 0.45
    ok_colours = iter(colours_of(frame.loc[frame["state"] == "ok", "value"], low, high, values.direction))
    fills = [(next(ok_colours), "") if s == "ok" else STATE_STYLE[s] for s in frame["state"]]
    for unit, state, row, col, (colour, pattern) in zip(frame["unit"], frame["state"], frame["row"], frame["col"],
                                                        fills):
        x0, x1 = float(col) - half_w, float(col) + half_w
        y0, y1 = float(row) - half_h, float(row) + half_h
        corners[unit] = ([x0, x1, x1, x0, x0], [y0, y0, y1, y1, y0])
        tile = dict(type="scatter", x=[x0, x1, x1, x0, x0], y=[y0, y0, y1, y1, y0], mode="lines", fill="toself",
                    fillcolor=colour, line=dict(color="white", width=1), hoverinfo="skip",
                    name=t(STATE_TEXT.get(state, "missing"), lang),
                    showlegend=_legend_shown(state, legend_done), legendgroup=state)
        if pattern:
            tile["fillpattern"] = dict(shape=pattern, fgcolor="#6e7781", bgcolor=colour)
        data.append(tile)
    text_colours = [_text_colour(colour) if s == "ok" else "#1f2328" for s, (colour, _) in zip(frame["state"], fills)]
    data.append(dict(type="scatter", x=frame["col"].tolist(), y=frame["row"].tolist(), mode="text", showlegend=False,
                     text=[f"<b>{label}</b><br>{text}" for label, text in zip(frame["label"], frame["text"])],
                     textfont=dict(size=13 if geography == 63 else 15, color=text_colours),
                     hovertext=frame["hover"].tolist(), hoverinfo="text"))
    bar = _colourbar_trace(values, lang)
    if bar is not None:
        data.append(bar)
    n_rows, n_cols = int(grid["row"].max()) + 1, int(grid["col"].max()) + 1
    tile_width, tile_height = (88, 50) if geography == 63 else (100, 56)
    layout = _layout_spec(tile_height * n_rows + 90, lang, width=int(tile_width * (n_cols + 1.6)) + 190)
    layout["xaxis"]["range"] = [-0.6, n_cols + 1.0]
    layout["yaxis"]["range"] = [n_rows - 0.4, -0.6]
    layout["annotations"] = _island_notes(units, grid, frame, lang)
    return data, layout, corners


def _island_notes(units: pd.DataFrame, grid: pd.DataFrame, frame: pd.DataFrame, lang: str = "vi") -> list[dict]:
    """Hoàng Sa and Trường Sa written beside the tile of the province they belong to (annotations)."""
    codes = dict(zip(units["unit"], units["gso_code"]))
    right = float(grid["col"].max()) + 0.6
    return [dict(x=right, y=row, text=f"<i>{t(ISLANDS[codes[unit]][0], lang)}</i>", showarrow=False, xanchor="left",
                 font=dict(size=13, color="#57606a"))
            for unit, row in zip(frame["unit"], frame["row"]) if codes.get(unit) in ISLANDS]


def _outline_trace(features: list[BoundaryFeature], colour: str = "#c9ced6") -> go.Scatter:
    xs: list = []
    ys: list = []
    for feature in features:
        for polygon in feature.polygons:
            for ring in polygon:
                xs += list(ring[:, 0]) + [None]
                ys += list(ring[:, 1]) + [None]
    return go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=colour, width=0.8), fill="toself",
                      fillcolor="#f4f5f7", hoverinfo="skip", showlegend=False)


def _geo_axes(fig: go.Figure, lon_range: tuple[float, float], lat_range: tuple[float, float]) -> None:
    # equirectangular with the longitude squeezed by cos(16°N), so shapes look right
    fig.update_xaxes(range=list(lon_range))
    fig.update_yaxes(range=list(lat_range), scaleanchor="x", scaleratio=1 / math.cos(math.radians(16)))


def bubbles(values: MapValues, units: pd.DataFrame, highlight: list[str] | None = None, lang: str = "vi",
            outline: list[BoundaryFeature] | None = None) -> go.Figure:
    """A circle at each province centroid, area proportional to the figure, coloured by the same scale."""
    position = units.set_index("unit")[["lat", "lon"]]
    frame = values.frame.join(position, on="unit")
    shown = frame["value"].dropna()
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    largest = max(abs(high), abs(low), 1e-12)
    max_size = 46 if len(frame) <= 40 else 34
    fig = go.Figure()
    if outline:
        fig.add_trace(_outline_trace(outline))
    ok = frame[frame["state"] == "ok"].sort_values("value", key=lambda s: -s.abs())
    sizes = [max(8.0, max_size * math.sqrt(abs(v) / largest)) for v in ok["value"]]
    highlight = set(highlight or [])
    fig.add_scatter(x=ok["lon"], y=ok["lat"], mode="markers", showlegend=False,
                    marker=dict(size=sizes, color=colours_of(ok["value"], low, high, values.direction),
                                line=dict(color=[HIGHLIGHT if u in highlight else "white" for u in ok["unit"]],
                                          width=[4 if u in highlight else 1 for u in ok["unit"]]), opacity=0.9),
                    hovertext=ok["hover"], hoverinfo="text")
    for state in ("incomplete", "not_comparable", "missing"):
        part = frame[frame["state"] == state]
        if len(part):
            fig.add_scatter(x=part["lon"], y=part["lat"], mode="markers", name=t(STATE_TEXT[state], lang),
                            marker=dict(size=12, symbol="x-thin-open" if state == "not_comparable" else "circle-open",
                                        color="#6e7781", line=dict(width=2)), hovertext=part["hover"], hoverinfo="text")
    priority = frame.assign(first=frame["unit"].isin(highlight), size=frame["value"].abs().fillna(0))
    labelled = _uncluttered(priority.sort_values(["first", "size"], ascending=False))
    # each name just below its own circle (by the circle's radius), with a white halo where it meets
    # a neighbour's circle, so that no circle hides a name
    radius = dict(zip(ok["unit"], [s / 2 for s in sizes]))
    below = [lat - (radius.get(unit, 6.0) + LABEL_GAP_PX) / PX_PER_DEGREE for unit, lat in zip(labelled["unit"], labelled["lat"])]
    fig.add_scatter(x=labelled["lon"], y=below, mode="text", text=labelled["label"], showlegend=False,
                    textfont=dict(size=12 if len(frame) > 40 else 14, color="#1f2328", shadow=LABEL_HALO),
                    hoverinfo="skip")
    for key, lon, lat in ISLANDS.values():
        fig.add_annotation(x=lon, y=lat, text=f"<i>{t(key, lang)}</i>", showarrow=False, font=dict(size=13, color="#57606a"))
    bar = _colourbar_trace(values, lang)
    if bar is not None:
        fig.add_trace(bar)
    _layout(fig, 920, lang, width=960)
    _geo_axes(fig, (102.0, 116.0), (8.2, 23.6))
    return fig


def _uncluttered(frame: pd.DataFrame, dx: float = 0.95, dy: float = 0.32) -> pd.DataFrame:
    """The rows whose label does not overlap a label placed before it (rows in priority order)."""
    placed: list[tuple[float, float]] = []
    keep = []
    for index, lon, lat in zip(frame.index, frame["lon"], frame["lat"]):
        if all(abs(lon - x) > dx or abs(lat - y) > dy for x, y in placed):
            placed.append((lon, lat))
            keep.append(index)
    return frame.loc[keep]


def choropleth(values: MapValues, features: list[BoundaryFeature], match: BoundaryMatch,
               highlight: list[str] | None = None, lang: str = "vi") -> go.Figure:
    """The provinces' real shapes, filled by the figure; shapes whose name fit no province are hatched."""
    by_unit = values.frame.set_index("unit")
    shown = values.frame["value"].dropna()
    low, high = (float(shown.min()), float(shown.max())) if len(shown) else (0.0, 1.0)
    highlight = set(highlight or [])
    fig = go.Figure()
    legend_done: set[str] = set()
    order = sorted(range(len(features)), key=lambda i: -features[i].area)  # small enclaves drawn last, on top
    for i in order:
        feature, unit = features[i], match.units[i]
        if unit is None or unit not in by_unit.index:
            state, value, hover = "unmatched", math.nan, f"{feature.name}: {t('dom_unmatched', lang)}"
            colour, pattern = "#ffffff", "x"
        else:
            row = by_unit.loc[unit]
            state, value, hover = row["state"], row["value"], row["hover"]
            colour, pattern = _fill(state, value, low, high, values.direction)
        xs: list = []
        ys: list = []
        for polygon in feature.polygons:
            for ring in polygon[:1]:  # outer rings; enclaves are drawn over their surroundings
                xs += list(ring[:, 0]) + [None]
                ys += list(ring[:, 1]) + [None]
        line = dict(color=HIGHLIGHT, width=3) if unit in highlight else dict(color="white", width=0.7)
        legend_state = "dom_unmatched" if state == "unmatched" else STATE_TEXT.get(state, "missing")
        fig.add_scatter(x=xs, y=ys, mode="lines", fill="toself", fillcolor=colour, line=line,
                        fillpattern=dict(shape=pattern, fgcolor="#6e7781", bgcolor=colour) if pattern else None,
                        name=t(legend_state, lang), legendgroup=state,
                        showlegend=_legend_shown(state, legend_done),
                        hoveron="fills", hoverinfo="text", text=hover)
    bar = _colourbar_trace(values, lang)
    if bar is not None:
        fig.add_trace(bar)
    _layout(fig, 920, lang, width=960)
    lons = np.concatenate([r[:, 0] for f in features for p in f.polygons for r in p[:1]])
    lats = np.concatenate([r[:, 1] for f in features for p in f.polygons for r in p[:1]])
    _geo_axes(fig, (float(lons.min()) - 0.3, float(lons.max()) + 0.3), (float(lats.min()) - 0.3, float(lats.max()) + 0.3))
    return fig


def tile_overlaps(geography: int) -> list[tuple[int, int]]:
    """(row, col) positions used by more than one tile (an empty list means a valid layout)."""
    grid = load_tilegrid(geography)
    counts = grid.groupby(["row", "col"]).size()
    return [tuple(map(int, k)) for k in counts[counts > 1].index]
