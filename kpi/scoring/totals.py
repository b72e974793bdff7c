"""Points, totals, ranks, ties and award tiers, every point explained (inputs and formula, per language).

A missing figure gives no points and is flagged; the unit's total is then incomplete and no award
tier is proposed for it. Totals are ranked by kpi.formulas.competition_ranks (equal to
TIE_DECIMALS: ties share the better rank, and are reported as ties). A unit missing a figure is
never ranked above a complete unit; the scorecard states how it is listed ([scorecard] incomplete):
`"apart"` (the default) lists it apart with no rank (rank NaN, after every ranked unit, by name);
`"after"` ranks the complete units first, then the incomplete ones after the last of them, by their
partial totals (ranks_complete_first, also used by every draw of the sensitivity analysis).
Points, bonus and penalty are checked again before anything is added up (check_points): a
non-finite or out-of-range number is refused with a ScorecardError naming the item.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.memo import shared
from kpi.scoring.explain import explanations
from kpi.scoring.inputs import criterion_arrays
from kpi.scoring.methods import method_fraction
from kpi.scoring.scorecard import INCOMPLETE_APART, Criterion, Scorecard, check_points
from kpi.text.figure_text import rank_text
from kpi.text.i18n import t

NO_TIER = ""
NOT_SCORED = "not_scored"  # a figure present but no points computable (text key score_missing_not_scored)


@dataclass
class ScoreResult:
    scorecard: Scorecard
    ranking: pd.DataFrame      # one row per unit, best first
    breakdown: pd.DataFrame    # one row per (unit, criterion): inputs, formula, points
    adjustments: pd.DataFrame  # bonus and penalty items with their reasons


@shared(maxsize=64)  # per scorecard version, snapshot (and language): shared by runs and sessions
def score(card: Scorecard, inputs: pd.DataFrame, lang: str = "vi") -> ScoreResult:
    """Points of every unit on every criterion, totals, ranks, ties and tiers, all explained in `lang`.

    `card` has its units spelled as keys (kpi.scoring.inputs.resolved); `inputs` comes from build_inputs.
    """
    check_points(card)
    units = list(card.units)
    rows = []
    points = {}
    for c in card.criteria:
        actual, plan, direction, part = criterion_arrays(card, inputs, c)
        pts = method_fraction(c.method, actual, plan, direction, c) * c.points
        points[c.id] = pts
        achievement = formulas.achievement_array(actual, plan, direction)
        explain = explanations(c, actual, plan, direction, pts, part, lang)
        for i, unit in enumerate(units):
            code = part["missing"].iloc[i] or ("" if not np.isnan(pts[i]) else NOT_SCORED)
            missing = t(f"score_missing_{code}", lang) if code else ""
            rows.append({
                "unit": unit, "name": part["name"].iloc[i], "criterion": c.id, "label": criterion_label(c, lang),
                "indicator": part["indicator"].iloc[i], "method": c.method, "direction": int(direction[i]),
                "actual": actual[i], "plan": plan[i], "achievement_pct": achievement[i],
                "inputs": explain[i][0],
                "formula": t("score_f_not_scored", lang, reason=missing) if missing else explain[i][1],
                "points": pts[i], "max_points": c.points, "missing": missing,
            })
    breakdown = pd.DataFrame(rows)
    matrix = np.column_stack([points[c.id] for c in card.criteria])
    criteria_points = np.nansum(matrix, axis=1)
    complete = ~np.isnan(matrix).any(axis=1)
    bonus, penalty, adjustments = adjustment_totals(card, lang)
    total = criteria_points + bonus + penalty  # finite: points and items are checked (kpi.scoring.scorecard)
    ranks = ranks_complete_first(total, complete)  # a total is never missing
    ranks = np.where(complete, ranks, np.nan) if listed_apart(card) and not complete.all() else ranks.astype(int)
    labels = {c.id: c for c in card.criteria}
    ranking = pd.DataFrame({
        "rank": ranks, "tied": formulas.tied(ranks), "unit": units,
        "name": [inputs.loc[inputs["unit"] == u, "name"].iloc[0] for u in units],
        "total": total, "criteria_points": criteria_points, "bonus": bonus, "penalty": penalty,
        "complete": complete,
        "missing": ["; ".join(f"{cid} ({criterion_label(labels[cid], lang)})" for cid, m in zip(points, row) if np.isnan(m))
                    for row in matrix],
        "tier": [tier_of(card, v) if ok else NO_TIER for v, ok in zip(total, complete)],
    })
    for c in card.criteria:
        ranking[c.id] = points[c.id]
    ranking = ranking.sort_values(["rank", "name", "unit"], kind="stable").reset_index(drop=True)
    return ScoreResult(card, ranking, breakdown, adjustments)


def ranks_complete_first(totals, complete) -> np.ndarray:
    """Competition ranks (kpi.formulas.competition_ranks, ties shared) of the complete units'
    totals, then of the incomplete units' totals counted on from the last complete unit: 1, 2, 2,
    4 complete, then 5, 6 incomplete. Vectorised along the last axis (draws × units)."""
    totals = np.asarray(totals, dtype=float)
    complete = np.broadcast_to(np.asarray(complete, dtype=bool), totals.shape)
    first = formulas.competition_ranks(np.where(complete, totals, np.nan))
    after = formulas.competition_ranks(np.where(complete, np.nan, totals)) + complete.sum(axis=-1, keepdims=True)
    return np.where(complete, first, after)


def listed_apart(card: Scorecard) -> bool:
    """Units missing a figure get no rank: listed apart, after every ranked unit."""
    return card.incomplete == INCOMPLETE_APART


def adjustment_totals(card: Scorecard, lang: str = "vi") -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Per unit: bonus (capped at max_bonus) and penalty points, and the items with reasons."""
    units = list(card.units)
    bonus = np.zeros(len(units))
    penalty = np.zeros(len(units))
    for a in card.adjustments:
        i = units.index(a.unit)
        if a.points >= 0:
            bonus[i] += a.points
        else:
            penalty[i] += a.points
    if card.max_bonus is not None:
        bonus = np.minimum(bonus, card.max_bonus)
    items = pd.DataFrame([{"unit": a.unit, "points": a.points, "reason": a.reason_in(lang),
                           "kind": t("score_bonus" if a.points >= 0 else "score_penalty", lang)}
                          for a in card.adjustments], columns=["unit", "points", "reason", "kind"])
    return bonus, penalty, items


def rank_label(rank, tied: bool, complete: bool, lang: str = "vi") -> str:
    """'3', '3 (đồng hạng)'; a unit missing a figure '7 (xếp sau: thiếu số liệu)', or with no rank
    'Không xếp hạng (thiếu số liệu)' when listed apart (page, workbook, decision documents)."""
    if rank is None or rank != rank:
        return t("score_rank_apart", lang)
    text = rank_text(rank, bool(tied), lang=lang)
    return text if complete else t("score_rank_after", lang, rank=text)


def incomplete_rule(card: Scorecard, lang: str = "vi") -> str:
    """The scorecard's rule for units missing a figure, in words (page, workbook, command line)."""
    return t(f"score_incomplete_rule_{card.incomplete}", lang)


def tier_of(card: Scorecard, total: float) -> str:
    for tier in card.tiers:  # highest threshold first
        if round(total, formulas.TIE_DECIMALS) >= tier.min_points:
            return tier.name
    return NO_TIER


def criterion_label(c: Criterion, lang: str = "vi") -> str:
    """The criterion's label in the language (label_en in English), else its indicator or id."""
    return c.label_in(lang) or (c.indicator or c.id)


def rank_changes(base: ScoreResult, other: ScoreResult) -> pd.DataFrame:
    """What would change: each unit's rank and total under the base and the other scorecard."""
    a = base.ranking.set_index("unit")[["name", "rank", "total", "tier"]]
    b = other.ranking.set_index("unit")[["rank", "total", "tier"]]
    out = a.join(b, rsuffix="_new")
    out["rank_change"] = out["rank"] - out["rank_new"]  # positive: moves up
    return out.reset_index().sort_values(["rank_new", "name"]).reset_index(drop=True)
