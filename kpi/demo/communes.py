"""Demo commune figures (dữ liệu minh họa) for two provinces, so that a province can be followed down to
its communes: Lào Cai (VN34-15, 99 communes and wards) and Vĩnh Long (VN34-86, 124), for the
employment and poverty indicators of every period after the 1 July 2025 merger.

The communes' figures are the province's own figures split among them (kpi/units/communes.py names
them): counts add up exactly to the province's count, and a rate's numerators and denominators to the
province's numerator and denominator, so the ratio of sums is the province's rate. The province keeps its
own row (it is reported by the department, not computed from the communes; kpi.figures never adds the
communes to it). One deliberate gap: at 9 months of 2026 a few communes of Lào Cai have not reported
yet, so their sum falls short of the province's figure and the drill-down says so.
Communes have no plans of their own in the demo. Deterministic, its own random stream (the province
figures do not move).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.periods import parse_period
from kpi.units.communes import commune_units

SEED = 20250702
PROVINCES = ("VN34-15", "VN34-86")
INDICATORS = ("jobs_created", "workers_abroad", "poor_household_rate", "near_poor_household_rate",
              "households_out_of_poverty")
SOURCE = "Dữ liệu minh họa cấp xã (sinh tự động bởi kpi/demo/communes.py)"
# (province, period) -> how many communes (the last ones by code) have not reported yet
NOT_REPORTED = {("VN34-15", "2026-M09"): 4}


def _split(total: float, weights: np.ndarray) -> np.ndarray:
    """Whole parts of a whole `total` in proportion to `weights`, adding up exactly (largest remainder)."""
    exact = total * weights / weights.sum()
    parts = np.floor(exact)
    short = int(round(total - parts.sum()))
    parts[np.argsort(-(exact - parts), kind="stable")[:short]] += 1
    return parts


def _split_rate(numerator: float, denominator: float, weights: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """Whole numerators and denominators adding up to the province's, each numerator within its denominator."""
    den = _split(denominator, weights)
    spread = rng.lognormal(0.0, 0.5, len(weights))
    num = _split(numerator, den * spread)
    over = num > den
    while over.any():  # move what exceeds a commune's households to the communes with room left
        excess = float((num[over] - den[over]).sum())
        num[over] = den[over]
        room = den - num
        num += _split(excess, np.where(room > 0, room, 0.0))
        over = num > den
    return num, den


def commune_facts(province_facts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(units rows, facts rows) of the demo communes, split from `province_facts` (the demo's facts)."""
    rng = np.random.default_rng(SEED)
    communes = commune_units(list(PROVINCES))
    rows = []
    for province in PROVINCES:
        keys = communes.loc[communes["parent"] == province, "unit"].to_numpy()
        size = rng.lognormal(0.0, 0.6, len(keys))  # a commune's size, the same for every indicator and period
        own = province_facts[(province_facts["unit"] == province) & province_facts["indicator"].isin(INDICATORS)
                             & province_facts["actual"].notna()]
        for _, fact in own.sort_values(["period", "indicator"]).iterrows():
            if parse_period(fact["period"]).generation != 34:
                continue  # today's communes exist from 1 July 2025
            weights = size * rng.lognormal(0.0, 0.15, len(keys))
            if np.isnan(fact["denominator"]):
                actual = _split(float(fact["actual"]), weights)
                numerator = denominator = np.full(len(keys), np.nan)
            else:
                numerator, denominator = _split_rate(float(fact["numerator"]), float(fact["denominator"]), weights,
                                                     rng)
                actual = numerator / denominator * 100
            reported = len(keys) - NOT_REPORTED.get((province, fact["period"]), 0)
            for i in range(reported):
                rows.append({"indicator": fact["indicator"], "unit": keys[i], "period": fact["period"],
                             "actual": float(actual[i]), "plan": np.nan, "numerator": float(numerator[i]),
                             "denominator": float(denominator[i]), "source": SOURCE, "note": None})
    return communes, pd.DataFrame(rows)
