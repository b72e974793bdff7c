"""So sánh as data: one indicator, one period, provinces ranked (ties share a rank), with the
national and regional aggregates, the table and its Excel sheet."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from kpi import formulas
from kpi.figures import figures_cached
from kpi.periods import parse_period, period_label
from kpi.reports.sheets import figures_sheet
from kpi.screens.tables import actual_text, figure_table, indicator_name, published_note, published_only
from kpi.store.snapshots import Snapshot
from kpi.text.figure_text import rank_text
from kpi.text.i18n import t
from kpi.units.names import region_of, unit_name, units_of_geography
from kpi.units.table import NATION


@dataclass
class Aggregate:
    name: str
    value: str       # the figure, with a note when the sum is incomplete; the published one, labelled, where none
    note: str = ""   # the unit's own published figure beside the computed one, or why it stands alone


@dataclass
class CompareScreen:
    title: str
    provinces: pd.DataFrame   # one row per province: figures, name, rank, rank_text (best first)
    aggregates: list[Aggregate]
    has_figures: bool
    missing: list[str]        # provinces without a figure
    table: pd.DataFrame
    sheet: Callable[[], pd.DataFrame]  # the table at full precision for Excel, built on download
    highlight: str | None     # the selected province, when it is in the list
    highlight_note: str
    meta: pd.Series           # the indicator's catalogue row
    chart_note: str = ""      # a 3-, 6- or 9-month period: the chart sets it against whole-year plans


def ranked(frame: pd.DataFrame, direction: int, lang: str = "vi") -> pd.DataFrame:
    """Provinces with their competition rank (kpi.formulas) and its text, best first."""
    out = frame.copy()
    out["rank"] = formulas.competition_ranks(out["actual"].to_numpy(), direction)
    is_tied = formulas.tied(out["rank"].to_numpy())
    out["rank_text"] = [rank_text(r, tie, lang=lang) for r, tie in zip(out["rank"], is_tied)]
    return out.sort_values(["rank", "name"], na_position="last", kind="stable").reset_index(drop=True)


def compare_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, geography: int, period: str,
                   indicator: str, region: str | None, lang: str = "vi", focus: str | None = None) -> CompareScreen:
    """`region` limits the provinces; `focus` (the selected unit) adds its region's aggregate."""
    meta = catalogue.set_index("code").loc[indicator]
    provinces = units_of_geography(units, geography, levels=("province",))
    if region:
        provinces = [u for u in provinces if region_of(units, u, geography) == region]
    if region:
        aggregate_units = [NATION, region]
    else:
        focus_region = region_of(units, focus, geography) if focus else None
        aggregate_units = [NATION] + ([focus_region] if focus_region else [])
    frame = figures_cached(snapshot, provinces + aggregate_units, [period], [indicator])  # facts_aggregate.sql
    frame["name"] = [unit_name(units, u, lang) for u in frame["unit"]]
    per_province = ranked(frame[frame["unit"].isin(provinces)], int(meta["direction"]), lang)
    aggregates = []
    by_unit = frame.set_index("unit")
    for unit in aggregate_units:
        if unit not in by_unit.index:
            continue
        row = by_unit.loc[unit]
        value = actual_text(row, meta, lang, with_unit=True)
        if not row["complete"] and not published_only(row):
            value += (f" ({t('incomplete', lang).lower()}: "
                      + t("atoms_note", lang, n=int(row["n_actual"]), total=int(row["n_atoms"])) + ")")
        aggregates.append(Aggregate(row["name"], value, published_note(row, meta, lang)))
    table = figure_table(per_province, catalogue, lang, {t("rank", lang): per_province["rank_text"],
                                                          t("unit", lang): per_province["name"]})
    table = table.drop(columns=[t("indicator", lang)])
    sheet = partial(figures_sheet, per_province, catalogue, lang, {t("rank", lang): per_province["rank_text"],
                                                          t("unit", lang): per_province["name"]})
    highlight = focus if focus in set(per_province["unit"]) else None
    note = ""
    if highlight:
        own_region = region_of(units, highlight, geography)
        note = f"{t('highlight', lang)}: {unit_name(units, highlight, lang)}" + (
            f" ({unit_name(units, own_region, lang)})" if own_region else "")
    title = f"{indicator_name(catalogue, indicator, lang)} — {period_label(period, lang)}"
    cumulative = not parse_period(period).is_whole_year and per_province["plan"].notna().any()
    chart_note = t("chart_cumulative", lang, period=period_label(period, lang).lower()) if cumulative else ""
    return CompareScreen(title, per_province, aggregates, bool(per_province["actual"].notna().any()),
                         per_province.loc[per_province["actual"].isna(), "name"].tolist(), table, sheet,
                         highlight, note, meta, chart_note)
