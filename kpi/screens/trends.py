"""The trend view: one indicator over the years for one or several units."""
from __future__ import annotations

import pandas as pd

from kpi import store
from kpi.figures import figures_cached
from kpi.units.geography import predecessors
from kpi.units.names import unit_name
from kpi.periods import parse_period


def periods_for_months(periods: list[str], months: int) -> list[str]:
    """The periods of the same length (whole year, 6 or 9 months) across the years, oldest first."""
    chosen = [p for p in periods if parse_period(p).months == months]
    return sorted(chosen, key=lambda p: parse_period(p).year)


def trend_frame(snapshot: store.Snapshot, units: pd.DataFrame, targets: list[str], periods: list[str],
                indicator: str, lang: str = "vi") -> pd.DataFrame:
    frame = figures_cached(snapshot, targets, periods, [indicator])
    frame["year"] = [parse_period(p).year for p in frame["period"]]
    frame["name"] = [unit_name(units, u, lang) for u in frame["unit"]]
    order = {u: i for i, u in enumerate(targets)}
    return frame.sort_values(["unit", "year"], key=lambda s: s.map(order) if s.name == "unit" else s)


def predecessor_notes(units: pd.DataFrame, targets: list[str], lang: str = "vi") -> list[tuple[str, list[str]]]:
    """For each post-merger province, the former provinces its earlier figures are built from."""
    notes = []
    for target in targets:
        parts = predecessors(units, target)
        if parts:
            notes.append((unit_name(units, target, lang), [unit_name(units, p, lang) for p in parts]))
    return notes
