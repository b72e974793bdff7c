"""The texts of a Sở report drafted from the figures (no Streamlit here): I. the results by domain in
sentences, II. ưu điểm and hạn chế, III. phương hướng (next period's targets from the plans), and
ranks on named indicators with their basis.

Every verdict (vượt / đạt / chưa đạt kế hoạch, vượt / đúng / chậm tiến độ) and every change on the
same period last year is decided in kpi.formulas and carried by kpi.figures; this module only picks
which figures a paragraph names and says them with the texts of kpi.text (keys `rep_*`).

Rules of the draft:
- ưu điểm: the indicators that met or beat their plan (whole year) or are on or ahead of schedule
  (3, 6, 9 months), best first by % of plan; then the largest changes for the better on the same
  period last year (counts by %, at least NOTABLE_CHANGE_PCT; rates by points, at least
  NOTABLE_CHANGE_PP), at most NOTABLE_CHANGES counts and NOTABLE_CHANGES rates;
- hạn chế: the indicators below plan or behind schedule, furthest first, with what is still
  needed to reach the annual plan for a count; the largest changes for the worse; the
  indicators of the catalogue without a figure; figures that cannot be compared with last year;
- phương hướng: for 3, 6 or 9 months, the annual plans not yet reached (with what remains); for
  a whole year, the plans of the next year in the data, or a sentence that there are none yet;
- ranks: only on a named rate indicator (a rate compares provinces of any size), among the
  provinces of the report's geography with a figure, ties shared (kpi.formulas.competition_ranks),
  with the direction said ('thấp hơn xếp trước').
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.access.users import User
from kpi.figures import figures_cached
from kpi.figures import units as units_of
from kpi.periods import parse_period
from kpi.reports.letterhead import issuing_agency
from kpi.store import report_texts
from kpi.store.indicators import domains
from kpi.store.report_texts import ReportTexts
from kpi.store.snapshots import Snapshot
from kpi.text import fmt
from kpi.text.figure_text import plan_text, verdict_text
from kpi.text.i18n import t
from kpi.units.names import units_of_geography

NOTABLE_CHANGE_PCT = 5.0    # a count's change on last year worth a sentence (%)
NOTABLE_CHANGE_PP = 0.5     # a rate's change on last year worth a sentence (percentage points)
NOTABLE_CHANGES = 2         # at most this many counts and this many rates named, for the better and the worse
DONE = (formulas.EXCEEDED, formulas.MET)
ON_TRACK = (formulas.AHEAD, formulas.ON_SCHEDULE)
SHORT = (formulas.BELOW, formulas.BEHIND)


@dataclass
class Draft:
    """What the report says before the user edits it; each list is one text area of the page."""
    results: list[tuple[str, list[str]]]            # (domain title, sentences) for section I
    headline: str = ""                              # section I's opening sentence
    strengths: list[str] = field(default_factory=list)   # II.1 Ưu điểm
    weaknesses: list[str] = field(default_factory=list)  # II.2 Hạn chế, nguyên nhân
    directions: list[str] = field(default_factory=list)  # III. Phương hướng, nhiệm vụ
    ranks: dict[str, tuple[int, bool, int]] = field(default_factory=dict)  # indicator -> (rank, tied, of)


def as_text(lines: list[str]) -> str:
    """A list of drafted sentences as the text area holds it: one '- ' line each."""
    return "\n".join(f"- {line}" for line in lines)


def lines_of(text: str) -> list[str]:
    """The paragraphs of an edited text area (a leading '- ' or '+ ' kept off; blank lines dropped)."""
    out = []
    for raw in (text or "").splitlines():
        line = raw.strip()
        if line.startswith(("- ", "+ ", "* ")):
            line = line[2:].strip()
        if line:
            out.append(line)
    return out


def _value(row, key: str):
    value = row.get(key) if hasattr(row, "get") else row[key]
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _figure(row, value, lang: str) -> str:
    return fmt.figure(value, row["unit_of_measure"], int(row["decimals"]), lang)


def _plan(row, lang: str) -> str:
    return plan_text(row["plan"], row["plan_kind"], row["plan_high"], row["unit_of_measure"], int(row["decimals"]),
                     lang, with_unit=True)


def is_rate(row) -> bool:
    return formulas.change_kind(row["aggregation"]) == formulas.CHANGE_POINTS


def _change(row, lang: str) -> str:
    """'tăng 7,2% so với cùng kỳ', 'giảm 0,12 điểm % so với cùng kỳ'; '' when unknown or not comparable."""
    if _value(row, "change_comparable") is not None and not bool(row["change_comparable"]):
        return ""
    value = formulas.change_value(row)
    if value is None or value != value:
        return ""
    if abs(value) < 10 ** -(2 if is_rate(row) else 1) / 2:
        return t("rep_change_same", lang)
    amount = fmt.signed_points(abs(value), 2, lang) if is_rate(row) else fmt.signed_percent(abs(value), 1, lang)
    return t("rep_change_up" if value > 0 else "rep_change_down", lang, change=amount[1:])


def _against_plan(row, lang: str, cumulative: bool) -> str:
    """How the figure stands against its plan, in words a report uses (no '(đạt)' after a %)."""
    verdict = row["verdict"]
    plan = _plan(row, lang)
    pct = row["achievement_pct"]
    count = not is_rate(row) and str(row["plan_kind"]) == formulas.LEVEL and pct == pct
    if cumulative and verdict in (*ON_TRACK, formulas.BEHIND):
        base = t("rep_plan_share", lang, pct=fmt.percent(pct, 1, lang), plan=plan) if count \
            else t("rep_plan_rate", lang, plan=plan)
        pace = verdict_text(verdict, lang).lower()
        expected = pace_basis(row, lang)
        return f"{base}, {pace}" + (f" ({expected})" if expected else "")
    if verdict == formulas.EXCEEDED:
        if count:
            return t("rep_exceeded_by", lang, over=fmt.percent(pct - 100, 1, lang), plan=plan)
        return t("rep_exceeded", lang, plan=plan)
    if verdict == formulas.MET:
        return t("rep_met", lang, plan=plan)
    if verdict == formulas.BELOW:
        if count:
            return t("rep_below_share", lang, pct=fmt.percent(pct, 1, lang), plan=plan)
        return t("rep_below", lang, plan=plan)
    return ""


def pace_basis(row, lang: str = "vi") -> str:
    """What a 3-, 6- or 9-month figure was judged against, in one clause ('mức cần đạt 52.530 người,
    theo nhịp thực hiện năm trước của đơn vị: 75,5% kế hoạch năm'); '' when not judged on its pace."""
    expected = _value(row, "expected")
    if expected is None:
        return ""
    figure = _figure(row, expected, lang)
    if row["share_basis"] == "path":
        return t("rep_pace_path", lang, expected=figure)
    share = fmt.percent(float(row["expected_share"]) * 100, 1, lang)
    key = "rep_pace_profile" if row["share_basis"] == "profile" else "rep_pace_months"
    return t(key, lang, expected=figure, share=share)


def headline(figures: pd.DataFrame, lang: str = "vi", cumulative: bool = False) -> str:
    """The opening sentence of section I: how many rated indicators stand where, zero counts left out."""
    rated = figures[figures["verdict"].isin(formulas.RATED_VERDICTS)]
    if rated.empty:
        return t("rep_headline_none", lang)
    order = ((DONE, formulas.AHEAD, formulas.ON_SCHEDULE, formulas.BEHIND, formulas.BELOW) if cumulative
             else (formulas.EXCEEDED, formulas.MET, formulas.BELOW))
    parts = []
    for verdicts in order:
        verdicts = verdicts if isinstance(verdicts, tuple) else (verdicts,)
        count = int(rated["verdict"].isin(verdicts).sum())
        if count:
            key = "rep_part_done" if verdicts == DONE else f"rep_part_{verdicts[0]}"
            parts.append(t(key, lang, n=count))
    return t("rep_headline_cumulative" if cumulative else "rep_headline", lang, rated=len(rated),
             parts=", ".join(parts))


def result_sentence(row, lang: str = "vi", cumulative: bool = False, rank: tuple[int, bool, int] | None = None,
                    geography: int = 34) -> str:
    """One indicator of section I: 'Giải quyết việc làm: 60.779 người, vượt 4,3% kế hoạch năm
    (58.300 người); tăng 7,2% so với cùng kỳ.'"""
    name = row["name"]
    if not row["comparable"]:
        return t("rep_not_comparable", lang, name=name)
    if row["actual"] != row["actual"]:
        return t("rep_missing", lang, name=name)
    parts = [f"{name}: {_figure(row, row['actual'], lang)}"]
    against = _against_plan(row, lang, cumulative)
    if against:
        parts[0] += f", {against}"
    elif row["verdict"] == formulas.CONTEXT_ONLY:
        parts[0] += f" ({t('rep_context_only', lang)})"
    change = _change(row, lang)
    if change:
        parts.append(change)
    if rank is not None:
        parts.append(rank_sentence(row, rank, geography, lang))
    if not row["complete"]:
        parts.append(t("rep_incomplete", lang))
    return "; ".join(parts) + "."


def rank_sentence(row, rank: tuple[int, bool, int], geography: int, lang: str = "vi") -> str:
    """'đứng thứ 5/34 tỉnh, thành phố có số liệu về tỷ lệ thất nghiệp khu vực thành thị (thấp hơn xếp trước)'."""
    position, shared, total = rank
    basis = t("rep_rank_low_first" if int(row["direction"]) < 0 else "rep_rank_high_first", lang)
    key = "rep_rank_tied" if shared else "rep_rank"
    return t(key, lang, rank=position, total=total, name=str(row["name"])[:1].lower() + str(row["name"])[1:],
             basis=basis, geography=geography)


def indicator_ranks(snapshot: Snapshot, units: pd.DataFrame, unit: str, period: str, geography: int,
                    figures: pd.DataFrame) -> dict[str, tuple[int, bool, int]]:
    """The unit's rank among the provinces of the geography on each rated rate indicator it has a
    figure of: (rank, tied, provinces with a figure). Empty when the unit is not such a province."""
    provinces = units_of_geography(units, geography, levels=("province",))
    if unit not in provinces:
        return {}
    rate = np.array([is_rate(r) for _, r in figures.iterrows()], dtype=bool)
    rates = figures[((figures["direction"] != 0) & figures["actual"].notna() & figures["comparable"]).to_numpy() & rate]
    if rates.empty:
        return {}
    every = figures_cached(snapshot, provinces, [period])  # queries/facts_aggregate.sql
    out = {}
    for _, row in rates.iterrows():
        part = every[(every["indicator"] == row["indicator"]) & every["comparable"]]
        part = part[part["actual"].notna()]
        if len(part) < 2 or unit not in set(part["unit"]):
            continue
        ranks = formulas.competition_ranks(part["actual"].to_numpy(dtype="float64"), int(row["direction"]))
        shared = formulas.tied(ranks)
        mine = int(np.flatnonzero(part["unit"].to_numpy() == unit)[0])
        out[row["indicator"]] = (int(ranks[mine]), bool(shared[mine]), len(part))
    return out


def _listing(rows: pd.DataFrame, lang: str, counts_only: bool = False) -> str:
    """'A (104,3% kế hoạch); B (...)': the % of plan of each (mid-year, of counts only: a rate's
    share of its annual target says nothing about its pace)."""
    names = []
    for _, row in rows.iterrows():
        pct = row["achievement_pct"]
        shown = pct == pct and not np.isinf(pct) and not (counts_only and is_rate(row))
        names.append(f"{row['name']} ({t('rep_pct_of_plan', lang, pct=fmt.percent(pct, 1, lang))})"
                     if shown else str(row["name"]))
    return "; ".join(names)


def _notable(figures: pd.DataFrame, better: bool) -> pd.DataFrame:
    """Changes on last year worth naming, for the better or the worse, largest first (counts, then rates)."""
    rated = figures[(figures["direction"] != 0) & figures["actual"].notna()].copy()
    if "change_comparable" in rated:
        rated = rated[rated["change_comparable"].fillna(True).astype(bool)]
    picked = []
    for rate in (False, True):
        part = rated[np.array([is_rate(r) == rate for _, r in rated.iterrows()], dtype=bool)].copy()
        if part.empty:
            continue
        change = part["change_pp"] if rate else part["change_pct"]
        signed = change * part["direction"]
        threshold = NOTABLE_CHANGE_PP if rate else NOTABLE_CHANGE_PCT
        keep = (signed >= threshold) if better else (signed <= -threshold)
        part = part[keep.fillna(False)].assign(_size=signed[keep.fillna(False)].abs())
        if len(part):
            picked.append(part.sort_values("_size", ascending=False))
    if not picked:
        return rated.iloc[0:0]
    return pd.concat([part.head(NOTABLE_CHANGES) for part in picked])


def _change_listing(rows: pd.DataFrame, lang: str) -> str:
    return "; ".join(f"{row['name']} {_change(row, lang)}" for _, row in rows.iterrows())


def strengths(figures: pd.DataFrame, lang: str = "vi", cumulative: bool = False) -> list[str]:
    done = figures[figures["verdict"].isin(DONE)].sort_values("achievement_pct", ascending=False)
    rated = figures[figures["verdict"].isin(formulas.RATED_VERDICTS)]
    lines = []
    if len(done):
        key = "rep_strength_done_cumulative" if cumulative else "rep_strength_done"
        lines.append(t(key, lang, n=len(done), rated=len(rated), names=_listing(done, lang)))
    if cumulative:
        track = figures[figures["verdict"].isin(ON_TRACK)].sort_values("progress_pct", ascending=False)
        if len(track):
            lines.append(t("rep_strength_on_track", lang, n=len(track), names=_listing(track, lang, True)))
    better = _notable(figures, better=True)
    if len(better):
        lines.append(t("rep_strength_changes", lang, names=_change_listing(better, lang)))
    if not lines:
        lines.append(t("rep_strength_none", lang))
    return lines


def _gap(row, lang: str) -> str:
    """What a count still needs to reach its annual plan ('còn 1.200 người'); '' for a rate."""
    if is_rate(row) or str(row["plan_kind"]) != formulas.LEVEL or row["plan"] != row["plan"]:
        return ""
    gap = (float(row["plan"]) - float(row["actual"])) * int(row["direction"])
    return t("rep_gap", lang, gap=_figure(row, gap, lang)) if gap > 0 else ""


def weaknesses(figures: pd.DataFrame, lang: str = "vi", cumulative: bool = False) -> list[str]:
    lines = []
    below = figures[figures["verdict"] == formulas.BELOW].sort_values("achievement_pct")
    if len(below):
        names = []
        for _, row in below.iterrows():
            gap = _gap(row, lang)
            pct = fmt.percent(row["achievement_pct"], 1, lang)
            names.append(f"{row['name']} ({t('rep_pct_of_plan', lang, pct=pct)}" + (f", {gap})" if gap else ")"))
        lines.append(t("rep_weak_below", lang, n=len(below), names="; ".join(names)))
    behind = figures[figures["verdict"] == formulas.BEHIND].sort_values("progress_pct")
    if len(behind):
        lines.append(t("rep_weak_behind", lang, n=len(behind), names=_listing(behind, lang, True)))
    worse = _notable(figures, better=False)
    if len(worse):
        lines.append(t("rep_weak_changes", lang, names=_change_listing(worse, lang)))
    missing = figures[figures["actual"].isna() & figures["comparable"]]
    if len(missing):
        lines.append(t("rep_weak_missing", lang, n=len(missing), names="; ".join(missing["name"])))
    apart = figures[~figures["comparable"].astype(bool)]
    if len(apart):
        lines.append(t("rep_weak_not_comparable", lang, names="; ".join(apart["name"])))
    if not lines:
        lines.append(t("rep_weak_none", lang))
    return lines


def directions(snapshot: Snapshot, unit: str, period: str, figures: pd.DataFrame, lang: str = "vi") -> list[str]:
    """Section III: the targets of the next period from the plans in the data."""
    parsed = parse_period(period)
    if not parsed.is_whole_year:
        open_ = figures[figures["plan"].notna() & figures["actual"].notna() & (figures["direction"] != 0)
                        & ~figures["verdict"].isin(DONE) & (figures["verdict"] != formulas.CONTEXT_ONLY)]
        if open_.empty:
            return [t("rep_next_all_done", lang, year=parsed.year)]
        lines = [t("rep_next_rest_of_year", lang, year=parsed.year)]
        for _, row in open_.iterrows():
            gap = _gap(row, lang)
            lines.append(f"{row['name']}: {_plan(row, lang)}" + (f" ({gap})" if gap else ""))
        return lines
    year = parsed.year + 1
    plans = figures_cached(snapshot, [unit], [str(year)])  # queries/facts_aggregate.sql
    plans = plans[plans["plan"].notna()]
    if plans.empty:
        return [t("rep_next_no_plans", lang, year=year)]
    meta = figures.set_index("indicator")
    plans = plans[plans["indicator"].isin(meta.index)]
    if plans.empty:
        return [t("rep_next_no_plans", lang, year=year)]
    plans = plans.assign(_order=plans["indicator"].map(meta["code_order"])).sort_values("_order")
    lines = [t("rep_next_year", lang, year=year, n=len(plans))]
    for _, row in plans.iterrows():
        info = meta.loc[row["indicator"]]
        name = info["name"]
        text = plan_text(row["plan"], row["plan_kind"], row["plan_high"], info["unit_of_measure"],
                         int(info["decimals"]), lang, with_unit=True)
        lines.append(f"{name}: {text}")
    return lines


def draft(snapshot: Snapshot, units: pd.DataFrame, unit: str, period: str, figures: pd.DataFrame,
          geography: int, lang: str = "vi") -> Draft:
    """Every drafted text of the report on `unit` for `period` (`figures`: kpi.reports.deck's
    indicator_figures, catalogue order)."""
    cumulative = not parse_period(period).is_whole_year
    ranks = indicator_ranks(snapshot, units, unit, period, geography, figures)
    results = []
    for _, domain in domains().iterrows():
        part = figures[figures["domain"] == domain["domain"]]
        if part.empty or part["actual"].notna().sum() == 0:
            continue
        title = domain["name_vi"] if lang == "vi" else domain["name_en"]
        results.append((title, [result_sentence(r, lang, cumulative, ranks.get(r["indicator"]), geography)
                                for _, r in part.iterrows() if r["actual"] == r["actual"]]))
    return Draft(results, headline(figures, lang, cumulative), strengths(figures, lang, cumulative),
                 weaknesses(figures, lang, cumulative), directions(snapshot, unit, period, figures, lang), ranks)


@dataclass
class Content:
    """What the Word report says in sections I-IV: the draft, with the user's kept texts in place
    of the drafted ones when a version was saved (kpi.store.report_texts)."""
    draft: Draft
    strengths: list[str]
    weaknesses: list[str]
    directions: list[str]
    proposals: list[str]
    kept: ReportTexts | None = None


def drafted_texts(draft_: Draft, unit: str, period: str, geography: int, snapshot_id: str = "",
                  domain: str = "") -> ReportTexts:
    """The draft as the page's text areas hold it (not saved: version 0)."""
    return ReportTexts(unit, period, int(geography), as_text(draft_.strengths), as_text(draft_.weaknesses),
                       as_text(draft_.directions), "", snapshot=snapshot_id, domain=domain)


def content(draft_: Draft, kept: ReportTexts | None) -> Content:
    if kept is None:
        return Content(draft_, draft_.strengths, draft_.weaknesses, draft_.directions, [], None)
    return Content(draft_, lines_of(kept.strengths), lines_of(kept.weaknesses), lines_of(kept.directions),
                   lines_of(kept.proposals), kept)


def deck_content(deck, texts: ReportTexts | None = None, domain: str = "") -> Content:
    """The report of a deck (kpi.reports.deck.Deck): drafted from its snapshot and figures; the
    given texts, else the newest kept version of this unit, period, geography and domain, in place
    of the draft."""
    if deck.snapshot is None:
        raise ValueError("the deck carries no snapshot to draft the report from")
    geography = deck.geography or parse_period(deck.period).generation
    draft_ = draft(deck.snapshot, units_of(deck.snapshot), deck.unit, deck.period, deck.figures, geography, "vi")
    kept = texts if texts is not None else report_texts.newest(deck.unit, deck.period, geography, deck.data_dir,
                                                               domain)
    return content(draft_, kept)


def domain_deck(deck, domain: str, user: User | None = None):
    """The deck of a report on one domain: its figures only, issued by the department that holds the
    domain since 2025 (kpi.reports.letterhead); the whole deck for '' (the whole sector)."""
    if not domain:
        return deck
    figures = deck.figures[deck.figures["domain"] == domain].reset_index(drop=True)
    head = issuing_agency(units_of(deck.snapshot), deck.unit, deck.period, domain=domain, user=user,
                          data_dir=deck.data_dir)
    return replace(deck, figures=figures, letterhead=head,
                   slides=[s for s in deck.slides if s.kind == "headline" or s.key == f"domain:{domain}"])


def domain_name(domain: str, lang: str = "vi") -> str:
    table = domains().set_index("domain")
    return str(table.loc[domain, "name_vi" if lang == "vi" else "name_en"]) if domain in table.index else ""
