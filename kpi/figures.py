"""Figures with their measures, as every page, export and the command line show them.

`figures()` runs the named query `facts_aggregate` (queries/facts_aggregate.sql, columns
actual, plan, numerator, denominator of facts.parquet) for the chosen periods and the same
periods last year, turns the sums into figures (kpi.formulas.aggregate_arrays) and adds
achievement, status, verdict and change (kpi.formulas). Nothing downstream re-decides them.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.periods import parse_period
from kpi.store import queries
from kpi.store.snapshots import Snapshot
from kpi.store.standards import same_standard
from kpi.units import geography

OUTPUT_COLUMNS = [
    "unit", "period", "indicator", "actual", "plan", "plan_kind", "plan_high", "baseline", "target_level",
    "achievement_pct", "status", "progress_status", "expected_share", "share_basis", "expected", "progress_pct",
    "verdict", "previous", "change_pct", "change_pp", "change_comparable", "numerator", "denominator", "complete",
    "comparable", "published",
    "n_actual", "n_atoms", "sources", "notes", "estimate_status", "aggregation", "direction",
]
# a figure's standing in its report (facts.estimate_status); a figure of several units takes the least
# settled of theirs: one estimate makes the sum an estimate
ESTIMATE_ORDER = ("estimate", "preliminary", "official")


def estimate_standing(statuses) -> str | None:
    """'estimate', 'preliminary', 'official' or None from one status or several joined by ';'."""
    if statuses is None or (isinstance(statuses, float) and np.isnan(statuses)):
        return None
    present = set(str(statuses).split(";"))
    return next((s for s in ESTIMATE_ORDER if s in present), None)


@lru_cache(maxsize=32)
def _table(snapshot: Snapshot, name: str) -> pd.DataFrame:
    # snapshots are immutable, so their catalogue, units and periods are cached per snapshot
    return queries.run(name, snapshot)


def indicators(snapshot: Snapshot) -> pd.DataFrame:
    """The indicator catalogue of the snapshot (queries/indicators_all.sql), domain order."""
    return _table(snapshot, "indicators_all").copy()


def units(snapshot: Snapshot) -> pd.DataFrame:
    """The units of the snapshot (queries/units_all.sql)."""
    return _table(snapshot, "units_all").copy()


def shared_tables(snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The snapshot's units and indicator catalogue as one read-only object each, shared by every
    page run and session (the pages' context): view models and names memoised on them (kpi.memo,
    kpi.units.names) find them again. Callers must not modify them; units() and indicators() give copies."""
    return _table(snapshot, "units_all"), _table(snapshot, "indicators_all")


def reported_codes(snapshot: Snapshot) -> set[str]:
    """Indicators with any figure in the snapshot (queries/indicators_reported.sql)."""
    return set(_table(snapshot, "indicators_reported")["indicator"])


def unreported(snapshot: Snapshot, codes) -> list[str]:
    """Of `codes`, those the snapshot holds no figure of at all (in their order)."""
    reported = reported_codes(snapshot)
    return [c for c in codes if c not in reported]


def available_periods(snapshot: Snapshot) -> list[str]:
    """Periods with at least one actual figure, newest first (queries/periods_available.sql)."""
    return list(_table(snapshot, "periods_available")["period"])


def all_periods(snapshot: Snapshot) -> list[str]:
    """Every period present in the snapshot, with or without actual figures (queries/periods_all.sql)."""
    return list(_table(snapshot, "periods_all")["period"])


def figures(snapshot: Snapshot, targets: list[str], periods: list[str],
            indicator_codes: list[str] | None = None, with_previous: bool = True) -> pd.DataFrame:
    """One row per (unit, period, indicator): figures, achievement, status, verdict, change on last year."""
    catalogue = indicators(snapshot)
    codes = list(indicator_codes) if indicator_codes is not None else list(catalogue["code"])
    parsed = {p: parse_period(p) for p in periods}
    previous_of = {p: q.same_period_last_year().code for p, q in parsed.items()}
    # last year's whole year: the seasonal profile of a 3-, 6- or 9-month period (progress in the year)
    last_whole_of = {p: str(q.year - 1) for p, q in parsed.items() if not q.is_whole_year}
    wanted = sorted(set(periods) | (set(previous_of.values()) | set(last_whole_of.values()) if with_previous else set()))
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
    # across a boundary change of the unit (Hà Nội 2007 -> 2008) the change is not comparable
    change_comparable = geography.same_territory(_covered(snapshot), unit, period,
                                                 [previous_of.get(p, p) for p in period])
    # ... and across a change of the poverty standard (data/catalogue/standards.csv), for its indicators
    change_comparable = change_comparable & same_standard(indicator, period, [previous_of.get(p) for p in period])
    previous = np.where(change_comparable, previous, np.nan)
    meta = catalogue.set_index("code")
    direction = meta["direction"].reindex(indicator).to_numpy()
    order = meta["code_order"].reindex(indicator).to_numpy()
    aggregation = parts["aggregation"]
    measures = formulas.measures_arrays(figures_["actual"], figures_["plan"], direction, figures_["complete"],
                                        previous, aggregation == "ratio", figures_["plan_kind"], figures_["plan_high"])
    months = np.array([parse_period(p).months for p in period], dtype="float64")
    last_whole = np.array([last_year.get((u, last_whole_of[p], i), np.nan) if cur and p in last_whole_of else np.nan
                           for u, p, i, cur in zip(unit, period, indicator, current)], dtype="float64")
    last_whole = np.where(change_comparable, last_whole, np.nan)  # last year's pace only on the same territory
    share = formulas.expected_share_arrays(months, previous, last_whole)
    cumulative_count = (months < 12) & (aggregation == "sum") & figures_["complete"]
    progress = formulas.progress_arrays(figures_["actual"], figures_["plan"], figures_["plan_kind"], direction,
                                        share["expected_share"], cumulative_count)
    applies = progress["progress_status"] != formulas.NO_STATUS
    # a rate at 3, 6 or 9 months: against the path from last year's year-end figure to the target
    path = formulas.rate_path_arrays(figures_["actual"], figures_["plan"], figures_["plan_kind"], direction, months,
                                     last_whole, (months < 12) & (aggregation != "sum") & figures_["complete"])
    on_path = path["progress_status"] != formulas.NO_STATUS
    progress["progress_status"] = np.where(on_path, path["progress_status"], progress["progress_status"])
    progress_columns = {
        "progress_status": progress["progress_status"],
        "expected": np.where(on_path, path["expected"], progress["expected"]),
        "progress_pct": progress["progress_pct"],
        "expected_share": np.where(applies, share["expected_share"], np.where(on_path, months / 12, np.nan)),
        "share_basis": np.where(applies, share["share_basis"], np.where(on_path, "path", None)).astype(object),
    }
    needs_baseline = np.isin(formulas.plan_kinds(figures_["plan_kind"]), formulas.RELATIVE_KINDS)
    verdict = formulas.verdict_array(measures["status"], figures_["actual"], figures_["complete"],
                                     figures_["comparable"], direction, progress["progress_status"],
                                     needs_baseline, ~np.isnan(figures_["plan"]))
    frame = pd.DataFrame({
        "unit": unit, "period": period, "indicator": indicator, **figures_, **measures, **progress_columns,
        "verdict": verdict, "change_comparable": change_comparable,
        "published": _published(snapshot, targets, periods, codes, unit, period, indicator),
        "n_actual": parts["n_actual"], "n_atoms": parts["n_atoms"], "sources": parts["sources"],
        "notes": parts["notes"], "estimate_status": [estimate_standing(s) for s in parts["estimate_statuses"]],
        "aggregation": aggregation, "direction": direction, "_order": order,
    })[current]
    frame = frame.sort_values(["_order", "unit", "period"], kind="stable")
    return frame[OUTPUT_COLUMNS].reset_index(drop=True)


@lru_cache(maxsize=32)
def _covered(snapshot: Snapshot) -> dict:
    """The territory each unit's figure covers in each province generation (kpi.units.geography)."""
    return geography.covered_territories(_table(snapshot, "units_all"))


def _published(snapshot: Snapshot, targets, periods, codes, unit, period, indicator) -> np.ndarray:
    """The figure a region or the nation published itself (queries/facts_published.sql), per row; NaN if none."""
    found = queries.run_arrays("facts_published", snapshot, targets=list(targets), periods=list(periods),
                               indicators=list(codes))
    table = dict(zip(zip(found["unit"], found["period"], found["indicator"]), found["published"]))
    if not table:
        return np.full(len(unit), np.nan)
    return np.array([table.get(key, np.nan) for key in zip(unit, period, indicator)], dtype="float64")


@lru_cache(maxsize=256)
def _figures_cached(snapshot: Snapshot, targets: tuple, periods: tuple, codes: tuple | None,
                    with_previous: bool) -> pd.DataFrame:
    return figures(snapshot, list(targets), list(periods), list(codes) if codes is not None else None, with_previous)


def figures_cached(snapshot: Snapshot, targets, periods, indicator_codes=None,
                   with_previous: bool = True) -> pd.DataFrame:
    """figures() memoised per immutable snapshot: Streamlit reruns and other sessions do not query again."""
    codes = tuple(indicator_codes) if indicator_codes is not None else None
    return _figures_cached(snapshot, tuple(targets), tuple(periods), codes, with_previous).copy()
