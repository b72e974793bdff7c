"""Xu hướng as data: one indicator over the years for one or several units, actual against plan,
and the change on the same period last year (percent for counts, points for rates)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from kpi.figures import figures_cached
from kpi.periods import parse_period
from kpi.reports.sheets import figures_sheet
from kpi.screens.tables import figure_table, indicator_name
from kpi.store.snapshots import Snapshot
from kpi.text.i18n import t
from kpi.units.geography import predecessors
from kpi.units.names import unit_name

PERIOD_LENGTHS = ("12", "9", "6")  # whole year, 9 months, first 6 months


@dataclass
class TrendScreen:
    title: str
    frame: pd.DataFrame       # rows of kpi.figures with year and name, units in the order chosen
    has_figures: bool
    notes: list[str]          # where a new province's earlier figures come from
    table: pd.DataFrame
    sheet: Callable[[], pd.DataFrame]  # the table at full precision for Excel, built on download
    meta: pd.Series


def length_label(months: str, lang: str = "vi") -> str:
    return t(f"trend_length_{months}", lang)


def periods_for_months(periods: list[str], months: int) -> list[str]:
    """The periods of the same length (whole year, 6 or 9 months) across the years, oldest first."""
    chosen = [p for p in periods if parse_period(p).months == months]
    return sorted(chosen, key=lambda p: parse_period(p).year)


def trend_frame(snapshot: Snapshot, units: pd.DataFrame, targets: list[str], periods: list[str],
                indicators: list[str], lang: str = "vi") -> pd.DataFrame:
    """Figures of the indicators over the periods for the targets, with year and name."""
    frame = figures_cached(snapshot, targets, periods, indicators)  # queries/facts_aggregate.sql
    frame["year"] = [parse_period(p).year for p in frame["period"]]
    frame["name"] = [unit_name(units, u, lang) for u in frame["unit"]]
    order = {u: i for i, u in enumerate(targets)}
    return frame.sort_values(["unit", "indicator", "year"], key=lambda s: s.map(order) if s.name == "unit" else s,
                             kind="stable").reset_index(drop=True)


def predecessor_notes(units: pd.DataFrame, targets: list[str], lang: str = "vi") -> list[str]:
    """For each post-merger province, the former provinces its earlier figures are built from."""
    notes = []
    for target in targets:
        parts = predecessors(units, target)
        if parts:
            notes.append(t("predecessor_note", lang, name=unit_name(units, target, lang),
                           parts=", ".join(unit_name(units, p, lang) for p in parts)))
    return notes


def trend_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, targets: list[str],
                 periods: list[str], months: int, indicator: str, lang: str = "vi") -> TrendScreen:
    meta = catalogue.set_index("code").loc[indicator]
    frame = trend_frame(snapshot, units, targets, periods_for_months(periods, months), [indicator], lang)
    leading = {t("unit", lang): frame["name"], t("year", lang): frame["year"]}
    table = figure_table(frame, catalogue, lang, leading).drop(columns=[t("indicator", lang)])
    return TrendScreen(f"{indicator_name(catalogue, indicator, lang)} ({meta['unit_of_measure']})", frame,
                       bool(frame["actual"].notna().any()), predecessor_notes(units, targets, lang), table,
                       partial(figures_sheet, frame, catalogue, lang, leading), meta)
