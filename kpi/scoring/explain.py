"""Every point explained: per unit and criterion the inputs, the formula and the points (DESIGN 5),
written so that a calculator recomputes every printed result from the printed numbers.

The points themselves are computed on the full-precision figures (kpi.scoring.methods; DESIGN 4:
rounding only for display). A figure printed with its catalogue decimals would not reproduce them:
an unemployment rate of 1,5612% against a plan of 1,2449% printed as "1,56 / 1,24 × 100 = 125,4%"
gives 125,8% on a calculator. So each printed input gets as many decimals as it takes (at least
the catalogue's) for the printed formula to give the printed result to its last digit, step by
step: the inputs give the printed achievement, the printed achievement gives the printed points.
Numbers a committee wrote in the scorecard (points, cap, goalposts) are printed exactly.
"""
from __future__ import annotations

import decimal
import math
from decimal import Decimal

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.scoring.scorecard import GOALPOSTS, LEADER, PLAN_RATIO, RANK, Criterion
from kpi.text import fmt
from kpi.text.figure_text import achievement_text, plan_text, rank_text
from kpi.text.i18n import t

POINTS_DECIMALS = 2       # points are printed with 2 decimals
ACHIEVEMENT_DECIMALS = 1  # and achievement of plan with at least 1
MORE_DECIMALS = 15        # at most this many decimals beyond the catalogue's (a float has ~17 digits)
SHOWN_LIMIT = 1e15        # beyond this a figure is printed as it is (no decimals to add)
# a recomputed result within its rounding interval, a tie included (1,175 printed 1,18), and floating-
# point noise of the points themselves (a billionth of the last printed digit)
_MARGIN = Decimal("1e-9")
_DECIMAL_SYMBOL = {"vi": ",", "en": "."}


def _context() -> decimal.Context:
    return decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)


def _exact(value: float) -> Decimal:
    """The decimal a float prints as (what fmt.number rounds, through Babel)."""
    return Decimal(str(float(value)))


def _rounded(value: float, decimals: int) -> Decimal:
    """The value as printed with `decimals` decimals (half to even, as fmt.number)."""
    return _exact(value).quantize(Decimal(1).scaleb(-decimals), context=_context())


def _printable(value: float) -> bool:
    return math.isfinite(value) and abs(value) < SHOWN_LIMIT


def fits(recomputed: Decimal, shown: Decimal, decimals: int) -> bool:
    """True when `recomputed` rounds to `shown` at `decimals` decimals (either way at a tie)."""
    half = Decimal(5).scaleb(-decimals - 1)
    return abs(recomputed - shown) <= half * (1 + _MARGIN)


def extra_decimals(values: list[float], bases: list[int], recompute, shown: Decimal, decimals: int) -> int:
    """The fewest decimals k to add to every value's base decimals so that `recompute` on the values
    printed that way gives `shown` (printed with `decimals` decimals); more digits change nothing once
    every value is printed exactly."""
    if not all(_printable(v) for v in values):
        return 0
    # up to the decimals that print every value exactly (a float has ~17 significant digits, so a
    # small plan such as 0,0006189191196494442 needs 19 decimals), at least MORE_DECIMALS, at most 30
    exact = max(max(0, -_exact(v).as_tuple().exponent - b) for v, b in zip(values, bases)) if values else 0
    most = min(max(MORE_DECIMALS, exact), 30)
    for k in range(most + 1):
        printed = [_rounded(v, b + k) for v, b in zip(values, bases)]
        try:
            value = recompute(printed)
        except (decimal.InvalidOperation, decimal.DivisionByZero, ZeroDivisionError):
            value = None  # printed as 0 where the figure is not: more digits
        if value is not None and fits(value, shown, decimals):
            return k
        if all(p == _exact(v) for p, v in zip(printed, values)):
            return k  # printed exactly: nothing more to show
    return most


def number_text(value: float, decimals: int, base: int, lang: str) -> str:
    """fmt.number with `decimals` decimals, trailing zeros beyond `base` decimals dropped."""
    text = fmt.number(value, decimals, lang)
    mark = _DECIMAL_SYMBOL.get(lang, ",")
    if decimals > base and mark in text:
        whole, frac = text.rsplit(mark, 1)
        frac = frac.rstrip("0").ljust(base, "0")
        text = whole + (mark + frac if frac else "")
    return text


def exact_text(value, base: int, lang: str) -> str:
    """A number a committee wrote (points, cap, goalpost) as written, with at least `base` decimals."""
    if value is None or not _printable(float(value)):
        return fmt.number(value, base, lang)
    decimals = max(base, -_exact(value).as_tuple().exponent)
    return fmt.number(float(value), decimals, lang)


def _figure(text: str, uom: str, lang: str = "vi") -> str:
    """A printed number with its unit of measure in the language: '96,797%', '18.382 người',
    '18,382 people' (as fmt.figure)."""
    if text in (fmt.MISSING, fmt.UNREADABLE):
        return text
    return f"{text}%" if uom == "%" else f"{text} {fmt.unit_of_measure(uom, lang)}"


def _clip(value: Decimal, top: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), top)


def _plan_ratio(c: Criterion, a: float, p: float, higher: bool, achievement: float, pts: float, dec: int):
    """Decimals of the inputs and of the achievement: (input decimals, achievement decimals)."""
    if not (_printable(achievement) or math.isinf(achievement)) or not _printable(c.cap_pct):
        return dec, ACHIEVEMENT_DECIMALS
    ctx = _context()
    cap, top = _exact(c.cap_pct), _exact(c.points)
    shown_points = _rounded(pts, POINTS_DECIMALS)
    e = ACHIEVEMENT_DECIMALS
    if not math.isinf(achievement):
        e += extra_decimals([achievement], [ACHIEVEMENT_DECIMALS],
                            lambda v: _clip(ctx.multiply(ctx.divide(min(v[0], cap), cap), top), top),
                            shown_points, POINTS_DECIMALS)

    def ratio(v):
        num, den = (v[0], v[1]) if higher else (v[1], v[0])
        return None if den == 0 else ctx.multiply(ctx.divide(num, den), 100)
    k = 0 if math.isinf(achievement) else extra_decimals([a, p], [dec, dec], ratio, _rounded(achievement, e), e)
    return dec + k, e


def _goalposts(c: Criterion, a: float, pts: float, dec: int) -> int:
    ctx = _context()
    if c.worst is None or c.best is None or not (_printable(c.worst) and _printable(c.best)) or c.worst == c.best:
        return dec
    worst, best, top = _exact(c.worst), _exact(c.best), _exact(c.points)
    recompute = (lambda v: ctx.multiply(_clip(ctx.divide(v[0] - worst, best - worst), Decimal(1)), top))
    return dec + extra_decimals([a], [dec], recompute, _rounded(pts, POINTS_DECIMALS), POINTS_DECIMALS)


def _leader(c: Criterion, a: float, best: float, higher: bool, pts: float, dec: int) -> int:
    if np.isnan(best):
        return dec
    ctx = _context()
    top = _exact(c.points)

    def recompute(v):
        actual, lead = v
        if higher:
            share = _clip(ctx.divide(actual, lead), Decimal(1)) if lead > 0 else Decimal(int(actual >= lead))
        else:
            share = _clip(ctx.divide(lead, actual), Decimal(1)) if actual > 0 else Decimal(1)
        return ctx.multiply(share, top)
    return dec + extra_decimals([a, best], [dec, dec], recompute, _rounded(pts, POINTS_DECIMALS), POINTS_DECIMALS)


def explanations(c: Criterion, actual, plan, direction, pts, part: pd.DataFrame,
                 lang: str = "vi") -> list[tuple[str, str]]:
    """(inputs, formula) of each unit on one criterion, numbers formatted for `lang`."""
    top = exact_text(c.points, POINTS_DECIMALS, lang)
    present = ~np.isnan(actual)
    n = int(present.sum())
    achievement = formulas.achievement_array(actual, plan, direction)
    ranks = formulas.competition_ranks(actual, direction) if c.method == RANK else None
    shared = formulas.tied(ranks) if ranks is not None else None
    # the bloc leader's place when higher and when lower is better (None without any figure)
    leaders = (int(np.nanargmax(actual)), int(np.nanargmin(actual))) if n and c.method == LEADER else (None, None)
    out = []
    for i in range(len(actual)):
        higher = direction[i] > 0
        dec, uom = int(part["decimals"].iloc[i]), part["uom"].iloc[i]
        scored = present[i] and not np.isnan(pts[i])
        points = fmt.number(pts[i], POINTS_DECIMALS, lang)
        if c.method == PLAN_RATIO:
            shown, e = (_plan_ratio(c, actual[i], plan[i], higher, achievement[i], pts[i], dec) if scored
                        else (dec, ACHIEVEMENT_DECIMALS))
            a, p = number_text(actual[i], shown, dec, lang), number_text(plan[i], shown, dec, lang)
            ach = (achievement_text(achievement[i], lang) if math.isinf(achievement[i]) else
                   number_text(achievement[i], e, ACHIEVEMENT_DECIMALS, lang) + "%")
            cap = exact_text(c.cap_pct, 1, lang) + "%"
            inputs = t("score_in_actual", lang, value=_figure(a, uom, lang)) + t("score_in_plan", lang,
                                                                            value=_figure(p, uom, lang))
            kind_of = formulas.plan_kinds([part["plan_kind"].iloc[i]])[0] if "plan_kind" in part else formulas.LEVEL
            if kind_of != formulas.LEVEL:  # the target as written; a change target measures the change
                target = plan_text(plan[i], kind_of, part["plan_high"].iloc[i], uom, dec, lang, with_unit=True)
                if kind_of in formulas.RELATIVE_KINDS:
                    unit = t("points", lang) if kind_of == formulas.REDUCE_PP else "%"
                    inputs = t("score_in_change", lang, figure=fmt.figure(part["figure"].iloc[i], uom, dec, lang),
                               baseline=fmt.figure(part["baseline"].iloc[i], uom, dec, lang), change=a, unit=unit)
                else:
                    inputs = t("score_in_actual", lang, value=_figure(a, uom, lang))
                inputs += t("score_in_target", lang, target=target)
            kind = t("score_f_ratio_up" if higher else "score_f_ratio_down", lang)
            formula = t("score_f_plan_ratio", lang, kind=kind, ratio=f"{a} / {p}" if higher else f"{p} / {a}",
                        cap=cap, achievement=ach, max=top, points=points)
        elif c.method == GOALPOSTS:
            shown = _goalposts(c, actual[i], pts[i], dec) if scored else dec
            a = number_text(actual[i], shown, dec, lang)
            worst, best = exact_text(c.worst, dec, lang), exact_text(c.best, dec, lang)
            inputs = t("score_in_actual", lang, value=_figure(a, uom, lang)) + t(
                "score_in_goalposts", lang, worst=_figure(worst, uom, lang), best=_figure(best, uom, lang))
            formula = t("score_f_goalposts", lang, max=top, actual=a, worst=worst, best=best, points=points)
        elif c.method == LEADER:
            lead = leaders[0 if higher else 1]
            best_value = actual[lead] if lead is not None else np.nan
            shown = _leader(c, actual[i], best_value, higher, pts[i], dec) if scored else dec
            a, best = number_text(actual[i], shown, dec, lang), number_text(best_value, shown, dec, lang)
            inputs = t("score_in_actual", lang, value=_figure(a, uom, lang)) + t(
                "score_in_leader", lang, name=part["name"].iloc[lead] if lead is not None else "",
                value=_figure(best, uom, lang))
            formula = t("score_f_leader_up" if higher else "score_f_leader_down", lang, max=top, actual=a,
                        best=best, points=points)
        else:
            inputs = t("score_in_actual", lang, value=fmt.figure(actual[i], uom, dec, lang))
            if present[i]:
                inputs += t("score_in_rank", lang, rank=rank_text(ranks[i], bool(shared[i]), n, lang))
            formula = (t("score_f_rank", lang, max=top, n=n, rank=rank_text(ranks[i], lang=lang), points=points)
                       if n > 1 else t("score_f_rank_alone", lang, max=top))
        out.append((inputs if present[i] else t("score_in_no_actual", lang), formula))
    return out
