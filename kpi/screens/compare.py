"""So sánh as data: one indicator, one period, provinces ranked (ties share a rank), with the
national and regional aggregates, the table and its Excel sheet."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import pandas as pd

from kpi import formulas
from kpi.figures import figures_cached
from kpi.memo import shared
from kpi.periods import parse_period, period_label
from kpi.reports.sheets import figures_sheet
from kpi.screens.drilldown import drill_link, units_with_details
from kpi.screens.tables import actual_text, by_code, figure_table, indicator_name, published_note, published_only
from kpi.store.snapshots import Snapshot
from kpi.text import fmt
from kpi.text.figure_text import rank_change_text, rank_text
from kpi.text.i18n import t
from kpi.units.mergers import ended_in_geography, geography_ended
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
    rank_note: str = ""       # the basis of the rank a year earlier (and provinces not comparable)
    geography_note: str = ""  # the 63-province geography asked for after 30 June 2025: what it holds
    links: dict[str, str] | None = None  # province -> its drill-down link (communes, agencies), where there are any
    link_column: str = ""     # the table's column holding those links


def ranked(frame: pd.DataFrame, direction: int, lang: str = "vi") -> pd.DataFrame:
    """Provinces with their competition rank (kpi.formulas), its text, their rank in the same period last
    year (on the same territory only) and the move (kpi.formulas.rank_changes), best first."""
    out = frame.copy()
    moves = formulas.rank_changes(out["actual"].to_numpy(), out["previous"].to_numpy(),
                                  out["change_comparable"].to_numpy(), direction)
    out["rank"] = moves["rank"]
    out["previous_rank"], out["rank_change"], out["rank_change_kind"] = \
        moves["previous_rank"], moves["change"], moves["kind"]
    is_tied = formulas.tied(out["rank"].to_numpy())
    was_tied = formulas.tied(out["previous_rank"].to_numpy())
    out["rank_text"] = [rank_text(r, tie, lang=lang) for r, tie in zip(out["rank"], is_tied)]
    out["previous_rank_text"] = [rank_text(r, tie, lang=lang) for r, tie in zip(out["previous_rank"], was_tied)]
    out["rank_change_text"] = [rank_change_text(k, c, lang) for k, c in zip(out["rank_change_kind"],
                                                                              out["rank_change"])]
    return out.sort_values(["rank", "name"], na_position="last", kind="stable").reset_index(drop=True)


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def compare_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, geography: int, period: str,
                   indicator: str, region: str | None, lang: str = "vi", focus: str | None = None) -> CompareScreen:
    """`region` limits the provinces; `focus` (the selected unit) adds its region's aggregate."""
    meta = by_code(catalogue).loc[indicator]
    provinces = units_of_geography(units, geography, levels=("province",))
    geography_note = ""
    if geography_ended(geography, period):
        # the 63-province list after 30 June 2025: the former provinces have no figures of their own
        former = set(ended_in_geography(units, provinces, period))
        provinces = [u for u in provinces if u not in former]
        geography_note = t("drl_geo63_rows", lang, n=len(provinces), former=len(former))  # the header says why
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
        note = published_note(row, meta, lang)
        if not row["comparable"] and not published_only(row):
            # the reporting provinces do not cover the region's territory in this geography: not a gap in the data
            value = fmt.MISSING
            note = " ".join(filter(None, [t("drl_not_covered", lang, geo=geography, n=int(row["n_atoms"])), note]))
        elif not row["complete"] and not published_only(row):
            value += (f" ({t('incomplete', lang).lower()}: "
                      + t("atoms_note", lang, n=int(row["n_actual"]), total=int(row["n_atoms"])) + ")")
        aggregates.append(Aggregate(row["name"], value, note))
    details = units_with_details(units, list(per_province["unit"]))
    links = {u: drill_link(u, indicator, period, geography, lang) for u in details}
    leading = {t("rank", lang): per_province["rank_text"],
               t("drl_rank_previous", lang): per_province["previous_rank_text"],
               t("drl_rank_change", lang): per_province["rank_change_text"],
               t("unit", lang): per_province["name"]}
    table = figure_table(per_province, catalogue, lang, leading)
    table = table.drop(columns=[t("indicator", lang)])
    link_column = t("drl_link_column", lang) if links else ""
    if links:  # beside the province's name, so that it is on screen without scrolling the table sideways
        table.insert(table.columns.get_loc(t("unit", lang)) + 1, link_column,
                     [links.get(u, "") for u in per_province["unit"]])
    sheet = partial(figures_sheet, per_province, catalogue, lang, leading)
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
                         highlight, note, meta, chart_note, _rank_note(per_province, period, lang), geography_note,
                         links, link_column)


def _rank_note(per_province: pd.DataFrame, period: str, lang: str) -> str:
    """The basis of the rank a year earlier in words, and how many provinces changed territory."""
    previous = parse_period(period).same_period_last_year().code
    n_ranked = int(per_province["previous_rank"].notna().sum())
    note = t("drl_rank_basis", lang, period=period_label(previous, lang).lower(), n=n_ranked)
    changed = int((per_province["rank_change_kind"] == formulas.RANK_NOT_COMPARABLE).sum())
    return note + (" " + t("drl_rank_basis_changed", lang, n=changed) if changed else "")
