"""Figures with their measures, as every page and the command line show them.

`figures()` runs the named query `facts_aggregate` for the chosen period and the same period
last year, turns the sums into figures (kpi.formulas.aggregate_parts) and adds achievement,
status and change (kpi.formulas.add_measures).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from kpi import formulas, store

from kpi.store import queries
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
    previous_of = {p: parse_period(p).same_period_last_year().code for p in periods}
    wanted = sorted(set(periods) | (set(previous_of.values()) if with_previous else set()))
    parts = queries.run_arrays("facts_aggregate", snapshot, targets=list(targets), periods=wanted,
                               indicators=codes)
    figures_ = formulas.aggregate_arrays(parts)
    unit, period, indicator = parts["unit"], parts["period"], parts["indicator"]
    # last year's figure, compared only when complete
    last_year = {(u, p, i): a for u, p, i, a, c in zip(unit, period, indicator, figures_["actual"],
                                                         figures_["complete"]) if c}
    current = np.isin(period, list(periods))
    previous = np.array([last_year.get((u, previous_of[p], i), np.nan) if cur and with_previous else np.nan
                         for u, p, i, cur in zip(unit, period, indicator, current)], dtype="float64")
    meta = catalogue.set_index("code")
    direction = meta["direction"].reindex(indicator).to_numpy()
    order = meta["code_order"].reindex(indicator).to_numpy()
    measures = formulas.measures_arrays(figures_["actual"], figures_["plan"], direction, figures_["complete"],
                                        previous, parts["aggregation"] == "ratio")
    frame = pd.DataFrame({
        "unit": unit, "period": period, "indicator": indicator, **figures_, **measures,
        "n_actual": parts["n_actual"], "n_atoms": parts["n_atoms"], "sources": parts["sources"],
        "aggregation": parts["aggregation"], "direction": direction, "_order": order,
    })[current]
    frame = frame.sort_values(["_order", "unit", "period"], kind="stable")
    return frame[OUTPUT_COLUMNS + ["aggregation", "direction"]].reset_index(drop=True)


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
