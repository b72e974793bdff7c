"""The compare view: one indicator, one period, provinces ranked, with national and regional aggregates."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi import store
from kpi.figures import figures_cached
from kpi.units.names import region_of, unit_name, units_of_geography
from kpi.units.table import NATION


@dataclass
class CompareResult:
    provinces: pd.DataFrame   # one row per province, with name and rank (ties share a rank)
    aggregates: pd.DataFrame  # the nation and the region(s) in scope


def rank_labels(values: pd.Series, direction: int) -> tuple[pd.Series, pd.Series]:
    """Competition ranking ('1, 2, 2, 4'), best first by direction; ties shown as '2=' ."""
    ascending = direction < 0
    ranks = values.rank(method="min", ascending=ascending)
    tied = ranks.duplicated(keep=False) & ranks.notna()
    labels = [("" if pd.isna(r) else f"{int(r)}" + ("=" if tie else "")) for r, tie in zip(ranks, tied)]
    return ranks, pd.Series(labels, index=values.index)


def compare_frame(snapshot: store.Snapshot, units: pd.DataFrame, geography: int, period: str, indicator: str,
                  region: str | None, lang: str = "vi", focus: str | None = None) -> CompareResult:
    """`region` limits the provinces; `focus` (the selected province) adds its region's aggregate."""
    provinces = units_of_geography(units, geography, levels=("province",))
    if region:
        provinces = [u for u in provinces if region_of(units, u, geography) == region]
    aggregate_units = [NATION] + ([region] if region else units_of_geography(units, geography, levels=("region",)))
    frame = figures_cached(snapshot, provinces + aggregate_units, [period], [indicator])
    frame["name"] = [unit_name(units, u, lang) for u in frame["unit"]]
    per_province = frame[frame["unit"].isin(provinces)].copy()
    direction = int(frame["direction"].iloc[0]) if len(frame) else 1
    per_province["rank"], per_province["rank_label"] = rank_labels(per_province["actual"], direction)
    aggregates = frame[frame["unit"].isin(aggregate_units)].copy()
    order = {u: i for i, u in enumerate(aggregate_units)}
    aggregates = aggregates.sort_values("unit", key=lambda s: s.map(order))
    if not region:
        focus_region = region_of(units, focus, geography) if focus else None
        aggregates = aggregates[aggregates["unit"].isin([NATION, focus_region])]
    return CompareResult(per_province, aggregates)
