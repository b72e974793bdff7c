"""The four scoring methods: each turns a bloc's figures into a fraction in [0, 1] of a criterion's
maximum points, always respecting the indicator's direction (NaN = missing, never 0).

    plan_ratio  achievement of plan (kpi.formulas.achievement_array), capped: min(achievement, cap) / cap
    goalposts   linear between a worst and a best value
    leader      relative to the bloc's best figure
    rank        by the unit's place in the bloc (kpi.formulas.competition_ranks)
"""
from __future__ import annotations

import numpy as np

from kpi import formulas
from kpi.scoring.scorecard import GOALPOSTS, LEADER, PLAN_RATIO, RANK, Criterion
from kpi.text.i18n import t


def method_name(method: str, lang: str = "vi") -> str:
    """'Tỷ lệ đạt kế hoạch (có mức trần)', 'Achievement of plan (capped)'..."""
    return t(f"score_method_{method}", lang)


def plan_ratio(a: np.ndarray, p: np.ndarray, d: np.ndarray, criterion: Criterion) -> np.ndarray:
    """An unbounded achievement (a 0% rate of a lower-is-better indicator) earns full points."""
    achievement = formulas.achievement_array(a, p, d)
    out = np.clip(np.minimum(achievement, criterion.cap_pct) / criterion.cap_pct, 0.0, 1.0)
    out[np.isnan(achievement)] = np.nan
    return out


def goalposts(a: np.ndarray, p: np.ndarray, d: np.ndarray, criterion: Criterion) -> np.ndarray:
    """Without goalposts in the criterion, the bloc's worst and best figures (the sensitivity analysis)."""
    worst, best = criterion.worst, criterion.best
    present = ~np.isnan(a)
    if worst is None or best is None:
        if not present.any():
            return np.full(a.shape, np.nan)
        lo, hi = np.nanmin(a), np.nanmax(a)
        worst, best = (lo, hi) if d[present][0] > 0 else (hi, lo)
    if worst == best:
        return np.where((a >= best) == (d > 0), 1.0, 0.0)
    # scaled first, so that goalposts and figures near the largest floats never overflow
    scale = max(abs(worst), abs(best))
    lo, hi = min(worst, best), max(worst, best)
    a, worst, best = np.clip(a, lo, hi) / scale, worst / scale, best / scale
    return np.clip((a - worst) / (best - worst), 0.0, 1.0)


def leader(a: np.ndarray, p: np.ndarray, d: np.ndarray, criterion: Criterion) -> np.ndarray:
    """actual / best when higher is better, best / actual when lower is better."""
    if np.isnan(a).all():
        return np.full(a.shape, np.nan)
    up, down = np.nanmax(a), np.nanmin(a)
    frac_up = np.where(up > 0, np.clip(a / up, 0.0, 1.0), np.where(a >= up, 1.0, 0.0))
    frac_down = np.where(a > 0, np.clip(down / a, 0.0, 1.0), 1.0)
    return np.where(d > 0, frac_up, frac_down)


def rank(a: np.ndarray, p: np.ndarray, d: np.ndarray, criterion: Criterion) -> np.ndarray:
    """(units with a figure − rank) / (units with a figure − 1); ties share the better rank."""
    ranks = formulas.competition_ranks(a, d)
    n = int((~np.isnan(a)).sum())
    return (n - ranks) / (n - 1) if n > 1 else np.ones(a.shape)


_METHODS = {PLAN_RATIO: plan_ratio, GOALPOSTS: goalposts, LEADER: leader, RANK: rank}


def method_fraction(method: str, actual, plan, direction, criterion: Criterion) -> np.ndarray:
    """Share of the criterion's maximum earned by each unit of the bloc, in [0, 1]; NaN = missing."""
    a = np.asarray(actual, dtype=float)
    p = np.asarray(plan, dtype=float)
    d = np.broadcast_to(np.asarray(direction, dtype=float), a.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        out = np.array(_METHODS[method](a, p, d, criterion), dtype=float)
    out[np.isnan(a)] = np.nan
    return out
