"""What each domain page shows: the domain's indicators for a unit and period, against plan and
last year, the unit's rank among all provinces and within its region, map data and the trend.

All figures come from kpi.figures.figures_cached (queries/facts_aggregate.sql), so a period of
either province generation is re-expressed in the chosen geography: counts summed over the
former provinces, rates as sum(numerator)/sum(denominator), otherwise 'not comparable'.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi import store

from kpi.text import fmt
from kpi.screens.compare import rank_labels
from kpi.figures import figures_cached
from kpi.text.i18n import t
from kpi.units.names import region_of, unit_name, units_of_geography
from kpi.periods import parse_period
from kpi.screens.trends import periods_for_months, predecessor_notes
from kpi.units.table import NATION


@dataclass(frozen=True)
class DomainPage:
    key: str
    title_key: str
    domains: tuple[str, ...]
    focus: tuple[str, ...]      # what the domain's users ask about, shown together first
    chart: str                  # 'combo' (counts as bars, rates as lines) or 'multiples' (one panel each)


DOMAIN_PAGES: dict[str, DomainPage] = {
    "employment": DomainPage("employment", "dom_page_employment", ("employment",),
                             ("jobs_created", "workers_abroad", "urban_unemployment_rate"), "combo"),
    "training": DomainPage("training", "dom_page_training", ("training",),
                           ("vocational_enrolment", "trained_labour_rate", "certified_labour_rate"), "combo"),
    "poverty": DomainPage("poverty", "dom_page_poverty", ("poverty",),
                          ("poor_household_rate", "near_poor_household_rate", "households_out_of_poverty"), "combo"),
    "merit": DomainPage("merit", "dom_page_merit", ("merit",),
                        ("merit_allowance_recipients", "merit_allowance_spending", "gratitude_houses",
                         "gratitude_fund", "heroic_mothers_cared"), "multiples"),
    "social": DomainPage("social", "dom_page_social", ("social", "admin_reform"),
                         ("social_assistance_recipients", "child_friendly_commune_rate", "children_u6_insured_rate",
                          "procedures_on_time_rate"), "multiples"),
}


@dataclass
class DomainView:
    page: DomainPage
    codes: list[str]              # the domain's indicators, catalogue order
    focus: list[str]              # the focus indicators present in the catalogue
    own: pd.DataFrame             # one row per indicator for the unit, with rank columns
    peers: pd.DataFrame           # the same period for every province of the geography (maps, ranks)
    region: str | None            # the unit's region in this geography (provinces only)
    converted: bool               # the period belongs to the other province generation

    @property
    def has_figures(self) -> bool:
        """Anything to show: a figure, or an indicator that must be shown as not comparable."""
        return bool(self.own["actual"].notna().any() or (~self.own["comparable"].fillna(True).astype(bool)).any())


def domain_codes(page: DomainPage, catalogue: pd.DataFrame) -> list[str]:
    ordered = catalogue.sort_values(["domain_order", "code_order"]) if "domain_order" in catalogue else catalogue
    return [c for c, d in zip(ordered["code"], ordered["domain"]) if d in page.domains]


def rank_in(peers: pd.DataFrame, indicator: str, unit: str, members: list[str], direction: int) -> tuple[float, int, str]:
    """(rank, number ranked, label like '3= / 34') of `unit` among `members` for one indicator.

    Only comparable, complete figures are ranked (a partial sum would rank unfairly low); ties
    share a rank and are marked '='. Context-only indicators (direction 0) are not ranked.
    """
    part = peers[(peers["indicator"] == indicator) & peers["unit"].isin(members)]
    part = part[part["comparable"].astype(bool) & part["complete"].astype(bool) & part["actual"].notna()]
    if direction == 0 or unit not in set(part["unit"]):
        return float("nan"), len(part), fmt.MISSING
    ranks, labels = rank_labels(part["actual"].reset_index(drop=True), direction)
    position = list(part["unit"]).index(unit)
    return float(ranks[position]), len(part), f"{labels[position]} / {len(part)}"


def domain_view(snapshot: store.Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, page_key: str,
                unit: str, period: str, geography: int) -> DomainView:
    page = DOMAIN_PAGES[page_key]
    codes = domain_codes(page, catalogue)
    level = units.set_index("unit")["level"].get(unit, "province")
    provinces = units_of_geography(units, geography, levels=("province",))
    regions = units_of_geography(units, geography, levels=("region",))
    region = region_of(units, unit, geography)
    targets = list(dict.fromkeys(provinces + regions + [NATION, unit]))
    frame = figures_cached(snapshot, targets, [period], codes)  # queries/facts_aggregate.sql
    peers = frame[frame["unit"].isin(provinces)].reset_index(drop=True)
    own = frame[frame["unit"] == unit].set_index("indicator").reindex(codes).reset_index()
    own["unit"] = unit
    directions = catalogue.set_index("code")["direction"]
    rank_nation, rank_region = [], []
    for code in codes:
        direction = int(directions[code])
        if level == "province":
            rank_nation.append(rank_in(peers, code, unit, provinces, direction)[2])
            members = [p for p in provinces if region_of(units, p, geography) == region]
            rank_region.append(rank_in(peers, code, unit, members, direction)[2] if region else fmt.MISSING)
        elif level == "region":
            rank_nation.append(rank_in(frame, code, unit, regions, direction)[2])
            rank_region.append(fmt.MISSING)
        else:
            rank_nation.append(fmt.MISSING)
            rank_region.append(fmt.MISSING)
    own["rank_nation"] = rank_nation
    own["rank_region"] = rank_region
    focus = [c for c in page.focus if c in codes]
    converted = parse_period(period).generation != geography
    return DomainView(page, codes, focus, own, peers, region, converted)


def map_highlight(units: pd.DataFrame, unit: str, geography: int) -> list[str]:
    """The tiles to outline on a map: the selected province, or every province of the selected region."""
    provinces = units_of_geography(units, geography, levels=("province",))
    if unit in provinces:
        return [unit]
    return [p for p in provinces if region_of(units, p, geography) == unit]


def state_note(row: pd.Series, lang: str = "vi") -> str:
    """'Không so sánh được' / 'Chưa đủ số liệu' / 'Chưa có số liệu', or '' for a complete figure."""
    if not bool(row.get("comparable", True)):
        return t("not_comparable", lang)
    if pd.isna(row.get("actual")):
        return t("missing", lang)
    if not bool(row.get("complete", True)):
        return t("incomplete", lang)
    return ""


def change_text(row: pd.Series, aggregation: str, lang: str = "vi") -> str:
    if aggregation == "ratio":
        return fmt.signed_points(row["change_pp"], 2, lang)
    return fmt.signed_percent(row["change_pct"], 1, lang)


def indicator_table(view: DomainView, catalogue: pd.DataFrame, lang: str = "vi", ranked: bool = True) -> pd.DataFrame:
    """Every indicator of the domain as display text: actual, plan, % of plan, status, last year, ranks."""
    meta = catalogue.set_index("code")
    rows = []
    for _, r in view.own.iterrows():
        m = meta.loc[r["indicator"]]
        decimals = int(m["decimals"])
        row = {
            t("indicator", lang): m["name_vi"] if lang == "vi" else m["name_en"],
            "ĐVT" if lang == "vi" else "Unit": m["unit_of_measure"],
            t("actual", lang): fmt.number(r["actual"], decimals, lang),
            t("plan", lang): fmt.number(r["plan"], decimals, lang),
            t("achievement", lang): fmt.percent(r["achievement_pct"], 1, lang),
            t("status", lang): t(r["status"], lang) if isinstance(r["status"], str) and r["status"] else "",
            t("dom_previous", lang): fmt.number(r["previous"], decimals, lang),
            t("change", lang): change_text(r, m["aggregation"], lang),
        }
        if ranked:
            row[t("dom_rank_nation", lang)] = r["rank_nation"]
            row[t("dom_rank_region", lang)] = r["rank_region"]
        row[t("dom_note", lang)] = state_note(r, lang)
        rows.append(row)
    return pd.DataFrame(rows)


def card_text(row: pd.Series, meta: pd.Series, lang: str = "vi") -> tuple[str, str]:
    """(big figure, caption) of a focus card: plan, % of plan, change on last year, ranks."""
    decimals = int(meta["decimals"])
    value = fmt.figure(row["actual"], meta["unit_of_measure"], decimals, lang)
    lines = [f"{t('plan', lang)}: {fmt.figure(row['plan'], meta['unit_of_measure'], decimals, lang)}"
             f" · {t('achievement', lang)}: {fmt.percent(row['achievement_pct'], 1, lang)}",
             f"{t('change', lang)}: {change_text(row, meta['aggregation'], lang)}"]
    if row["rank_nation"] != fmt.MISSING:
        lines.append(f"{t('dom_rank_nation', lang)}: {row['rank_nation']}"
                     + (f" · {t('dom_rank_region', lang)}: {row['rank_region']}" if row["rank_region"] != fmt.MISSING else ""))
    return value, "  \n".join(lines)


@dataclass
class DomainTrend:
    frame: pd.DataFrame           # unit, period, year, indicator, figures..., name
    notes: list[str]              # predecessor notes (a new province before 2025)
    not_comparable: list[str]     # period labels where the unit has no honest figure


def trend_periods(periods: list[str], period: str) -> list[str]:
    """The periods of the same length as `period` (whole year, 6 or 9 months), oldest first."""
    return periods_for_months(periods, parse_period(period).months)


def domain_trend(snapshot: store.Snapshot, units: pd.DataFrame, unit: str, periods: list[str], period: str,
                 codes: list[str], with_aggregates: bool = False, geography: int = 34,
                 lang: str = "vi") -> DomainTrend:
    """Figures of `codes` over the years for the unit (and its region and the nation when asked)."""
    targets = [unit]
    if with_aggregates:
        region = region_of(units, unit, geography)
        targets += [u for u in (region, NATION) if u and u != unit]
    chosen = trend_periods(periods, period)
    frame = figures_cached(snapshot, targets, chosen, codes)  # queries/facts_aggregate.sql
    frame["year"] = [parse_period(p).year for p in frame["period"]]
    frame["name"] = [unit_name(units, u, lang) for u in frame["unit"]]
    order = {u: i for i, u in enumerate(targets)}
    frame = frame.sort_values(["unit", "indicator", "year"], key=lambda s: s.map(order) if s.name == "unit" else s)
    notes = [t("predecessor_note", lang, name=name, parts=", ".join(parts))
             for name, parts in predecessor_notes(units, [unit], lang)]
    own = frame[frame["unit"] == unit]
    blocked = sorted({p for p, c in zip(own["period"], own["comparable"]) if not bool(c)},
                     key=lambda p: parse_period(p).year)
    labels = [parse_period(p).label(lang) for p in blocked]
    return DomainTrend(frame.reset_index(drop=True), notes, labels)
