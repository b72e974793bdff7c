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


def aggregate_parts(parts: pd.DataFrame) -> pd.DataFrame:
    """Turn the sums of `queries/facts_aggregate.sql` into figures (DESIGN section 4).

    One atom: the unit's own figure. Several atoms: counts are summed (an incomplete sum is kept
    but flagged `complete = False`); rates are sum(numerator)/sum(denominator) and missing when
    any part lacks them; plans of rates have no honest aggregate and stay missing.
    Targets whose territory the period's units do not cover are `comparable = False`.
    """
    out = parts.copy()
    single = out["n_atoms"] == 1
    is_ratio = out["aggregation"] == "ratio"
    is_sum = out["aggregation"] == "sum"
    all_actual = out["n_actual"] == out["n_atoms"]
    all_plan = out["n_plan"] == out["n_atoms"]
    all_ratio_parts = (out["n_num"] == out["n_atoms"]) & (out["n_den"] == out["n_atoms"])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = out["sum_num"].astype(float) / out["sum_den"].astype(float) * 100
    ratio = ratio.where(out["sum_den"].astype(float) > 0)

    actual = np.where(single, out["one_actual"],
                      np.where(is_sum & (out["n_actual"] > 0), out["sum_actual"],
                               np.where(is_ratio & all_ratio_parts, ratio, np.nan)))
    plan = np.where(single, out["one_plan"], np.where(is_sum & all_plan, out["sum_plan"], np.nan))
    numerator = np.where(all_ratio_parts | single, out["sum_num"], np.nan)
    denominator = np.where(all_ratio_parts | single, out["sum_den"], np.nan)
    # a rate over several units without numerator and denominator has no honest aggregate
    ratio_unbuildable = is_ratio & ~single & ~all_ratio_parts & (out["n_actual"] > 0)
    comparable = out["exact"].astype(bool) & ~ratio_unbuildable
    out["actual"] = pd.Series(actual, index=out.index, dtype="float64").where(comparable)
    out["plan"] = pd.Series(plan, index=out.index, dtype="float64").where(comparable)
    out["numerator"] = pd.Series(numerator, index=out.index, dtype="float64").where(comparable & (out["n_num"] > 0))
    out["denominator"] = pd.Series(denominator, index=out.index, dtype="float64").where(comparable & (out["n_den"] > 0))
    out["comparable"] = comparable
    # 'aggregation = none' indicators have no aggregate beyond a single unit
    none_multi = (out["aggregation"] == "none") & ~single
    out.loc[none_multi, ["actual", "plan"]] = np.nan
    out["complete"] = comparable & out["actual"].notna() & (single | (all_actual & ~none_multi))
    return out


def add_measures(frame: pd.DataFrame, previous: pd.Series | None = None) -> pd.DataFrame:
    """Add achievement_pct, status, change_pct and change_pp (rates only) to figures.

    `frame` needs actual, plan, direction, aggregation; `previous` is the same period last
    year's actual aligned on the index (only complete figures are compared).
    """
    out = frame.copy()
    out["achievement_pct"] = [achievement_pct(a, p, d) if c else float("nan")
                              for a, p, d, c in zip(out["actual"], out["plan"], out["direction"], out["complete"])]
    out["status"] = [status(a, p, d) if c else NO_STATUS
                     for a, p, d, c in zip(out["actual"], out["plan"], out["direction"], out["complete"])]
    if previous is None:
        previous = pd.Series(np.nan, index=out.index)
    out["previous"] = previous
    out["change_pct"] = [change_pct(a, b) for a, b in zip(out["actual"], previous)]
    out["change_pp"] = [change_pp(a, b) if agg == "ratio" else float("nan")
                        for a, b, agg in zip(out["actual"], previous, out["aggregation"])]
    return out
