"""Figures built as plain trace and layout dicts, then wrapped once in a go.Figure without Plotly's
per-property validation.

Plotly's graph objects validate and copy every property as it is set (add_scatter, update_layout,
update_xaxes with row/col): a domain page's four figures cost about 0,1 s of server CPU per page
run that way (benchmarks/profile_pages.py), against a few milliseconds as dicts. The dicts are the
same figure specification (plotly.js reads them as they are); tests/test_charts.py checks that every
figure built here passes Plotly's full validation (go.Figure(fig.to_dict())), so a misspelt
property still fails a test, not a page.
"""
from __future__ import annotations

import copy
from functools import lru_cache

import plotly.graph_objects as go
from plotly.subplots import make_subplots


def figure(data: list[dict], layout: dict) -> go.Figure:
    """A figure of `data` (trace dicts, each with its "type") and `layout`, not validated property by
    property (Plotly's template is applied as for any figure)."""
    return go.Figure({"data": data, "layout": layout}, _validate=False)


@lru_cache(maxsize=64)
def _grid_layout(rows: int, cols: int, options: tuple) -> dict:
    return make_subplots(rows=rows, cols=cols, **dict(options)).to_dict()["layout"]


def grid_layout(rows: int, cols: int, **options) -> dict:
    """The layout make_subplots gives a grid of panels (axis domains and anchors, subplot titles as
    annotations), computed once per grid and copied: list options (titles, widths) as tuples."""
    layout = copy.deepcopy(_grid_layout(rows, cols, tuple(sorted(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in options.items()))))
    layout.pop("template", None)  # the figure gets its own
    return layout


def axis_names(row: int, col: int, cols: int) -> tuple[str, str]:
    """('x2', 'y2'): the axes of the panel at (row, col) of a make_subplots grid, as traces name them."""
    n = (row - 1) * cols + col
    return ("x", "y") if n == 1 else (f"x{n}", f"y{n}")


def axis_key(name: str) -> str:
    """'x2' -> 'xaxis2': the layout key of an axis a trace names."""
    return f"{name[0]}axis{name[1:]}"


def merge(target: dict, update: dict) -> dict:
    """`update` merged into `target` key by key, nested dicts merged (as update_layout does)."""
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = value
    return target
