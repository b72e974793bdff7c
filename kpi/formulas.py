"""The numbers a director will quote (DESIGN section 4). Full precision; rounding is for display.

Status codes (machine output): 'exceeded' (vượt), 'met' (đạt), 'below' (chưa đạt), '' (no plan
or a context-only indicator).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

EXCEEDED, MET, BELOW, NO_STATUS = "exceeded", "met", "below", ""


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def achievement_pct(actual, plan, direction: int) -> float:
    """Tỷ lệ đạt kế hoạch: actual/plan×100 (higher is better), plan/actual×100 (lower is better).

    For a cumulative period the plan is the whole-year plan, so this is progress against it.
    NaN when either figure is missing or the division is undefined.
    """
    if _missing(actual) or _missing(plan):
        return float("nan")
    actual, plan = float(actual), float(plan)
    if direction < 0:
        return plan / actual * 100 if actual != 0 else float("nan")
    return actual / plan * 100 if plan != 0 else float("nan")


def status(actual, plan, direction: int) -> str:
    """vượt / đạt / chưa đạt against the plan, by the indicator's direction (exact comparison)."""
    if direction == 0 or _missing(actual) or _missing(plan):
        return NO_STATUS
    actual, plan = float(actual), float(plan)
    if actual == plan:
        return MET
    better = actual > plan if direction > 0 else actual < plan
    return EXCEEDED if better else BELOW


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


def aggregate_arrays(parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Turn the sums of `queries/facts_aggregate.sql` into figures (DESIGN section 4), vectorised.

    One atom: the unit's own figure. Several atoms: counts are summed (an incomplete sum is kept
    but flagged `complete = False`); rates are sum(numerator)/sum(denominator) and missing (and
    not comparable) when any part lacks them; plans of rates have no honest aggregate and stay
    missing. Targets whose territory the period's units do not cover are `comparable = False`.
    """
    f = lambda name: np.asarray(parts[name], dtype="float64")  # noqa: E731 - NULL becomes NaN
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


def measures_arrays(actual: np.ndarray, plan: np.ndarray, direction: np.ndarray, complete: np.ndarray,
                    previous: np.ndarray, is_ratio: np.ndarray) -> dict[str, np.ndarray]:
    """achievement_pct, status, change_pct and change_pp (rates only), vectorised; the same rules as
    the scalar functions above (tests/test_formulas.py checks that they agree)."""
    actual, plan, previous = (np.asarray(a, dtype="float64") for a in (actual, plan, previous))
    direction = np.asarray(direction, dtype="int64")
    rated = np.asarray(complete, dtype=bool) & ~np.isnan(actual) & ~np.isnan(plan)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        up = np.where(plan != 0, actual / plan * 100, np.nan)
        down = np.where(actual != 0, plan / actual * 100, np.nan)
        achievement = np.where(rated, np.where(direction < 0, down, up), np.nan)
        change = np.where(~np.isnan(previous) & (previous != 0), (actual / previous - 1) * 100, np.nan)
    better = np.where(direction > 0, actual > plan, actual < plan)
    status_codes = np.select(
        [~rated | (direction == 0), actual == plan, better],
        [NO_STATUS, MET, EXCEEDED], default=BELOW).astype(object)
    change_points = np.where(np.asarray(is_ratio, dtype=bool), actual - previous, np.nan)
    return {"achievement_pct": achievement, "status": status_codes, "previous": previous,
            "change_pct": change, "change_pp": change_points}


def add_measures(frame: pd.DataFrame, previous: pd.Series | None = None) -> pd.DataFrame:
    """Add achievement_pct, status, change_pct and change_pp to figures (`frame` needs actual, plan,
    direction, aggregation, complete; `previous` is last year's complete actual on the same index)."""
    out = frame.copy()
    prev = np.full(len(out), np.nan) if previous is None else previous.to_numpy(dtype="float64")
    measures = measures_arrays(out["actual"].to_numpy(), out["plan"].to_numpy(), out["direction"].to_numpy(),
                               out["complete"].to_numpy(), prev, (out["aggregation"] == "ratio").to_numpy())
    for name, values in measures.items():
        out[name] = values
    return out
