"""Chi tiết (drill-down) as data: one province, one indicator, one period, down to its communes and its
agencies (units whose parent is the province), ranked, with the province's own figure beside the sum of
its communes; and the merger-aware messages every page shows about the unit and geography chosen.

The province's figure is its own (kpi.figures: a province is never computed from its communes); the
communes' sum follows kpi.formulas.sum_of_units (counts summed, rates as the ratio of sums) over the
communes that reported, and the screen says when they do not add up to the province's figure.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urlencode

import pandas as pd

from kpi import formulas
from kpi.figures import figures_cached
from kpi.periods import parse_period, period_label
from kpi.reports.sheets import figures_sheet
from kpi.screens.tables import figure_table, indicator_name
from kpi.store.snapshots import Snapshot
from kpi.text import fmt
from kpi.text.figure_text import rank_text
from kpi.text.i18n import t
from kpi.units.communes import COMMUNE
from kpi.units.mergers import date_text, geography_ended, merged_into
from kpi.units.names import full_name, unit_name, unit_row

URL_PATH = "chi-tiet"
AGENCY = "agency"
TOLERANCE = 1e-6  # a sum equal to the province's figure up to floating-point noise


def children(units: pd.DataFrame, province: str, level: str) -> list[str]:
    """The units of `level` ('commune', 'agency') whose parent is `province`, in name order."""
    rows = units[(units["level"] == level) & (units["parent"] == province)]
    return list(rows.sort_values("name_vi")["unit"])


def units_with_details(units: pd.DataFrame, provinces: list[str]) -> list[str]:
    """Of `provinces`, those with communes or agencies in the snapshot (a drill-down has something to show)."""
    parents = set(units.loc[units["level"].isin([COMMUNE, AGENCY]), "parent"].dropna())
    return [u for u in provinces if u in parents]


def drill_link(unit: str, indicator: str, period: str, geography: int, lang: str = "vi") -> str:
    """The drill-down page's link for a province (relative, so that it works under any base path)."""
    return f"{URL_PATH}?" + urlencode({"unit": unit, "ind": indicator, "period": period, "geo": geography,
                                       "lang": lang})


@dataclass
class Notice:
    text: str
    link_label: str = ""
    params: dict = field(default_factory=dict)  # the URL parameters to change for the link


def merger_notices(units: pd.DataFrame, unit: str, period: str | None, geography: int, lang: str = "vi") -> list[Notice]:
    """What a page says about the chosen unit and geography across the merger: a former province in a
    later period ("Bến Tre đã hợp nhất vào tỉnh Vĩnh Long từ 01/7/2025", link to the new province),
    the 63-province geography asked for after 30 June 2025 (link to the 34-province view)."""
    if not period or units.empty:
        return []
    notices = []
    merged = merged_into(units, unit, period)
    if merged is not None:
        successor = full_name(units, merged.successor, lang)
        notices.append(Notice(t("drl_merged_into", lang, name=unit_name(units, unit, lang), successor=successor,
                                date=date_text(merged.day)),
                              t("drl_merged_link", lang, successor=unit_name(units, merged.successor, lang)),
                              {"unit": merged.successor, "geo": "34" if parse_period(period).generation == 34
                               else str(geography)}))
    if geography_ended(geography, period):
        # a former province's button above already leads to the 34-province view
        notices.append(Notice(t("drl_geo63_ended", lang, period=period_label(period, lang).lower()),
                              "" if merged is not None else t("drl_geo34_link", lang), {"geo": "34"}))
    return notices


@dataclass
class SumCheck:
    province_value: str   # the province's own figure
    sum_value: str        # the communes' sum (ratio of sums for a rate)
    reported: str         # 'n / total'
    note: str             # whether they add up, and why not
    adds_up: bool
    sum_basis: str = ""   # how the sum is made, for a rate (the ratio of the communes' sums)


@dataclass
class DrillScreen:
    title: str
    province: str | None          # the province shown (None: nothing to drill into, see `message`)
    message: str = ""             # why there is nothing to show
    check: SumCheck | None = None
    communes: pd.DataFrame = field(default_factory=pd.DataFrame)   # display table, ranked, missing last
    commune_sheet: Callable[[], pd.DataFrame] | None = None        # the same at full precision, for Excel
    missing: list[str] = field(default_factory=list)               # communes without a figure
    commune_message: str = ""                                      # no commune figures for this indicator
    agencies: pd.DataFrame = field(default_factory=pd.DataFrame)
    agency_message: str = ""
    n_communes: int = 0


def _names_of(units: pd.DataFrame, keys: list[str], lang: str) -> str:
    return ", ".join(unit_name(units, k, lang) for k in keys)


def _ranked_table(frame: pd.DataFrame, catalogue: pd.DataFrame, units: pd.DataFrame, direction: int, lang: str,
                  name_header: str) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Units ranked by their figure (ties share a rank), units without a figure last as 'chưa có số liệu'."""
    out = frame.copy()
    out["name"] = [unit_name(units, u, lang) for u in out["unit"]]
    out["rank"] = formulas.competition_ranks(out["actual"].to_numpy(), direction)
    is_tied = formulas.tied(out["rank"].to_numpy())
    out["rank_text"] = [rank_text(r, tie, lang=lang) for r, tie in zip(out["rank"], is_tied)]
    out = out.sort_values(["rank", "name"], na_position="last", kind="stable").reset_index(drop=True)
    leading = {t("rank", lang): out["rank_text"], name_header: out["name"]}
    table = figure_table(out, catalogue, lang, leading).drop(columns=[t("indicator", lang)])
    if out["plan"].isna().all():  # no plans at this level: the plan, % of plan and verdict columns say nothing
        table = table.drop(columns=[t("plan", lang), t("achievement", lang), t("status", lang)])
    no_data = out["actual"].isna().to_numpy()
    table.loc[no_data, t("actual", lang)] = t("drl_no_data", lang)
    return out, table, list(out.loc[no_data, "name"])


def _gap_words(gap: float, meta, lang: str) -> dict[str, str]:
    """How far the communes' sum is from the province figure: {'side': 'thấp hơn', 'gap': '1.918 người'}."""
    decimals = int(meta["decimals"])
    if meta["aggregation"] == "ratio":
        amount = fmt.number(abs(gap), decimals, lang) + " " + t("points", lang)
    else:
        amount = fmt.figure(abs(gap), meta["unit_of_measure"], decimals, lang)
    return {"side": t("drl_side_lower" if gap < 0 else "drl_side_higher", lang), "gap": amount}


def _sum_check(province_row, communes: pd.DataFrame, meta, lang: str) -> SumCheck:
    """The province's own figure beside the sum of its communes, and whether they add up."""
    total = len(communes)
    summed = formulas.sum_of_units(communes["actual"], communes["numerator"], communes["denominator"],
                                   str(meta["aggregation"]))
    decimals, uom = int(meta["decimals"]), meta["unit_of_measure"]
    own = float(province_row["actual"]) if province_row is not None else math.nan
    reported = t("drl_reported_value", lang, n=summed["n_reported"], total=total)
    province_value = fmt.figure(own, uom, decimals, lang)
    sum_value = fmt.figure(summed["actual"], uom, decimals, lang)
    basis = t("drl_sum_rate_basis", lang) if meta["aggregation"] == "ratio" else ""
    check = partial(SumCheck, province_value, sum_value, reported, sum_basis=basis)
    if summed["n_reported"] == 0:
        return check(t("drl_sum_none", lang), False)
    if meta["aggregation"] == "none":
        return check(t("drl_sum_no_aggregate", lang), False)
    if math.isnan(own):
        return check(t("drl_sum_no_province", lang), False)
    gap = summed["actual"] - own
    same = not math.isnan(gap) and abs(gap) <= TOLERANCE * max(1.0, abs(own))
    if summed["n_reported"] < total:
        note = t("drl_sum_partial", lang, n=summed["n_reported"], total=total, missing=total - summed["n_reported"],
                 **_gap_words(gap, meta, lang))
        return check(note, False)
    if same:
        return check(t("drl_sum_matches", lang), True)
    return check(t("drl_sum_differs", lang, total=total, **_gap_words(gap, meta, lang)), False)


def drilldown_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, unit: str, period: str,
                     indicator: str, lang: str = "vi") -> DrillScreen:
    """The province `unit` at `period` for `indicator`: its communes and agencies with their figures."""
    meta = catalogue.set_index("code").loc[indicator]
    name = unit_name(units, unit, lang)
    title = t("drl_title", lang, indicator=indicator_name(catalogue, indicator, lang), name=name,
              period=period_label(period, lang).lower() if lang == "vi" else period_label(period, lang))
    row = units.loc[units["unit"] == unit]
    if row.empty or row.iloc[0]["level"] != "province":
        return DrillScreen(title, None, t("drl_choose_province", lang))
    if merged_into(units, unit, period) is not None:  # the page's header says where it went, with a link
        return DrillScreen(title, None, "")
    communes, agencies = children(units, unit, COMMUNE), children(units, unit, AGENCY)
    if not communes and not agencies:
        others = units_with_details(units, list(units.loc[units["level"] == "province", "unit"]))
        return DrillScreen(title, None, t("drl_no_children", lang, name=full_name(units, unit, lang),
                                          names=_names_of(units, others, lang) or fmt.MISSING))
    screen = DrillScreen(title, unit, n_communes=len(communes))
    direction = int(meta["direction"])
    frame = figures_cached(snapshot, [unit] + communes + agencies, [period], [indicator])  # facts_aggregate.sql
    if communes and parse_period(period).generation != 34:
        screen.commune_message = t("drl_before_merger", lang, period=period_label(period, lang).lower())
    elif communes:
        commune_rows = frame[frame["unit"].isin(communes)]
        if commune_rows["actual"].notna().any():
            province_rows = frame[frame["unit"] == unit]
            province_row = province_rows.iloc[0] if len(province_rows) else None
            screen.check = _sum_check(province_row, commune_rows, meta, lang)
            ranked, screen.communes, screen.missing = _ranked_table(commune_rows, catalogue, units, direction, lang,
                                                                     t("drl_commune", lang))
            screen.commune_sheet = partial(figures_sheet, ranked, catalogue, lang,
                                           {t("rank", lang): ranked["rank_text"],
                                            t("drl_commune", lang): ranked["name"]})
        else:
            with_figures = figures_cached(snapshot, communes, [period], None, with_previous=False)
            codes = list(dict.fromkeys(with_figures.loc[with_figures["actual"].notna(), "indicator"]))
            screen.commune_message = t("drl_no_commune_figures", lang, names=", ".join(
                indicator_name(catalogue, c, lang) for c in codes) or fmt.MISSING)
    agency_rows = frame[frame["unit"].isin(agencies)]
    # an agency that reports the indicator (this period or the same one last year); the others do not report it
    reporting = agency_rows[agency_rows["actual"].notna() | agency_rows["previous"].notna()]
    if len(reporting):
        _ranked, screen.agencies, _missing = _ranked_table(reporting, catalogue, units, direction, lang,
                                                           t("drl_agency", lang))
        screen.agency_message = t("drl_agency_note", lang)
    elif agencies:
        screen.agency_message = t("drl_no_agency_figures", lang)
    return screen



def fallback_unit(units: pd.DataFrame, wanted: str | None, options: list[str], default: str) -> str:
    """What a link's unit falls back to when it is not among `options` (the geography's units): the unit it
    merged into where that is offered (Bến Tre -> Vĩnh Long in the 34-province view), else `default`."""
    seen = set()
    while wanted and wanted not in seen:
        seen.add(wanted)
        row = unit_row(units, wanted)
        if row is None or not isinstance(row["successor"], str):
            return default
        wanted = row["successor"]
        if wanted in options:
            return wanted
    return default


def unit_fallback_text(units: pd.DataFrame, asked: str, shown: str, geography: int, lang: str = "vi") -> str:
    """'The link asked for Bến Tre, which is not in the 34-province geography: showing Vĩnh Long.'"""
    if asked in set(units["unit"]):
        return t("drl_fallback_merged", lang, asked=unit_name(units, asked, lang), geo=geography,
                 shown=unit_name(units, shown, lang))
    return t("drl_fallback", lang, what=t("unit", lang).lower(), asked=asked, shown=unit_name(units, shown, lang))
