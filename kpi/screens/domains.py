"""What each domain page shows: the domain's indicators for a unit and period, against plan and
last year, the unit's rank among all provinces and within its region, map data and the trend.

All figures come from kpi.figures.figures_cached (queries/facts_aggregate.sql), so a period of
either province generation is re-expressed in the chosen geography: counts summed over the
former provinces, rates as sum(numerator)/sum(denominator), otherwise 'not comparable'.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.charts.maps import MapValues, map_values
from kpi.figures import figures_cached, unreported
from kpi.memo import shared
from kpi.periods import parse_period
from kpi.screens.overview import Card
from kpi.screens.tables import actual_text, by_code, figure_row, published_note, with_sources
from kpi.screens.trends import periods_for_months, predecessor_notes, trend_frame
from kpi.store.snapshots import Snapshot
from kpi.text import fmt
from kpi.text.figure_text import achievement_text, change_text, plan_text, progress_text, rank_text, verdict_text
from kpi.text.i18n import t
from kpi.units.boundaries import BoundaryMatch, attribution, load_boundaries, match_provinces
from kpi.units.names import region_of, unit_name, unit_row, units_of_geography
from kpi.units.table import NATION

NOTED_VERDICTS = (formulas.NOT_COMPARABLE, formulas.MISSING, formulas.INCOMPLETE)


@dataclass(frozen=True)
class DomainPage:
    key: str
    title_key: str
    url_path: str
    icon: str
    domains: tuple[str, ...]
    focus: tuple[str, ...]      # what the domain's users ask about, shown together first
    chart: str                  # 'combo' (counts as bars, rates as lines) or 'multiples' (one panel each)


# the domain pages of the navigation, in order (dashboard.py builds one page from each)
DOMAIN_PAGES: dict[str, DomainPage] = {page.key: page for page in (
    DomainPage("employment", "dom_page_employment", "viec-lam", ":material/work:", ("employment",),
               ("jobs_created", "workers_abroad", "urban_unemployment_rate"), "combo"),
    DomainPage("training", "dom_page_training", "giao-duc-nghe-nghiep", ":material/school:", ("training",),
               ("vocational_enrolment", "trained_labour_rate", "certified_labour_rate"), "combo"),
    DomainPage("poverty", "dom_page_poverty", "giam-ngheo", ":material/home:", ("poverty",),
               ("poor_household_rate", "near_poor_household_rate", "households_out_of_poverty"), "combo"),
    DomainPage("merit", "dom_page_merit", "nguoi-co-cong", ":material/military_tech:", ("merit",),
               ("merit_allowance_recipients", "merit_allowance_spending", "gratitude_houses",
                "gratitude_fund", "heroic_mothers_cared"), "multiples"),
    DomainPage("social", "dom_page_social", "bao-tro-xa-hoi", ":material/diversity_3:", ("social", "admin_reform"),
               ("social_assistance_recipients", "child_friendly_commune_rate", "children_u6_insured_rate",
                "procedures_on_time_rate"), "multiples"),
)}
DOMAIN_OF_URL = {page.url_path: page.key for page in DOMAIN_PAGES.values()}


@dataclass
class DomainView:
    page: DomainPage
    codes: list[str]              # the domain's indicators, catalogue order
    focus: list[str]              # the focus indicators present in the catalogue
    own: pd.DataFrame             # one row per indicator for the unit, with rank columns
    peers: pd.DataFrame           # the same period for every province of the geography (maps, ranks)
    region: str | None            # the unit's region in this geography (provinces only)
    converted: bool               # the period belongs to the other province generation
    unreported: list[str] = field(default_factory=list)  # the domain's indicators without any figure in the snapshot

    @property
    def has_figures(self) -> bool:
        """Anything to show: a figure (computed or published), or an indicator that must be shown as not comparable."""
        return bool(self.own["actual"].notna().any() or self.own["published"].notna().any()
                    or (~self.own["comparable"].fillna(True).astype(bool)).any())


def domain_codes(page: DomainPage, catalogue: pd.DataFrame) -> list[str]:
    ordered = catalogue.sort_values(["domain_order", "code_order"]) if "domain_order" in catalogue else catalogue
    return [c for c, d in zip(ordered["code"], ordered["domain"]) if d in page.domains]


def rank_in(peers: pd.DataFrame, indicator: str, unit: str, members: list[str], direction: int,
            lang: str = "vi") -> tuple[float, int, str]:
    """(rank, number ranked, text like '3/34 (đồng hạng)') of `unit` among `members` for one indicator.

    Only comparable, complete figures are ranked (a partial sum would rank unfairly low); ties
    share a rank (kpi.formulas.competition_ranks). Context-only indicators (direction 0) are not ranked.
    """
    part = _rankable(peers[peers["indicator"] == indicator])
    return _rank(part["unit"].to_numpy(), part["actual"].to_numpy(), unit, members, direction, lang)


def _rankable(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows that may be ranked: comparable, complete, with a figure."""
    return frame[frame["comparable"].astype(bool) & frame["complete"].astype(bool) & frame["actual"].notna()]


def _rank(units: np.ndarray, actual: np.ndarray, unit: str, members: list[str], direction: int,
          lang: str) -> tuple[float, int, str]:
    """rank_in over one indicator's rankable rows (their units and figures)."""
    inside = np.isin(units, members)
    units, actual = units[inside], actual[inside]
    if direction == 0 or unit not in units:
        return float("nan"), len(units), fmt.MISSING
    ranks = formulas.competition_ranks(actual, direction)
    is_tied = formulas.tied(ranks)
    position = int(np.flatnonzero(units == unit)[0])
    return float(ranks[position]), len(units), rank_text(ranks[position], bool(is_tied[position]), len(units), lang)


@shared(maxsize=64)
def _province_rows(snapshot: Snapshot, targets: tuple[str, ...], period: str, codes: tuple[str, ...],
                   provinces: tuple[str, ...]) -> pd.DataFrame:
    """The provinces' rows of the period's figures: one object for every unit's view of the same period,
    so that what is drawn from it (the map) is shared too. Read-only."""
    frame = figures_cached(snapshot, list(targets), [period], list(codes))
    return frame[frame["unit"].isin(provinces)].reset_index(drop=True)


@shared(maxsize=64)
def _ranked_rows(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each indicator's rankable rows of `frame` (units, figures), grouped once (read-only)."""
    return {code: (part["unit"].to_numpy(), part["actual"].to_numpy())
            for code, part in _rankable(frame).groupby("indicator", sort=False)}


@shared(maxsize=256)
def _map_values(peers: pd.DataFrame, units: pd.DataFrame, geography: int, indicator: str, catalogue: pd.DataFrame,
                lang: str) -> MapValues:
    """kpi.charts.maps.map_values, once per period's provinces, indicator and language (read-only)."""
    return map_values(peers, units, geography, indicator, catalogue, lang)


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def domain_view(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, page_key: str,
                unit: str, period: str, geography: int, lang: str = "vi") -> DomainView:
    page = DOMAIN_PAGES[page_key]
    all_codes = domain_codes(page, catalogue)
    never = unreported(snapshot, all_codes)  # never reported in this snapshot: named once, not rows of '–'
    codes = [c for c in all_codes if c not in never] or all_codes
    level = (unit_row(units, unit) or {}).get("level", "province")
    provinces = units_of_geography(units, geography, levels=("province",))
    regions = units_of_geography(units, geography, levels=("region",))
    region = region_of(units, unit, geography)
    targets = list(dict.fromkeys(provinces + regions + [NATION, unit]))
    frame = figures_cached(snapshot, targets, [period], codes)  # queries/facts_aggregate.sql
    # the same object for every unit's view of the period (figures_cached gives each caller a copy)
    peers = _province_rows(snapshot, tuple(dict.fromkeys(provinces + regions + [NATION])), period, tuple(codes),
                           tuple(provinces))
    own = frame[frame["unit"] == unit].set_index("indicator").reindex(codes).reset_index()
    own["unit"] = unit
    directions = dict(zip(catalogue["code"], catalogue["direction"]))
    # each indicator's rankable rows once (grouped, not a scan of the frame per indicator and rank)
    ranked = _ranked_rows(peers) if level == "province" else _ranked_rows.__wrapped__(frame)  # peers: once a period
    nothing = (np.array([], dtype=object), np.array([], dtype=float))
    members = [p for p in provinces if region_of(units, p, geography) == region] if region else []
    rank_nation, rank_region = [], []
    for code in codes:
        direction = int(directions[code])
        if level == "province":
            rank_nation.append(_rank(*ranked.get(code, nothing), unit, provinces, direction, lang)[2])
            rank_region.append(_rank(*ranked.get(code, nothing), unit, members, direction, lang)[2] if region
                               else fmt.MISSING)
        elif level == "region":
            rank_nation.append(_rank(*ranked.get(code, nothing), unit, regions, direction, lang)[2])
            rank_region.append(fmt.MISSING)
        else:
            rank_nation.append(fmt.MISSING)
            rank_region.append(fmt.MISSING)
    own["rank_nation"] = rank_nation
    own["rank_region"] = rank_region
    # none of the focus indicators reported (a snapshot of GSO tables only): the domain's reported ones instead
    focus = [c for c in page.focus if c in codes] or codes[:len(page.focus)]
    converted = parse_period(period).generation != geography
    return DomainView(page, codes, focus, own, peers, region, converted, never if codes != all_codes else [])


def map_highlight(units: pd.DataFrame, unit: str, geography: int) -> list[str]:
    """The tiles to outline on a map: the selected province, or every province of the selected region."""
    provinces = units_of_geography(units, geography, levels=("province",))
    if unit in provinces:
        return [unit]
    return [p for p in provinces if region_of(units, p, geography) == unit]


def state_note(row: pd.Series, lang: str = "vi") -> str:
    """'Không so sánh được' / 'Chưa có số liệu' / 'Chưa đủ số liệu' (the verdict), or '' for a complete figure."""
    verdict = row.get("verdict")
    return verdict_text(verdict, lang) if verdict in NOTED_VERDICTS else ""


@shared(maxsize=256)
def indicator_table(view: DomainView, catalogue: pd.DataFrame, lang: str = "vi", ranked: bool = True) -> pd.DataFrame:
    """Every indicator of the domain as display text: actual, plan, % of plan, status, last year, ranks."""
    meta = by_code(catalogue)
    rows = []
    for _, r in view.own.iterrows():
        m = meta.loc[r["indicator"]]
        row = figure_row(r, m, lang)  # the columns every figure table has, then last year before the change
        change = row.pop(t("change", lang))
        row[t("dom_previous", lang)] = fmt.number(r["previous"], int(m["decimals"]), lang)
        row[t("change", lang)] = change
        if ranked:
            row[t("dom_rank_nation", lang)] = r["rank_nation"]
            row[t("dom_rank_region", lang)] = r["rank_region"]
        notes = [state_note(r, lang) or progress_text(r, m["unit_of_measure"], int(m["decimals"]), lang),
                 published_note(r, m, lang)]  # a region's or the nation's own published figure
        row[t("dom_note", lang)] = "; ".join(n for n in notes if n)
        rows.append(row)
    return with_sources(pd.DataFrame(rows), view.own, lang)  # each figure's source, standing and note


def unreported_caption(view: DomainView, catalogue: pd.DataFrame, lang: str = "vi") -> str:
    """The domain's catalogue indicators the snapshot has no figure of, named once below the table."""
    names = by_code(catalogue)["name_vi" if lang == "vi" else "name_en"]
    if not view.unreported:
        return ""
    return t("unreported_indicators", lang, n=len(view.unreported),
             names="; ".join(str(names.get(c, c)) for c in view.unreported))


def card_text(row: pd.Series, meta: pd.Series, lang: str = "vi") -> tuple[str, str]:
    """(big figure, caption) of a focus card: plan, % of plan, change on last year, ranks."""
    decimals = int(meta["decimals"])
    value = actual_text(row, meta, lang, with_unit=True)  # the published figure, labelled, where none is computed
    plan = plan_text(row["plan"], row.get("plan_kind"), row.get("plan_high"), meta["unit_of_measure"], decimals, lang,
                     with_unit=True)
    lines = [f"{t('plan', lang)}: {plan}"
             f" · {t('achievement', lang)}: {achievement_text(row['achievement_pct'], lang)}",
             f"{t('change', lang)}: {change_text(row, lang)}"]
    if row["rank_nation"] != fmt.MISSING:
        lines.append(f"{t('dom_rank_nation', lang)}: {row['rank_nation']}"
                     + (f" · {t('dom_rank_region', lang)}: {row['rank_region']}" if row["rank_region"] != fmt.MISSING else ""))
    published = published_note(row, meta, lang)
    if published:
        lines.append(published)
    return value, "  \n".join(lines)


@dataclass
class DomainTrend:
    frame: pd.DataFrame           # unit, period, year, indicator, figures..., name
    notes: list[str]              # predecessor notes (a new province before 2025)
    not_comparable: list[str]     # period labels where the unit has no honest figure


def trend_periods(periods: list[str], period: str) -> list[str]:
    """The periods of the same length as `period` (whole year, 6 or 9 months), oldest first."""
    return periods_for_months(periods, parse_period(period).months)


@shared(maxsize=256)
def domain_trend(snapshot: Snapshot, units: pd.DataFrame, unit: str, periods: list[str], period: str,
                 codes: list[str], with_aggregates: bool = False, geography: int = 34,
                 lang: str = "vi") -> DomainTrend:
    """Figures of `codes` over the years for the unit (and its region and the nation when asked)."""
    targets = [unit]
    if with_aggregates:
        region = region_of(units, unit, geography)
        targets += [u for u in (region, NATION) if u and u != unit]
    frame = trend_frame(snapshot, units, targets, trend_periods(periods, period), codes, lang)
    own = frame[frame["unit"] == unit]
    blocked = sorted({p for p, c in zip(own["period"], own["comparable"]) if not bool(c)},
                     key=lambda p: parse_period(p).year)
    labels = [parse_period(p).label(lang) for p in blocked]
    return DomainTrend(frame, predecessor_notes(units, [unit], lang), labels)


def _one_indicator(trend: DomainTrend, indicator: str, lang: str) -> DomainTrend:
    """A one-unit domain trend narrowed to one of its indicators (what domain_trend gives for it alone)."""
    frame = trend.frame[trend.frame["indicator"] == indicator].reset_index(drop=True)
    blocked = sorted({p for p, c in zip(frame["period"], frame["comparable"]) if not bool(c)},
                     key=lambda p: parse_period(p).year)
    return DomainTrend(frame, list(trend.notes), [parse_period(p).label(lang) for p in blocked])


def trend_notes(trend: DomainTrend, lang: str = "vi") -> list[str]:
    """Where earlier figures come from, and the periods with no honest figure."""
    notes = list(trend.notes)
    if trend.not_comparable:
        notes.append(t("dom_not_comparable_periods", lang, periods=", ".join(trend.not_comparable)))
    return notes


@shared(maxsize=256)
def focus_cards(view: DomainView, catalogue: pd.DataFrame, lang: str = "vi") -> list[Card]:
    """The cards of the focus indicators: figure, verdict, plan, % of plan, change, ranks."""
    meta = by_code(catalogue)
    rows = view.own.set_index("indicator")
    cards = []
    for code in view.focus:
        row = rows.loc[code]
        value, caption = card_text(row, meta.loc[code], lang)
        verdict = row["verdict"]
        cards.append(Card(code, meta.loc[code, "name_vi"] if lang == "vi" else meta.loc[code, "name_en"], value,
                          verdict, t("dom_context_only", lang) if verdict == formulas.CONTEXT_ONLY
                          else verdict_text(verdict, lang), caption))
    return cards


@dataclass
class MapView:
    kind: str                       # what is drawn: 'tiles', 'bubbles' or 'choropleth'
    values: MapValues
    highlight: list[str]
    features: list | None           # boundaries (choropleth, or the outline behind bubbles)
    match: BoundaryMatch | None
    notes: list[str]                # captions under the map
    infos: list[str]                # why another kind is drawn than the one chosen
    warnings: list[str]             # names in the boundary file and units that did not match


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def map_view(view: DomainView, units: pd.DataFrame, catalogue: pd.DataFrame, geography: int, indicator: str,
             kind: str, unit: str, lang: str = "vi", boundary_path: Path | None = None) -> MapView:
    """What the map shows: the values of one indicator per province, the outlined tiles, the boundaries."""
    values = _map_values(view.peers, units, geography, indicator, catalogue, lang)  # shared by the period's units
    highlight = map_highlight(units, unit, geography)
    notes, infos, warnings = [t("dom_map_note", lang)], [], []
    if kind == "choropleth" and boundary_path is None:
        infos.append(t("dom_no_boundaries", lang, geo=t(f"dom_geo_{geography}", lang), n=geography))
        kind = "tiles"
    features = load_boundaries(boundary_path) if boundary_path and kind != "tiles" else None
    match = match_provinces(features, units, geography) if kind == "choropleth" else None
    if match is not None:
        credit = attribution()
        notes.append(t("dom_boundary_source", lang, file=boundary_path.name) + (f" — {credit}" if credit else ""))
        if match.unmatched_features:
            warnings.append(t("dom_unmatched_features", lang, names=", ".join(match.unmatched_features)))
        if match.unmatched_units:
            warnings.append(t("dom_unmatched_units", lang,
                              names=", ".join(unit_name(units, u, lang) for u in match.unmatched_units)))
    return MapView(kind, values, highlight, features, match, notes, infos, warnings)


@dataclass
class IndicatorTrend:
    title: str
    trend: DomainTrend
    rate: bool                      # a rate: drawn beside its region and the nation, without plans
    notes: list[str]


@shared(maxsize=256)
def indicator_trend(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, unit: str,
                    periods: list[str], period: str, indicator: str, geography: int,
                    lang: str = "vi", within: DomainTrend | None = None) -> IndicatorTrend:
    """One indicator of the domain over the years, with what the reader must know about its figures.
    `within`: the unit's domain_trend of the focus indicators (same periods), whose rows are this
    indicator's when it is one of them and not a rate (no region or nation beside it): not queried again."""
    meta = by_code(catalogue).loc[indicator]
    rate = meta["aggregation"] == "ratio"
    if within is not None and not rate and indicator in set(within.frame["indicator"]):
        trend = _one_indicator(within, indicator, lang)
    else:
        trend = domain_trend(snapshot, units, unit, periods, period, [indicator], with_aggregates=rate,
                             geography=geography, lang=lang)
    notes = ([t("dom_trend_with_aggregates", lang)] if rate else []) + trend_notes(trend, lang)
    own = trend.frame[(trend.frame["unit"] == unit) & trend.frame["actual"].notna()]
    states = [f"{parse_period(r['period']).label(lang)}: {state_note(r, lang)}" for _, r in own.iterrows()
              if state_note(r, lang)]
    if states:
        notes.append("; ".join(states))
    uom = fmt.unit_of_measure(meta["unit_of_measure"], lang)
    title = f"{t('dom_trend', lang)}: {meta['name_vi'] if lang == 'vi' else meta['name_en']} ({uom})"
    return IndicatorTrend(title, trend, bool(rate), notes)
