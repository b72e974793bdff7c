"""Robustness of a ranking (Monte Carlo, as in the JRC/OECD composite-indicator practice): weights
and method choices are perturbed, every draw ranked, and each unit gets its median rank, its
5-95 percentile rank band and its probability of ranking first."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.scoring.inputs import criterion_arrays
from kpi.scoring.methods import method_fraction
from kpi.scoring.scorecard import METHODS, Scorecard
from kpi.scoring.totals import ScoreResult, adjustment_totals, ranks_complete_first
from kpi.text import fmt
from kpi.text.i18n import t

ROBUST_SHARE = 0.9  # the leader is robustly the leader when first in at least 90% of the draws
FAIR_SHARE = 0.5


@dataclass
class Sensitivity:
    table: pd.DataFrame  # unit, name, base_rank, median_rank, p5_rank, p95_rank, p_first
    draws: int
    seed: int
    spread: float
    switch: float

    @property
    def robust(self) -> bool:
        """One leader on the scorecard, first in at least 90% of the draws."""
        leaders = self.table[self.table["base_rank"] == 1]
        return len(leaders) == 1 and float(leaders["p_first"].iloc[0]) >= ROBUST_SHARE

    def sentence(self, lang: str = "vi") -> str:
        return leader_sentence(self.table, self.draws, lang)


def method_matrix(card: Scorecard, inputs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fractions under every method (methods × criteria × units, missing = 0), the base method of
    each criterion, and which methods are honest alternatives (same units scored as the base)."""
    n_units, n_crit = len(card.units), len(card.criteria)
    fractions = np.zeros((len(METHODS), n_crit, n_units))
    allowed = np.zeros((len(METHODS), n_crit), dtype=bool)
    base = np.array([METHODS.index(c.method) for c in card.criteria])
    for j, c in enumerate(card.criteria):
        actual, plan, direction, _part = criterion_arrays(card, inputs, c)
        base_fraction = method_fraction(c.method, actual, plan, direction, c)
        for m, method in enumerate(METHODS):
            if c.indicator_by_unit is not None and method != c.method:
                continue  # different indicators per unit compare only against their own plans
            frac = base_fraction if method == c.method else method_fraction(method, actual, plan, direction, c)
            if np.array_equal(np.isnan(frac), np.isnan(base_fraction)):
                allowed[m, j] = True
                fractions[m, j] = np.nan_to_num(frac, nan=0.0)
    return fractions, base, allowed


def simulate_ranks(fractions: np.ndarray, weights: np.ndarray, base: np.ndarray, allowed: np.ndarray,
                   adjustments: np.ndarray, draws: int = 10_000, seed: int = 20250701, spread: float = 0.25,
                   switch: float = 0.25, scheme: str = "uniform", concentration: float = 50.0,
                   complete=None) -> np.ndarray:
    """Ranks (draws × units) under perturbed weights and method choices (Monte Carlo, vectorised).

    Weights: `uniform` multiplies each criterion's points by U(1 − spread, 1 + spread);
    `dirichlet` draws shares from Dirichlet(concentration × share). Either way the draw is
    rescaled to the sheet's total. Methods: with probability `switch` a criterion is scored by
    one of its allowed alternative methods, chosen uniformly. Each draw is ranked as the scorecard
    is (ranks_complete_first): a unit that is not `complete` never ranks above one that is.
    """
    rng = np.random.default_rng(seed)
    n_methods, n_crit, _n_units = fractions.shape
    weights = np.asarray(weights, dtype=float)
    sheet = weights.sum()
    if scheme == "dirichlet":
        shares = rng.gamma(np.maximum(concentration * weights / sheet, 1e-9), size=(draws, n_crit))
    else:
        shares = weights * rng.uniform(1 - spread, 1 + spread, size=(draws, n_crit))
    drawn = shares / shares.sum(axis=1, keepdims=True) * sheet

    alternatives = allowed.copy()
    alternatives[base, np.arange(n_crit)] = False
    n_alt = alternatives.sum(axis=0)
    table = np.full((n_crit, max(int(n_alt.max()), 1)), -1)
    for j in range(n_crit):
        idx = np.flatnonzero(alternatives[:, j])
        table[j, :len(idx)] = idx
    switching = (rng.random((draws, n_crit)) < switch) & (n_alt > 0)
    pick = np.floor(rng.random((draws, n_crit)) * np.maximum(n_alt, 1)).astype(int)
    chosen = np.where(switching, table[np.arange(n_crit), pick], base)

    # one matrix product: each draw's points sit in the column block of the method it chose
    spread_points = (chosen[:, None, :] == np.arange(n_methods)[None, :, None]) * drawn[:, None, :]
    totals = spread_points.reshape(draws, n_methods * n_crit) @ fractions.reshape(n_methods * n_crit, -1)
    totals = totals + np.asarray(adjustments, dtype=float)
    if complete is None:
        return formulas.competition_ranks(totals)
    return ranks_complete_first(totals, complete)


def sensitivity(result: ScoreResult, inputs: pd.DataFrame, draws: int = 10_000, seed: int = 20250701,
                spread: float = 0.25, switch: float = 0.25, scheme: str = "uniform") -> Sensitivity:
    """Each unit's median rank, 5-95 percentile rank band and probability of ranking first."""
    card = result.scorecard
    fractions, base, allowed = method_matrix(card, inputs)
    weights = np.array([c.points for c in card.criteria])
    bonus, penalty, _ = adjustment_totals(card)
    complete = result.ranking.set_index("unit")["complete"].reindex(list(card.units)).to_numpy(bool)
    ranks = simulate_ranks(fractions, weights, base, allowed, bonus + penalty, draws, seed, spread, switch, scheme,
                           complete=complete)
    quantiles = np.quantile(ranks, [0.05, 0.5, 0.95], axis=0, method="inverted_cdf")
    base_rank = result.ranking.set_index("unit")["rank"]
    names = result.ranking.set_index("unit")["name"]
    table = pd.DataFrame({
        "unit": list(card.units), "name": [names[u] for u in card.units],
        "base_rank": [base_rank[u] for u in card.units],
        "median_rank": quantiles[1].astype(int), "p5_rank": quantiles[0].astype(int),
        "p95_rank": quantiles[2].astype(int), "p_first": (ranks == 1).mean(axis=0),
    })
    # a unit listed apart (no rank: missing a figure) is not in the robustness table either
    table = table[table["base_rank"].notna()].astype({"base_rank": int})
    table = table.sort_values(["base_rank", "median_rank", "name"]).reset_index(drop=True)
    return Sensitivity(table, draws, seed, spread, switch)


def leader_sentence(table: pd.DataFrame, draws: int, lang: str = "vi") -> str:
    """In plain words: is the leader robustly the leader?"""
    leaders = table[table["base_rank"] == 1]
    n = fmt.number(draws, 0, lang)
    if leaders.empty:  # every unit is missing a figure and listed apart
        return t("score_lead_none", lang)

    def share(p) -> str:
        return fmt.percent(p * 100, 1, lang)

    if len(leaders) > 1:
        shares = ", ".join(t("score_lead_share", lang, name=r["name"], share=share(r["p_first"]))
                           for _, r in leaders.iterrows())
        return t("score_lead_tied", lang, names=t("score_and", lang).join(leaders["name"]), draws=n, shares=shares)
    leader = leaders.iloc[0]
    rivals = table[(table["unit"] != leader["unit"]) & (table["p_first"] > 0)].sort_values("p_first", ascending=False)
    rival = (t("score_lead_rival", lang, name=rivals.iloc[0]["name"], share=share(rivals.iloc[0]["p_first"]))
             if len(rivals) else "")
    head = t("score_lead_head", lang, name=leader["name"], share=share(leader["p_first"]), draws=n, rival=rival)
    if leader["p_first"] >= ROBUST_SHARE:
        return t("score_lead_robust", lang, head=head)
    if leader["p_first"] >= FAIR_SHARE:
        return t("score_lead_fair", lang, head=head)
    return t("score_lead_shaky", lang, head=head)
