"""Figures with their measures, as every page and the command line show them.

`figures()` runs the named query `facts_aggregate` for the chosen period and the same period
last year, turns the sums into figures (kpi.formulas.aggregate_parts) and adds achievement,
status and change (kpi.formulas.add_measures).
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from kpi import formulas, queries, store
from kpi.periods import parse_period

OUTPUT_COLUMNS = [
    "unit", "period", "indicator", "actual", "plan", "achievement_pct", "status", "previous",
    "change_pct", "change_pp", "numerator", "denominator", "complete", "comparable",
    "n_actual", "n_atoms", "sources",
]


def indicators(snapshot: store.Snapshot) -> pd.DataFrame:
    return _cached_table(snapshot, "indicators_all")


def units(snapshot: store.Snapshot) -> pd.DataFrame:
    return _cached_table(snapshot, "units_all")


def available_periods(snapshot: store.Snapshot) -> list[str]:
    return list(_cached_table(snapshot, "periods_available")["period"])


@lru_cache(maxsize=32)
def _cached_table_by_path(path: str, snapshot_id: str, name: str) -> pd.DataFrame:
    return queries.run(name, store.get_snapshot_at(path, snapshot_id))


def _cached_table(snapshot: store.Snapshot, name: str) -> pd.DataFrame:
    # snapshots are immutable, so their catalogue, units and periods can be cached by id
    return _cached_table_by_path(str(snapshot.path), snapshot.id, name).copy()


def figures(snapshot: store.Snapshot, targets: list[str], periods: list[str],
            indicator_codes: list[str] | None = None, with_previous: bool = True) -> pd.DataFrame:
    """One row per (unit, period, indicator): figures, achievement, status, change on last year."""
    catalogue = indicators(snapshot)
    codes = list(indicator_codes) if indicator_codes is not None else list(catalogue["code"])
    previous_periods = [parse_period(p).same_period_last_year().code for p in periods] if with_previous else []
    wanted = sorted(set(periods) | set(previous_periods))
    parts = queries.run("facts_aggregate", snapshot, targets=list(targets), periods=wanted, indicators=codes)
    parts = formulas.aggregate_parts(parts) if len(parts) else parts.assign(
        actual=[], plan=[], numerator=[], denominator=[], comparable=[], complete=[])
    meta = catalogue.set_index("code")[["direction"]]
    parts = parts.join(meta, on="indicator")
    current = parts[parts["period"].isin(periods)].copy()
    if with_previous and len(current):
        prev = parts.assign(next_period=[parse_period(p).year + 1 for p in parts["period"]])
        prev["period_key"] = [f"{y}{p[4:]}" for y, p in zip(prev["next_period"], prev["period"])]
        prev = prev[prev["complete"]].set_index(["unit", "period_key", "indicator"])["actual"]
        keys = list(zip(current["unit"], current["period"], current["indicator"]))
        previous = pd.Series([prev.get(k, float("nan")) for k in keys], index=current.index, dtype="float64")
    else:
        previous = None
    current = formulas.add_measures(current, previous)
    order = catalogue.set_index("code")["code_order"]
    current = current.assign(_order=current["indicator"].map(order)).sort_values(["_order", "unit", "period"])
    return current[OUTPUT_COLUMNS + ["aggregation", "direction"]].reset_index(drop=True)


@lru_cache(maxsize=256)
def _figures_cached(path: str, snapshot_id: str, targets: tuple, periods: tuple, codes: tuple | None,
                    with_previous: bool) -> pd.DataFrame:
    snapshot = store.get_snapshot_at(path, snapshot_id)
    return figures(snapshot, list(targets), list(periods), list(codes) if codes is not None else None, with_previous)


def figures_cached(snapshot: store.Snapshot, targets, periods, indicator_codes=None,
                   with_previous: bool = True) -> pd.DataFrame:
    """figures() memoised per immutable snapshot: Streamlit reruns do not query again."""
    codes = tuple(indicator_codes) if indicator_codes is not None else None
    return _figures_cached(str(snapshot.path), snapshot.id, tuple(targets), tuple(periods), codes,
                           with_previous).copy()
