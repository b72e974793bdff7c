"""Tổng quan as data: every indicator of one unit and period, grouped by domain, against plan and
the same period last year; the counts by verdict and the best and worst against plan in words."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import pandas as pd

from kpi import formulas
from kpi.figures import figures_cached, unreported
from kpi.memo import shared
from kpi.periods import parse_period, period_label
from kpi.reports.sheets import figures_sheet
from kpi.screens.tables import actual_text, figure_table, meta_rows, published_note
from kpi.store.indicators import domains
from kpi.store.snapshots import Snapshot
from kpi.text import sources
from kpi.text.figure_text import achievement_text, change_text, plan_text, progress_text, verdict_text
from kpi.text.i18n import t
from kpi.units.names import unit_name


@dataclass
class Card:
    indicator: str
    title: str
    value: str           # the figure with its unit of measure: '18.382 người'
    verdict: str         # kpi.formulas.VERDICTS
    verdict_text: str
    caption: str         # plan · % of plan, change on the same period last year
    source: str = ""     # standing (Số ước), source or the report quoted, note (kpi.text.sources.caption)
    quoted: bool = False  # quoted from a published report: the card carries a "Trích báo cáo" badge
    standing: str = ""   # 'ước', 'sơ bộ', 'chính thức' ('' when the figure's report does not say)


@dataclass
class Section:
    title: str
    cards: list[Card]


@dataclass
class OverviewScreen:
    title: str
    figures: pd.DataFrame
    has_figures: bool
    summary: str = ""
    sentences: list[str] = field(default_factory=list)
    cumulative: bool = False
    sections: list[Section] = field(default_factory=list)
    table: pd.DataFrame | None = None    # the figures as display text, with their sources
    sheet: Callable[[], pd.DataFrame] | None = None  # the same at full precision for Excel, built on download
    unreported: str = ""                 # the catalogue's indicators without any figure in the snapshot


def verdict_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many indicators beat, meet, are in progress towards or miss their plan, and how many have none."""
    rated = frame[frame["direction"] != 0]
    counts = {v: int((rated["verdict"] == v).sum()) for v in formulas.RATED_VERDICTS}
    counts["noplan"] = int((rated["verdict"] == formulas.NO_PLAN).sum())
    return counts


def summary_sentence(frame: pd.DataFrame, cumulative: bool, lang: str = "vi") -> str:
    counts = verdict_counts(frame)
    if not cumulative:
        return t("summary_counts", lang, exceeded=counts["exceeded"], met=counts["met"],
                 below=counts["below"], noplan=counts["noplan"])
    return t("summary_counts_cumulative", lang, done=counts["exceeded"] + counts["met"], ahead=counts["ahead"],
             on=counts["on_schedule"], behind=counts["behind"], below=counts["below"], noplan=counts["noplan"])


def best_and_worst(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "vi") -> list[str]:
    """Sentences naming the indicator furthest above and furthest below its plan (full precision)."""
    rated = frame[(frame["direction"] != 0) & frame["achievement_pct"].notna()]
    if rated.empty:
        return []
    names = catalogue.set_index("code")["name_vi" if lang == "vi" else "name_en"]
    ordered = rated.sort_values("achievement_pct", ascending=False)

    def sentence(row) -> str:
        return t("overview_of_plan", lang, name=names[row["indicator"]], pct=achievement_text(row["achievement_pct"], lang))

    best, worst = ordered.iloc[0], ordered.iloc[-1]
    out = [f"{t('best', lang)}: {sentence(best)}."]
    if worst["indicator"] != best["indicator"]:
        out.append(f"{t('worst', lang)}: {sentence(worst)}.")
    return out


def card(row, meta, lang: str = "vi") -> Card:
    decimals, uom = int(meta["decimals"]), meta["unit_of_measure"]
    plan = plan_text(row["plan"], row.get("plan_kind"), row.get("plan_high"), uom, decimals, lang, with_unit=True)
    caption = (f"{t('plan', lang)}: {plan}"
               f" · {t('achievement', lang)}: {achievement_text(row['achievement_pct'], lang)}"
               f"  \n{t('change', lang)}: {change_text(row, lang)}")
    progress = progress_text(row, uom, decimals, lang)
    if progress:  # which pace the verdict was judged against, said on the card
        caption += f"  \n{progress}"
    published = published_note(row, meta, lang)
    if published:  # a region's or the nation's own published figure: beside the computed one, or instead, labelled
        caption += f"  \n{published}"
    return Card(row["indicator"], meta["name_vi"] if lang == "vi" else meta["name_en"],
                actual_text(row, meta, lang, with_unit=True), row["verdict"], verdict_text(row["verdict"], lang),
                caption, sources.caption(row, lang, with_standing=False, quoted_words=False, sep="  \n"),
                sources.is_quoted(row.get("sources")), sources.standing_text(row.get("estimate_status"), lang))


def unreported_note(codes: list[str], catalogue: pd.DataFrame, lang: str = "vi") -> str:
    """'Chưa có số liệu trong bản dữ liệu này (n chỉ tiêu của danh mục): …'; '' when every indicator has figures."""
    if not codes:
        return ""
    names = catalogue.set_index("code")["name_vi" if lang == "vi" else "name_en"]
    return t("unreported_indicators", lang, n=len(codes), names="; ".join(str(names.get(c, c)) for c in codes))


@shared(maxsize=256)  # per (snapshot, filters, language), for every session (kpi.memo)
def overview_screen(snapshot: Snapshot, units: pd.DataFrame, catalogue: pd.DataFrame, unit: str, period: str,
                    lang: str = "vi") -> OverviewScreen:
    title = f"{t('page_overview', lang)} — {unit_name(units, unit, lang)} — {period_label(period, lang)}"
    frame = figures_cached(snapshot, [unit], [period])  # queries/facts_aggregate.sql
    if frame["actual"].notna().sum() == 0 and frame["published"].notna().sum() == 0:
        return OverviewScreen(title, frame, has_figures=False)
    # catalogue entries the snapshot has never held a figure of are named once, not shown as cards of '–'
    never = unreported(snapshot, frame["indicator"])
    frame = frame[~frame["indicator"].isin(never)].reset_index(drop=True)
    cumulative = not parse_period(period).is_whole_year
    metas = meta_rows(catalogue)  # dicts, not a Series per card (kpi.screens.tables)
    records = frame.to_dict("records")
    sections = []
    for domain, name_vi, name_en in zip(*(domains()[c] for c in ("domain", "name_vi", "name_en"))):
        cards = [card(r, metas[r["indicator"]], lang) for r in records
                 if r["indicator"] in metas and metas[r["indicator"]]["domain"] == domain]
        if cards:
            sections.append(Section(name_vi if lang == "vi" else name_en, cards))
    table = figure_table(frame, catalogue, lang)  # with each figure's source, standing and note
    return OverviewScreen(title, frame, True, summary_sentence(frame, cumulative, lang),
                          best_and_worst(frame, catalogue, lang), cumulative, sections, table,
                          partial(figures_sheet, frame, catalogue, lang), unreported_note(never, catalogue, lang))
