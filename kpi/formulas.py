"""Every rule a director quotes (DESIGN section 4), in one place. Full precision; rounding is for display.

Cards, tables, charts, slides, Word, Excel, the ranking and the command line all call these:

- achievement of plan          `achievement_array` / `achievement_pct`
- status against plan          `status_array` / `status`       ('exceeded', 'met', 'below', '')
- targets as resolutions write them (DESIGN 4.1)  `target_arrays`: plan kinds, ranges, relative targets
- progress within the year     `progress_arrays`: a 3-, 6- or 9-month count against its share of the year
- what a screen calls a figure `verdict_array`                 (the status, or the figure's state)
- change on the same period    `change_kind`, `change_pct`, `change_pp`
- rank with ties               `competition_ranks`, `tied`
- rank change on last year     `rank_changes`
- aggregates over units        `aggregate_arrays`

Status codes are machine output (`python -m kpi facts`); verdicts add the states a screen must
tell apart: a figure that is missing, incomplete, not comparable, context only, without a plan,
without the last-year figure a relative target needs, or a count of a 3-, 6- or 9-month period
measured against its expected share of the whole-year plan (ahead, on or behind schedule).
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

EXCEEDED, MET, BELOW, NO_STATUS = "exceeded", "met", "below", ""
STATUSES = (EXCEEDED, MET, BELOW)

# progress within the year (machine output `progress_status`; also verdicts)
AHEAD, ON_SCHEDULE, BEHIND = "ahead", "on_schedule", "behind"
PROGRESS_STATUSES = (AHEAD, ON_SCHEDULE, BEHIND)
# on schedule: within ±5% of the expected figure (the plan × the expected share of the year)
PROGRESS_BAND_PCT = 5.0

# verdicts: what every surface calls a figure (text key = the verdict, kpi.text.i18n)
NO_PLAN, NO_BASELINE, CONTEXT_ONLY = "no_plan", "no_baseline", "context_only"
MISSING, INCOMPLETE, NOT_COMPARABLE = "missing", "incomplete", "not_comparable"
VERDICTS = (EXCEEDED, MET, AHEAD, ON_SCHEDULE, BEHIND, BELOW, NO_BASELINE, NO_PLAN, CONTEXT_ONLY, INCOMPLETE,
            MISSING, NOT_COMPARABLE)
RATED_VERDICTS = (EXCEEDED, MET, AHEAD, ON_SCHEDULE, BEHIND, BELOW)  # a figure measured against a plan
GOOD_VERDICTS = (EXCEEDED, MET, AHEAD, ON_SCHEDULE)

# plan kinds (DESIGN 4.1); an empty plan_kind is LEVEL
LEVEL, AT_LEAST, AT_MOST, BELOW_STRICT, ABOVE_STRICT, RANGE = "level", "min", "max", "below", "above", "range"
REDUCE_PP, REDUCE_PCT, INCREASE_PCT = "reduce_pp", "reduce_pct", "increase_pct"
PLAN_KINDS = (LEVEL, AT_LEAST, AT_MOST, BELOW_STRICT, ABOVE_STRICT, RANGE, REDUCE_PP, REDUCE_PCT, INCREASE_PCT)
RELATIVE_KINDS = (REDUCE_PP, REDUCE_PCT, INCREASE_PCT)  # measured on the change from the baseline
HIGH_KINDS = (RANGE, *RELATIVE_KINDS)                    # kinds that take a plan_high (an upper value)

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


# --------------------------------------------------------------------------- targets (DESIGN 4.1)

def plan_kinds(plan_kind, shape=None) -> np.ndarray:
    """plan_kind with empty cells read as 'level'."""
    flat = np.asarray(plan_kind, dtype=object).ravel()
    empty = pd.isna(flat)  # None, NaN, pd.NA (which cannot be compared with "")
    empty[~empty] = flat[~empty] == ""
    kinds = np.where(empty, LEVEL, flat).astype(object)  # vectorised: called per figure set
    kinds = kinds.reshape(np.shape(plan_kind))
    return np.broadcast_to(kinds, shape) if shape is not None else kinds


def target_arrays(actual, plan, plan_kind, plan_high, baseline, direction) -> dict[str, np.ndarray]:
    """Achievement (%), status and the level the target implies, for every plan kind (vectorised).

    - level: `achievement_array` / `status_array` by direction (DESIGN 4).
    - min / max ("từ 75% trở lên", "không quá 3%"): met at the bound, exceeded beyond it;
      achievement actual/plan (min) or plan/actual (max), as the maximise / minimise forms.
    - below / above ("dưới 3%", "trên 95%"): strict; the bound itself is not met; met beyond it.
    - range (plan ≤ actual ≤ plan_high): met inside; beyond the favourable end (by direction) is
      exceeded, beyond the other end below; achievement against the end that must be reached.
    - reduce_pp / reduce_pct / increase_pct: the achieved change from `baseline` (the same period one
      year earlier) against the targeted change (plan, or plan..plan_high as a range); achievement is
      achieved / targeted × 100; without a baseline both are missing, never zero.
    `target_level` is the value of the figure itself that meets the target (what a chart draws).
    Figures compare exactly; a computed change to TIE_DECIMALS, so 0,80 − 0,52 meets "giảm 0,28 điểm %".
    """
    a, p, high, base = _floats(actual), _floats(plan), _floats(plan_high), _floats(baseline)
    shape = np.broadcast(a, p, high, base).shape
    a, p, high, base = (np.broadcast_to(x, shape) for x in (a, p, high, base))
    kind = plan_kinds(plan_kind, shape)
    d = np.broadcast_to(np.asarray(direction, dtype="float64"), shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.select([kind == REDUCE_PP, kind == REDUCE_PCT, kind == INCREASE_PCT],
                           [base - a, np.where(base != 0, (base - a) / base * 100, np.nan),
                            np.where(base != 0, (a - base) / base * 100, np.nan)], default=np.nan)
        relative = np.isin(kind, RELATIVE_KINDS)
        # the measured value and its bounds: the figure for absolute kinds, the change for relative ones
        value = np.where(relative, change, a)
        # figures compare exactly (3,34% against 3,34% is met); a computed change to TIE_DECIMALS
        v = np.where(relative, np.round(value, TIE_DECIMALS), value)
        lo = np.where(relative, np.round(p, TIE_DECIMALS), p)
        hi = np.where(np.isnan(high), lo, np.where(relative, np.round(high, TIE_DECIMALS), high))
        ranged = (kind == RANGE) | (relative & ~np.isnan(high))
        # level plans of indicators where lower is better behave as 'max' bounds; higher as 'min'
        lower_better = np.where(kind == LEVEL, d < 0, np.isin(kind, (AT_MOST, BELOW_STRICT)) | ((kind == RANGE) & (d < 0)))
        exceeded = np.select(
            [ranged & ~relative, np.isin(kind, (BELOW_STRICT, ABOVE_STRICT))],
            [np.where(d < 0, v < lo, v > hi), np.zeros(shape, bool)],
            default=np.where(ranged, v > hi, np.where(lower_better & ~relative, v < lo, v > lo)))
        met = np.select(
            [ranged, kind == BELOW_STRICT, kind == ABOVE_STRICT],
            [(v >= lo) & (v <= hi), v < lo, v > lo], default=v == lo)
        valid = ~np.isnan(v) & ~np.isnan(lo)
        rated = valid & ((d != 0) | (kind != LEVEL))  # context-only indicators have an achievement, no status
        status_codes = np.select([~rated, exceeded, met], [NO_STATUS, EXCEEDED, MET], default=BELOW).astype(object)
        # achievement: maximise form against the bound to reach, minimise form for lower-is-better bounds
        bound = np.where(ranged & ~relative & (d < 0), np.where(np.isnan(high), p, high), p)  # full precision
        up = achievement_array(value, bound, 1)
        down = achievement_array(value, bound, -1)
        achievement = np.where(relative, np.where(p != 0, value / p * 100, np.nan),
                               np.where(lower_better, down, up))
        achievement = np.where(valid, achievement, np.nan)
        target_level = np.select(
            [kind == REDUCE_PP, kind == REDUCE_PCT, kind == INCREASE_PCT],
            [base - p, base * (1 - p / 100), base * (1 + p / 100)], default=p)
    return {"achievement_pct": achievement, "status": status_codes, "target_level": target_level,
            "achieved_change": np.where(relative, change, np.nan)}


# --------------------------------------------------------------------------- progress within the year

def expected_share_arrays(months, same_period_last_year, whole_year_last_year) -> dict[str, np.ndarray]:
    """The share of the whole-year figure expected by a cumulative period.

    The unit's own seasonal profile: last year's figure at the same cumulative period over last
    year's whole-year figure; where that is unknown or not a share (≤ 0 or > 1), months / 12.
    `share_basis` says which: 'profile' or 'months'.
    """
    months = _floats(months)
    part, whole = _floats(same_period_last_year), _floats(whole_year_last_year)
    with np.errstate(divide="ignore", invalid="ignore"):
        profile = np.where(whole > 0, part / whole, np.nan)
    usable = (profile > 0) & (profile <= 1)
    return {"expected_share": np.where(usable, profile, months / 12),
            "share_basis": np.where(usable, "profile", "months").astype(object)}


def progress_arrays(actual, plan, plan_kind, direction, expected_share, cumulative_count) -> dict[str, np.ndarray]:
    """Vượt / đúng / chậm tiến độ: a cumulative count against plan × expected share of the year.

    Only for counts (summed over the year) with a level or 'min' whole-year plan, higher is better,
    in a period shorter than the year; elsewhere empty. On schedule within ±PROGRESS_BAND_PCT of the
    expected figure. `progress_pct` is actual / expected × 100.
    """
    a, p, share = _floats(actual), _floats(plan), _floats(expected_share)
    shape = np.broadcast(a, p, share).shape
    kind = plan_kinds(plan_kind, shape)
    d = np.broadcast_to(np.asarray(direction, dtype="float64"), shape)
    applies = (np.broadcast_to(np.asarray(cumulative_count, dtype=bool), shape) & np.isin(kind, (LEVEL, AT_LEAST))
               & (d > 0) & ~np.isnan(a) & (p > 0) & (share > 0))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.where(applies, p * share, np.nan)
        progress = np.where(applies, a / expected * 100, np.nan)
    rounded = np.round(progress, TIE_DECIMALS)
    status_codes = np.select([~applies, rounded > 100 + PROGRESS_BAND_PCT, rounded >= 100 - PROGRESS_BAND_PCT],
                             [NO_STATUS, AHEAD, ON_SCHEDULE], default=BEHIND).astype(object)
    return {"progress_status": status_codes, "expected": expected, "progress_pct": progress}


def rate_path_arrays(actual, plan, plan_kind, direction, months, start, cumulative_rate) -> dict[str, np.ndarray]:
    """Đúng / chậm tiến độ of a rate at 3, 6 or 9 months against its whole-year target: the straight
    path from last year's year-end figure (`start`) to the target, months / 12 of the way.

    For level and bound plans (not relative ones), where the target is not met yet and `start` is
    known; on schedule when the rate is on or beyond the path (by direction), behind otherwise.
    `expected` is the path's value at the period.
    """
    a, p, m, s0 = _floats(actual), _floats(plan), _floats(months), _floats(start)
    shape = np.broadcast(a, p, m, s0).shape
    kind = plan_kinds(plan_kind, shape)
    d = np.broadcast_to(np.asarray(direction, dtype="float64"), shape)
    lower_better = np.where(kind == LEVEL, d < 0, np.isin(kind, (AT_MOST, BELOW_STRICT)))
    applies = (np.broadcast_to(np.asarray(cumulative_rate, dtype=bool), shape)
               & np.isin(kind, (LEVEL, AT_LEAST, AT_MOST, BELOW_STRICT, ABOVE_STRICT))
               & ((d != 0) | (kind != LEVEL)) & ~np.isnan(a) & ~np.isnan(p) & ~np.isnan(s0) & (m < 12))
    expected = np.where(applies, s0 + (p - s0) * m / 12, np.nan)
    on_path = np.where(lower_better, np.round(a - expected, TIE_DECIMALS) <= 0, np.round(a - expected, TIE_DECIMALS) >= 0)
    status_codes = np.select([~applies, on_path], [NO_STATUS, ON_SCHEDULE], default=BEHIND).astype(object)
    return {"progress_status": status_codes, "expected": expected}


# --------------------------------------------------------------------------- verdict

def verdict_array(status_codes, actual, complete, comparable, direction, progress_status=NO_STATUS,
                  needs_baseline=False, has_plan=True) -> np.ndarray:
    """What a screen calls each figure, in this order of precedence: not comparable, missing,
    incomplete, context only, a whole-year plan already met or beaten, progress within the year (a
    3-, 6- or 9-month count: ahead / on / behind schedule, never 'below' while the year runs), the
    status, no baseline (a relative target without last year's figure), else no plan."""
    codes = np.asarray(status_codes, dtype=object)
    actual = _floats(actual)
    shape = codes.shape
    comparable = np.broadcast_to(np.asarray(comparable, dtype=bool), shape)
    complete = np.broadcast_to(np.asarray(complete, dtype=bool), shape)
    direction = np.broadcast_to(np.asarray(direction, dtype="int64"), shape)
    progress = np.broadcast_to(np.asarray(progress_status, dtype=object), shape)
    needs_baseline = np.broadcast_to(np.asarray(needs_baseline, dtype=bool), shape)
    has_plan = np.broadcast_to(np.asarray(has_plan, dtype=bool), shape)
    return np.select(
        [~comparable, np.isnan(actual), ~complete, (direction == 0) & ~np.isin(codes, STATUSES),
         np.isin(codes, GOOD_VERDICTS[:2]), np.isin(progress, PROGRESS_STATUSES), np.isin(codes, STATUSES),
         needs_baseline & has_plan],
        [NOT_COMPARABLE, MISSING, INCOMPLETE, CONTEXT_ONLY, codes, progress, codes, NO_BASELINE],
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


# rank change on the same period last year (So sánh): what the change column says
RANK_UP, RANK_DOWN, RANK_SAME = "up", "down", "same"
RANK_NEW, RANK_NOT_COMPARABLE, RANK_NONE = "new", "not_comparable", ""


def rank_changes(actual, previous, comparable, direction=1) -> dict[str, np.ndarray]:
    """Each unit's rank now and in the same period last year, and how it moved, vectorised.

    Both years are competition ranks (`competition_ranks`: ties share the better rank) among the
    units given. Last year ranks only units whose figure covers the same territory in both years
    (`comparable`, e.g. kpi.figures' change_comparable); a unit whose territory changed (a merger)
    is RANK_NOT_COMPARABLE, never a made-up move. `change` is last year's rank minus this year's
    (+2: two places up). Kinds: RANK_UP / RANK_DOWN / RANK_SAME; RANK_NEW when it has a rank now
    but had no figure last year; RANK_NONE without a rank now.
    """
    actual, previous = _floats(actual), _floats(previous)
    comparable = np.asarray(comparable, dtype=bool)
    rank = competition_ranks(actual, direction)
    previous_rank = competition_ranks(np.where(comparable, previous, np.nan), direction)
    change = previous_rank - rank
    ranked_now = ~np.isnan(rank)
    kind = np.select(
        [~ranked_now, ~comparable, np.isnan(previous_rank), change > 0, change < 0],
        [RANK_NONE, RANK_NOT_COMPARABLE, RANK_NEW, RANK_UP, RANK_DOWN], RANK_SAME).astype(object)
    return {"rank": rank, "previous_rank": previous_rank, "change": np.where(ranked_now, change, np.nan),
            "kind": kind}


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
    # over several units only level plans of counts add up (DESIGN 4.1); a unit keeps its own kind
    all_level = f("n_plan_level") == n_atoms if "n_plan_level" in parts else all_plan
    plan = np.where(single, f("one_plan"), np.where(is_sum & all_plan & all_level, sum_plan, np.nan))
    one_kind = parts["one_plan_kind"] if "one_plan_kind" in parts else np.full(plan.shape, None, dtype=object)
    plan_kind = np.where(single, plan_kinds(one_kind), LEVEL).astype(object)
    plan_high = np.where(single, f("one_plan_high"), np.nan) if "one_plan_high" in parts else np.full(plan.shape, np.nan)
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
        "plan_kind": np.where(np.isnan(plan), None, plan_kind).astype(object),
        "plan_high": np.where(np.isnan(plan), np.nan, plan_high),
        "numerator": np.where(keep_parts & (n_num > 0), sum_num, np.nan),
        "denominator": np.where(keep_parts & (n_den > 0), sum_den, np.nan),
        "comparable": comparable,
        "complete": comparable & ~np.isnan(actual) & (single | (all_actual & ~none_multi)),
    }


def sum_of_units(actual, numerator, denominator, aggregation: str) -> dict[str, float]:
    """One figure from the own figures of several units (a province's communes), by the rule of
    `aggregate_arrays`, over the units that report: counts summed, rates sum(numerator) /
    sum(denominator) × 100 (missing when a reporting unit lacks its parts), no sum for
    'aggregation = none'. `n_reported`: units with a figure."""
    actual, numerator, denominator = _floats(actual), _floats(numerator), _floats(denominator)
    has = ~np.isnan(actual)
    n = float(has.sum())
    parts = {
        "n_atoms": [n], "n_actual": [n], "n_plan": [0.0], "n_num": [float((~np.isnan(numerator[has])).sum())],
        "n_den": [float((~np.isnan(denominator[has])).sum())], "n_plan_level": [0.0],
        "sum_actual": [actual[has].sum() if n else np.nan], "sum_plan": [np.nan],
        "sum_num": [np.nansum(numerator[has]) if n else np.nan], "sum_den": [np.nansum(denominator[has]) if n else np.nan],
        "one_actual": [actual[has][0] if n == 1 else np.nan], "one_plan": [np.nan], "one_plan_kind": [None],
        "one_plan_high": [np.nan], "aggregation": [aggregation], "exact": [n > 0],
    }
    figures = aggregate_arrays(parts)
    return {"actual": float(figures["actual"][0]), "numerator": float(figures["numerator"][0]),
            "denominator": float(figures["denominator"][0]), "n_reported": int(n)}


def aggregate_parts(parts: pd.DataFrame) -> pd.DataFrame:
    """aggregate_arrays() on a DataFrame of the query's sums; returns it with the figures added."""
    out = parts.copy()
    for name, values in aggregate_arrays({c: out[c].to_numpy() for c in out.columns}).items():
        out[name] = values
    return out


def measures_arrays(actual, plan, direction, complete, previous, is_ratio, plan_kind=LEVEL,
                    plan_high=np.nan) -> dict[str, np.ndarray]:
    """achievement_pct, status (target_arrays), baseline, change_pct and change_pp (rates only), vectorised.

    Only complete figures are rated (a partial sum against a whole plan would read as a failure).
    The baseline of a relative target is the same period one year earlier (`previous`).
    """
    actual, plan, previous = _floats(actual), _floats(plan), _floats(previous)
    rated = np.asarray(complete, dtype=bool) & ~np.isnan(actual) & ~np.isnan(plan)
    kinds = plan_kinds(plan_kind, actual.shape)
    relative = np.isin(kinds, RELATIVE_KINDS)
    target = target_arrays(actual, plan, kinds, plan_high, np.where(relative, previous, np.nan), direction)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        change = np.where(~np.isnan(previous) & (previous != 0), (actual / previous - 1) * 100, np.nan)
    change_points = np.where(np.asarray(is_ratio, dtype=bool), actual - previous, np.nan)
    return {"achievement_pct": np.where(rated, target["achievement_pct"], np.nan),
            "status": np.where(rated, target["status"], NO_STATUS).astype(object),
            "target_level": np.where(~np.isnan(plan), target["target_level"], np.nan),
            "baseline": np.where(relative, previous, np.nan),
            "previous": previous, "change_pct": change, "change_pp": change_points}
