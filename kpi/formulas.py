"""Every rule a director quotes (DESIGN section 4), in one place. Full precision; rounding is for display.

Cards, tables, charts, slides, Word, Excel, the ranking and the command line all call these:

- achievement of plan          `achievement_array` / `achievement_pct`
- status against plan          `status_array` / `status`       ('exceeded', 'met', 'below', '')
- what a screen calls a figure `verdict_array`                 (the status, or the figure's state)
- change on the same period    `change_kind`, `change_pct`, `change_pp`
- rank with ties               `competition_ranks`, `tied`
- aggregates over units        `aggregate_arrays`

Status codes are machine output (`python -m kpi facts`); verdicts add the states a screen must
tell apart: a figure that is missing, incomplete, not comparable, context only, without a plan,
or a count of a 6- or 9-month period still short of the whole-year plan (in progress, not failed).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

EXCEEDED, MET, BELOW, NO_STATUS = "exceeded", "met", "below", ""
STATUSES = (EXCEEDED, MET, BELOW)

# verdicts: what every surface calls a figure (text key = the verdict, kpi.text.i18n)
IN_PROGRESS, NO_PLAN, CONTEXT_ONLY = "in_progress", "no_plan", "context_only"
MISSING, INCOMPLETE, NOT_COMPARABLE = "missing", "incomplete", "not_comparable"
VERDICTS = (EXCEEDED, MET, IN_PROGRESS, BELOW, NO_PLAN, CONTEXT_ONLY, INCOMPLETE, MISSING, NOT_COMPARABLE)
RATED_VERDICTS = (EXCEEDED, MET, IN_PROGRESS, BELOW)  # a figure measured against a plan
GOOD_VERDICTS = (EXCEEDED, MET)

CHANGE_PERCENT, CHANGE_POINTS = "pct", "pp"
TIE_DECIMALS = 9  # values equal to 1e-9 are ties (floating-point noise, not display rounding)


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _floats(value) -> np.ndarray:
    return np.asarray(value, dtype="float64")


# --------------------------------------------------------------------------- achievement of plan

def achievement_array(actual, plan, direction) -> np.ndarray:
    """Tỷ lệ đạt kế hoạch (%), vectorised.

    Higher is better (+1): actual / plan × 100 (plan > 0). Lower is better (-1), the standard
    "minimise" form: plan / actual × 100 (actual > 0); an actual of 0 against a positive plan cannot
    be beaten and is unbounded (+inf: shown as such, full points in a ranking); 0 against 0 is 100.
    Context-only indicators (0) follow +1 here; they have no status. NaN when a figure is missing
    or the ratio is undefined (a plan of 0 for +1, a negative figure).
    """
    a, p = _floats(actual), _floats(plan)
    d = np.broadcast_to(np.asarray(direction, dtype="float64"), np.broadcast(a, p).shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        up = np.where((p > 0) & (a >= 0), a / p * 100, np.nan)
        down = np.where((a > 0) & (p >= 0), p / a * 100,
                        np.where(a == 0, np.where(p > 0, np.inf, np.where(p == 0, 100.0, np.nan)), np.nan))
    out = np.where(d < 0, down, up)
    return np.where(np.isnan(a) | np.isnan(p), np.nan, out)


def achievement_pct(actual, plan, direction: int) -> float:
    """achievement_array() for one figure."""
    if _missing(actual) or _missing(plan):
        return float("nan")
    return float(achievement_array(float(actual), float(plan), direction))


# --------------------------------------------------------------------------- status

def status_array(actual, plan, direction, rated=True) -> np.ndarray:
    """vượt / đạt / chưa đạt against the plan by direction (exact comparison), '' where not rated."""
    a, p = _floats(actual), _floats(plan)
    d = np.broadcast_to(np.asarray(direction, dtype="int64"), np.broadcast(a, p).shape)
    ok = np.broadcast_to(np.asarray(rated, dtype=bool), a.shape) & ~np.isnan(a) & ~np.isnan(p) & (d != 0)
    better = np.where(d > 0, a > p, a < p)
    return np.select([~ok, a == p, better], [NO_STATUS, MET, EXCEEDED], default=BELOW).astype(object)


def status(actual, plan, direction: int) -> str:
    """status_array() for one figure: a poverty rate of 3,6% against 4% is 'exceeded'."""
    if direction == 0 or _missing(actual) or _missing(plan):
        return NO_STATUS
    return str(status_array(float(actual), float(plan), direction)[()])


# --------------------------------------------------------------------------- verdict

def verdict_array(status_codes, actual, complete, comparable, direction, aggregation, whole_year) -> np.ndarray:
    """What a screen calls each figure, in this order of precedence: not comparable, missing,
    incomplete, context only, in progress (a count of a 6- or 9-month period below the whole-year
    plan: the year is not over), the status, else no plan."""
    codes = np.asarray(status_codes, dtype=object)
    actual = _floats(actual)
    shape = codes.shape
    comparable = np.broadcast_to(np.asarray(comparable, dtype=bool), shape)
    complete = np.broadcast_to(np.asarray(complete, dtype=bool), shape)
    direction = np.broadcast_to(np.asarray(direction, dtype="int64"), shape)
    counts = np.broadcast_to(np.asarray(aggregation, dtype=object) == "sum", shape)
    cumulative = ~np.broadcast_to(np.asarray(whole_year, dtype=bool), shape)
    return np.select(
        [~comparable, np.isnan(actual), ~complete, direction == 0, (codes == BELOW) & counts & cumulative,
         np.isin(codes, STATUSES)],
        [NOT_COMPARABLE, MISSING, INCOMPLETE, CONTEXT_ONLY, IN_PROGRESS, codes],
        default=NO_PLAN).astype(object)


# --------------------------------------------------------------------------- change on last year

def change_kind(aggregation: str) -> str:
    """Counts change in percent, rates in percentage points ('ratio' aggregation), everywhere."""
    return CHANGE_POINTS if aggregation == "ratio" else CHANGE_PERCENT


def change_pct(actual, previous) -> float:
    """So với cùng kỳ: (actual / same period last year − 1) × 100."""
    if _missing(actual) or _missing(previous) or float(previous) == 0:
        return float("nan")
    return (float(actual) / float(previous) - 1) * 100


def change_pp(actual, previous) -> float:
    """For rates: the difference in percentage points."""
    if _missing(actual) or _missing(previous):
        return float("nan")
    return float(actual) - float(previous)


def change_value(row) -> float:
    """The change a surface shows for a figure (change_pct for counts, change_pp for rates)."""
    return row["change_pp"] if change_kind(row["aggregation"]) == CHANGE_POINTS else row["change_pct"]


# --------------------------------------------------------------------------- ranks

def competition_ranks(values, direction=1) -> np.ndarray:
    """Competition ranking ('1, 2, 2, 4') along the last axis, best first by direction.

    Equal values (to TIE_DECIMALS) share the better rank; a missing value has no rank (NaN).
    Vectorised for a (draws, units) matrix: sort each row once, mark where a new value starts,
    carry the start position forward, and scatter back to the units' places.
    """
    raw = np.asarray(values, dtype="float64")
    raw = raw if np.all(np.asarray(direction) >= 0) else -raw
    with np.errstate(over="ignore", invalid="ignore"):  # rounding huge values would overflow; they need none
        signed = np.where(np.abs(raw) < 1e15, np.round(raw, TIE_DECIMALS), raw)
    single = signed.ndim == 1
    signed = np.atleast_2d(signed)
    missing = np.isnan(signed)
    keyed = np.where(missing, -np.inf, signed)
    order = np.argsort(-keyed, axis=1)  # the order among equal values does not change their rank
    ordered = np.take_along_axis(keyed, order, axis=1)
    positions = np.broadcast_to(np.arange(signed.shape[1]), signed.shape)
    starts = np.ones(signed.shape, dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    first = np.maximum.accumulate(np.where(starts, positions, 0), axis=1)
    ranks = np.empty(signed.shape, dtype="float64")
    np.put_along_axis(ranks, order, first + 1.0, axis=1)
    ranks[missing] = np.nan
    return ranks[0] if single else ranks


def tied(ranks) -> np.ndarray:
    """True where another unit shares the rank."""
    ranks = np.asarray(ranks, dtype="float64")
    values, counts = np.unique(ranks[~np.isnan(ranks)], return_counts=True)
    shared = set(values[counts > 1].tolist())
    return np.array([r in shared for r in ranks], dtype=bool)


# --------------------------------------------------------------------------- aggregates

def aggregate_arrays(parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Turn the sums of `queries/facts_aggregate.sql` into figures (DESIGN section 4), vectorised.

    One atom: the unit's own figure. Several atoms: counts are summed (an incomplete sum is kept
    but flagged `complete = False`); rates are sum(numerator)/sum(denominator) and missing (and
    not comparable) when any part lacks them; plans of rates have no honest aggregate and stay
    missing. Targets whose territory the period's units do not cover are `comparable = False`.
    """
    def f(name):  # NULL becomes NaN
        return _floats(parts[name])

    n_atoms, n_actual, n_plan = f("n_atoms"), f("n_actual"), f("n_plan")
    n_num, n_den = f("n_num"), f("n_den")
    sum_actual, sum_plan, sum_num, sum_den = f("sum_actual"), f("sum_plan"), f("sum_num"), f("sum_den")
    aggregation = np.asarray(parts["aggregation"], dtype=object)
    single = n_atoms == 1
    is_ratio, is_sum, is_none = aggregation == "ratio", aggregation == "sum", aggregation == "none"
    all_actual, all_plan = n_actual == n_atoms, n_plan == n_atoms
    all_ratio_parts = (n_num == n_atoms) & (n_den == n_atoms)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(sum_den > 0, sum_num / sum_den * 100, np.nan)
    actual = np.where(single, f("one_actual"),
                      np.where(is_sum & (n_actual > 0), sum_actual,
                               np.where(is_ratio & all_ratio_parts, ratio, np.nan)))
    plan = np.where(single, f("one_plan"), np.where(is_sum & all_plan, sum_plan, np.nan))
    # a rate over several units without numerator and denominator has no honest aggregate
    ratio_unbuildable = is_ratio & ~single & ~all_ratio_parts & (n_actual > 0)
    comparable = np.asarray(parts["exact"], dtype=bool) & ~ratio_unbuildable
    none_multi = is_none & ~single  # 'aggregation = none': no aggregate beyond a single unit
    actual = np.where(comparable & ~none_multi, actual, np.nan)
    plan = np.where(comparable & ~none_multi, plan, np.nan)
    keep_parts = comparable & (all_ratio_parts | single)
    return {
        "actual": actual,
        "plan": plan,
        "numerator": np.where(keep_parts & (n_num > 0), sum_num, np.nan),
        "denominator": np.where(keep_parts & (n_den > 0), sum_den, np.nan),
        "comparable": comparable,
        "complete": comparable & ~np.isnan(actual) & (single | (all_actual & ~none_multi)),
    }


def aggregate_parts(parts: pd.DataFrame) -> pd.DataFrame:
    """aggregate_arrays() on a DataFrame of the query's sums; returns it with the figures added."""
    out = parts.copy()
    for name, values in aggregate_arrays({c: out[c].to_numpy() for c in out.columns}).items():
        out[name] = values
    return out


def measures_arrays(actual, plan, direction, complete, previous, is_ratio) -> dict[str, np.ndarray]:
    """achievement_pct, status, change_pct and change_pp (rates only) of figures, vectorised.

    Only complete figures are rated (a partial sum against a whole plan would read as a failure).
    """
    actual, plan, previous = _floats(actual), _floats(plan), _floats(previous)
    rated = np.asarray(complete, dtype=bool) & ~np.isnan(actual) & ~np.isnan(plan)
    achievement = np.where(rated, achievement_array(actual, plan, direction), np.nan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.where(~np.isnan(previous) & (previous != 0), (actual / previous - 1) * 100, np.nan)
    change_points = np.where(np.asarray(is_ratio, dtype=bool), actual - previous, np.nan)
    return {"achievement_pct": achievement, "status": status_array(actual, plan, direction, rated),
            "previous": previous, "change_pct": change, "change_pp": change_points}
