"""Xu hướng as data: one indicator over the years for one or several units, actual against plan,
and the change on the same period last year (percent for counts, points for rates). Where the
standard that measures the indicator changes (the poverty standard, data/catalogue/standards.csv
via kpi.store.standards), the frame says which standard measures each year and the screen notes the
break: the chart draws it and a change across it is not comparable."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from kpi.charts.theme import unit_colours
from kpi.figures import figures_cached
from kpi.memo import shared
from kpi.periods import parse_period
from kpi.reports.sheets import figures_sheet
from kpi.screens.tables import by_code, figure_table, indicator_name
from kpi.store.snapshots import Snapshot
from kpi.store.standards import StandardBreak, standard_breaks, standard_codes, standard_label
from kpi.text import fmt
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
    breaks: list[StandardBreak] = field(default_factory=list)  # changes of the measuring standard
    colours: dict[str, str] = field(default_factory=dict)  # unit -> its colour in every chart of the page


def length_label(months: str, lang: str = "vi") -> str:
    return t(f"trend_length_{months}", lang)


def periods_for_months(periods: list[str], months: int) -> list[str]:
    """The periods of the same length (whole year, 6 or 9 months) across the years, oldest first."""
    chosen = [p for p in periods if parse_period(p).months == months]
    return sorted(chosen, key=lambda p: parse_period(p).year)


def trend_frame(snapshot: Snapshot, units: pd.DataFrame, targets: list[str], periods: list[str],
                indicators: list[str], lang: str = "vi") -> pd.DataFrame:
    """Figures of the indicators over the periods for the targets, with year and name, and the
    standard that measures each figure (`standard`, its code, '' where none; `standard_name`)."""
    frame = figures_cached(snapshot, targets, periods, indicators)  # queries/facts_aggregate.sql
    frame["year"] = [parse_period(p).year for p in frame["period"]]
    frame["name"] = [unit_name(units, u, lang) for u in frame["unit"]]
    frame["standard"] = standard_codes(frame["indicator"], frame["period"]) if len(frame) else []
    labels = {code: standard_label(code, lang, with_basis=False) for code in set(frame["standard"])}
    frame["standard_name"] = frame["standard"].map(labels)
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


def break_notes(breaks: list[StandardBreak], lang: str = "vi") -> list[str]:
    """'Từ năm 2021, số liệu đo theo Chuẩn nghèo đa chiều giai đoạn 2022-2025 (Nghị định số 07/2021/NĐ-CP);
    thay đổi so với năm 2020 không so sánh được.'"""
    def lower(text: str) -> str:  # 'Năm 2021' inside a sentence
        return text[:1].lower() + text[1:]

    return [t("trend_standard_break", lang, after=lower(parse_period(b.after).label(lang)),
              before=lower(parse_period(b.before).label(lang)),
              name=standard_label(b.standard, lang) or t("trend_no_standard", lang)) for b in breaks]


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def trend_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, targets: list[str],
                 periods: list[str], months: int, indicator: str, lang: str = "vi") -> TrendScreen:
    meta = by_code(catalogue).loc[indicator]
    chosen = periods_for_months(periods, months)
    frame = trend_frame(snapshot, units, targets, chosen, [indicator], lang)
    shown = [p for p in chosen if p in set(frame["period"])]
    breaks = standard_breaks(indicator, shown)
    leading = {t("unit", lang): frame["name"], t("year", lang): frame["year"]}
    table = figure_table(frame, catalogue, lang, leading).drop(columns=[t("indicator", lang)])
    # a 3-, 6- or 9-month series is drawn against whole-year plans: say so under the chart
    cumulative = [t("trend_cumulative_note", lang, length=length_label(months, lang).lower())] \
        if months < 12 and frame["plan"].notna().any() else []
    uom = fmt.unit_of_measure(meta["unit_of_measure"], lang)
    return TrendScreen(f"{indicator_name(catalogue, indicator, lang)} ({uom})", frame,
                       bool(frame["actual"].notna().any()),
                       cumulative + predecessor_notes(units, targets, lang) + break_notes(breaks, lang), table,
                       partial(figures_sheet, frame, catalogue, lang, leading), meta, breaks,
                       unit_colours(targets))
