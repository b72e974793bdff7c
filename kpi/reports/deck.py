"""The briefing deck of one unit and period: what the presentation mode, the PowerPoint deck and the
Word report say, slide by slide (no Streamlit here).

Slides, in order:
  1. headline   — how many indicators beat, meet or miss the plan, per domain
  2. domain:*   — one per domain with figures: each indicator's % of the whole-year plan
  3. provinces  — the province among all provinces: indicators that met or beat the plan, ranked
  4. emulation  — its emulation rank, when a scorecard for the bloc and period exists (kpi.scoring)

All figures come from kpi.figures.figures_cached (queries/facts_aggregate.sql) with their verdict
(kpi.formulas); the deck only says them (kpi.text.figure_text) and counts verdicts.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field

import pandas as pd

from kpi import formulas, scoring
from kpi.charts.theme import NOT_RATED, SLIDE_STATUS_ORDER
from kpi.figures import figures_cached, indicators, unreported
from kpi.figures import units as units_of
from kpi.periods import parse_period
from kpi.reports.letterhead import Letterhead, issuing_agency
from kpi.reports.settings import SettingsError
from kpi.store.indicators import domains
from kpi.store.snapshots import Snapshot
from kpi.text import fmt
from kpi.text.figure_text import achievement_text, change_text, change_words, plan_text, progress_text, rank_text, verdict_text
from kpi.text.i18n import t
from kpi.units.names import full_name, unit_name, units_of_geography

STATUS_ORDER = SLIDE_STATUS_ORDER


@dataclass
class Slide:
    key: str                 # 'headline', 'domain:<code>', 'provinces', 'emulation'
    kind: str                # 'headline' | 'domain' | 'provinces' | 'emulation'
    title: str
    subtitle: str
    data: pd.DataFrame       # what the slide's chart draws (see kpi.static_charts)
    summary: str = ""        # one line under the chart
    notes: list[str] = field(default_factory=list)  # speaker notes: the figures in sentences
    chart: SlideChart | None = None  # the chart as series of figures (the PowerPoint's native chart)


@dataclass
class ChartSeries:
    name: str
    values: list[float | None]  # one per category; None where there is no figure (a gap, never a zero)
    colours: list[str]          # one colour key per point: a verdict key of theme.SLIDE_STATUS_COLOURS,
                                # or 'highlight' / 'other' (the presented unit and the rest)
    labels: list[str]           # what is written on each point, as kpi.text.fmt writes it ('' for none)
    plan: bool = False          # the plan mark (100% of plan), not a figure


@dataclass
class SlideChart:
    """A slide's chart as figures: categories, series and their labels (kpi.reports.powerpoint draws it)."""
    shape: str                  # 'bar' (horizontal), 'stacked_bar' (horizontal, stacked) or 'column'
    categories: list[str]
    series: list[ChartSeries]
    value_title: str
    decimals: int               # of the values: the number format of the data sheet and the labels
    percent: bool = False       # values are percentages (102.1 is 102,1%)
    value_max: float | None = None
    sheet: pd.DataFrame | None = None  # more figures for the data sheet, one row per category


@dataclass
class Deck:
    unit: str
    unit_name: str
    unit_full_name: str      # as a sentence says it: 'tỉnh Vĩnh Long', 'cả nước'
    period: str
    period_label: str
    lang: str
    snapshot_id: str
    snapshot_created: str
    is_demo: bool
    figures: pd.DataFrame    # one row per indicator, catalogue order, with names and display texts
    slides: list[Slide]
    letterhead: Letterhead | None = None  # who issues it, how its title names the unit (kpi.reports.letterhead)
    geography: int | None = None          # the province geography (34 or 63) of its comparisons
    snapshot: Snapshot | None = None      # what it was built from (the Word report drafts from it too)
    data_dir: object = None               # the data folder (the Word report's kept texts)

    @property
    def titles(self) -> list[str]:
        return [s.title for s in self.slides]

    def footer(self) -> str:
        return t("exp_footer", self.lang, id=self.snapshot_id)


class DeckError(ValueError):
    pass


def _geography_for(units: pd.DataFrame, unit: str, period: str, geography: int | None) -> int:
    row = units.loc[units["unit"] == unit]
    generation = str(row.iloc[0]["generation"]) if len(row) else "both"
    if generation in ("63", "34"):
        return int(generation)
    return int(geography) if geography else parse_period(period).generation


def indicator_figures(snapshot: Snapshot, unit: str, period: str, lang: str = "vi") -> pd.DataFrame:
    """The unit's figures in catalogue order, with names, units of measure and display texts."""
    catalogue = indicators(snapshot)
    frame = figures_cached(snapshot, [unit], [period])  # queries/facts_aggregate.sql
    # as on the screens: indicators the snapshot has never held a figure of are not rows of '–'
    frame = frame[~frame["indicator"].isin(unreported(snapshot, frame["indicator"]))]
    meta = catalogue.set_index("code")
    frame = frame.join(meta[["name_vi", "name_en", "domain", "unit_of_measure", "decimals", "code_order"]],
                       on="indicator")
    frame = frame.sort_values("code_order").reset_index(drop=True)
    frame["name"] = frame["name_vi"] if lang == "vi" else frame["name_en"]
    frame["decimals"] = frame["decimals"].astype(int)
    frame["actual_text"] = [fmt.number(v, d, lang) for v, d in zip(frame["actual"], frame["decimals"])]
    frame["plan_text"] = [plan_text(r["plan"], r["plan_kind"], r["plan_high"], r["unit_of_measure"], r["decimals"], lang)
                          for _, r in frame.iterrows()]
    frame["achievement_text"] = [achievement_text(v, lang) for v in frame["achievement_pct"]]
    frame["change_text"] = [change_text(r, lang) for _, r in frame.iterrows()]
    frame["status_key"] = [slide_key(v) for v in frame["verdict"]]
    return frame


def status_label(key: str, lang: str = "vi") -> str:
    """The legend of a slide's verdict category ('Vượt', ..., 'Không đánh giá')."""
    return t(key if key != NOT_RATED else "exp_no_rating", lang)


def slide_key(verdict: str) -> str:
    """The verdict for figures measured against a plan; 'none' for no plan, no data or context only."""
    return verdict if verdict in formulas.RATED_VERDICTS else NOT_RATED


def indicator_sentence(row, lang: str = "vi", cumulative: bool = False) -> str:
    """One figure in words, as the report and the speaker notes say it."""
    name = row["name"]
    if not row["comparable"]:
        return t("exp_not_comparable_sentence", lang, name=name)
    if row["actual"] != row["actual"]:
        return t("exp_missing_sentence", lang, name=name)
    uom = row["unit_of_measure"]
    actual = fmt.figure(row["actual"], uom, int(row["decimals"]), lang)
    parts = [f"{name}: {actual}"]
    if row["plan"] == row["plan"]:
        plan = plan_text(row["plan"], row["plan_kind"], row["plan_high"], uom, int(row["decimals"]), lang, with_unit=True)
        key = "exp_sentence_plan_cumulative" if cumulative else "exp_sentence_plan"
        parts.append(t(key, lang, plan=plan, pct=row["achievement_text"]))
        if row["verdict"] in formulas.RATED_VERDICTS:  # mid-year: ahead / on / behind schedule, not a verdict on the year
            parts[-1] += f" ({verdict_text(row['verdict'], lang).lower()})"
        progress = progress_text(row, uom, int(row["decimals"]), lang)
        if progress:
            parts.append(progress)
    change = change_words(row, lang)
    if change:
        parts.append(change)
    if not row["complete"]:
        parts.append(t("incomplete", lang).lower())
    return "; ".join(parts) + "."


def wrap(text: str, width: int = 34) -> str:
    """Break a long label into lines of similar length (no lonely last word)."""
    text = str(text)
    lines = math.ceil(len(text) / width)
    if lines <= 1:
        return text
    return "\n".join(textwrap.wrap(text, math.ceil(len(text) / lines) + 4))


def _headline(frame: pd.DataFrame, deck_head: str, lang: str, cumulative: bool) -> Slide:
    rows = []
    for _, domain in domains().iterrows():
        part = frame[frame["domain"] == domain["domain"]]
        if part.empty:
            continue
        label = domain["name_vi"] if lang == "vi" else domain["name_en"]
        for order, status in enumerate(STATUS_ORDER):
            count = int((part["status_key"] == status).sum())
            if count:
                rows.append({"domain": label, "domain_order": int(domain["order"]), "status": status,
                             "status_label": status_label(status, lang), "status_order": order, "count": count})
    data = pd.DataFrame(rows, columns=["domain", "domain_order", "status", "status_label", "status_order", "count"])
    rated = frame[frame["status_key"] != NOT_RATED]
    counts = {key: int((rated["status_key"] == key).sum()) for key in formulas.RATED_VERDICTS}
    good = sum(counts[key] for key in formulas.GOOD_VERDICTS)
    summary = t("exp_headline_summary", lang, good=good, rated=len(rated), exceeded=counts["exceeded"],
                met=counts["met"], below=counts["below"])
    notes = [t("progress_note", lang)] if cumulative else []
    if cumulative:  # mid-year, a count short of the annual plan is in progress, not failed
        summary = t("exp_headline_summary_cumulative", lang, done=counts["exceeded"] + counts["met"],
                    on_track=counts["ahead"] + counts["on_schedule"], rated=len(rated), behind=counts["behind"],
                    below=counts["below"])
    return Slide("headline", "headline", t("exp_slide_headline", lang), deck_head, data, summary, notes)


def _domain_slides(frame: pd.DataFrame, deck_head: str, lang: str, cumulative: bool) -> list[Slide]:
    slides = []
    for _, domain in domains().iterrows():
        part = frame[frame["domain"] == domain["domain"]]
        if part.empty or part["actual"].notna().sum() == 0:
            continue
        data = part[["indicator", "name", "unit_of_measure", "actual", "plan", "achievement_pct", "status",
                     "status_key", "actual_text", "achievement_text", "change_text"]].copy()
        data["label"] = [wrap(n) for n in data["name"]]
        data["figure_text"] = [fmt.figure(a, u, d, lang) for a, u, d in
                               zip(part["actual"], part["unit_of_measure"], part["decimals"])]
        data["bar_text"] = [
            (t("exp_bar_text", lang, figure=f, pct=p) if p != fmt.MISSING
             else t("exp_bar_text_no_plan", lang, figure=f)) if f != fmt.MISSING else t("missing", lang)
            for p, f in zip(data["achievement_text"], data["figure_text"])]
        title = domain["name_vi"] if lang == "vi" else domain["name_en"]
        counts = {s: int((part["status_key"] == s).sum()) for s in STATUS_ORDER}
        summary = t("exp_domain_summary", lang, exceeded=counts["exceeded"], met=counts["met"],
                    below=counts["below"], none=counts[NOT_RATED])
        if cumulative:
            summary = t("exp_domain_summary_cumulative", lang, done=counts["exceeded"] + counts["met"],
                        ahead=counts["ahead"], on=counts["on_schedule"], behind=counts["behind"],
                        below=counts["below"], none=counts[NOT_RATED])
        notes = [indicator_sentence(r, lang, cumulative) for _, r in part.iterrows()]
        slides.append(Slide(f"domain:{domain['domain']}", "domain", title, deck_head,
                            data.reset_index(drop=True), summary, notes))
    return slides


def provinces_frame(snapshot: Snapshot, units: pd.DataFrame, geography: int, period: str,
                    lang: str = "vi") -> pd.DataFrame:
    """Per province: rated indicators with figures, how many met or beat the plan, and the rank on that."""
    provinces = units_of_geography(units, geography, levels=("province",))
    frame = figures_cached(snapshot, provinces, [period])  # queries/facts_aggregate.sql
    frame["status_key"] = [slide_key(v) for v in frame["verdict"]]
    rated = frame[frame["status_key"] != NOT_RATED]
    counts = rated.groupby("unit")["status_key"].agg(
        good=lambda s: int(s.isin(formulas.GOOD_VERDICTS).sum()), rated="size")
    out = pd.DataFrame({"unit": provinces})
    out = out.join(counts, on="unit")
    out["name"] = [unit_name(units, u, lang) for u in out["unit"]]
    out["rank"] = formulas.competition_ranks(out["good"].to_numpy(dtype="float64"))
    is_tied = formulas.tied(out["rank"].to_numpy())
    out["tied"] = is_tied
    out["rank_label"] = [rank_text(r, tie, lang=lang) for r, tie in zip(out["rank"], is_tied)]
    return out


def _provinces_slide(snapshot, units, unit: str, geography: int, period: str, deck_head: str,
                     lang: str) -> Slide | None:
    if unit not in units_of_geography(units, geography, levels=("province",)):
        return None
    data = provinces_frame(snapshot, units, geography, period, lang)
    if data["good"].notna().sum() == 0:
        return None
    data["highlight"] = data["unit"] == unit
    data = data.sort_values(["rank", "name"], na_position="last").reset_index(drop=True)
    mine = data[data["highlight"]].iloc[0]
    reporting = data["good"].notna()
    name = unit_name(units, unit, lang)
    if mine["good"] == mine["good"]:
        # no 'xếp thứ N': a count of a province's own targets met does not rank provinces (issue 11)
        summary = t("rep_provinces_summary", lang, name=name, good=int(mine["good"]), rated=int(mine["rated"]))
    else:
        summary = t("exp_provinces_missing", lang, name=name)
    uneven = data.loc[reporting, "rated"].nunique() > 1
    notes = [t("exp_provinces_uneven", lang)] if uneven else []
    missing = data.loc[~reporting, "name"].tolist()
    if missing:
        notes.append(f"{t('missing', lang)}: {', '.join(missing)}")
    title = t("exp_slide_provinces", lang, name=name, n=len(data))
    return Slide("provinces", "provinces", title, deck_head, data, summary, notes)


def _emulation_slide(snapshot, units, unit: str, period: str, deck_head: str, lang: str,
                     data_dir) -> Slide | None:
    """The unit's rank on a scorecard of its bloc for this period, if one exists."""
    found = _score_unit(snapshot, unit, period, data_dir)
    if found is None:
        return None
    card, ranking = found
    table = ranking[["unit", "rank", "tied", "total", "tier", "complete"]].copy()
    table["name"] = [unit_name(units, u, lang) for u in table["unit"]]
    table["highlight"] = table["unit"] == unit
    table["rank_label"] = [rank_text(r, tie, lang=lang) for r, tie in zip(table["rank"], table["tied"])]
    table["total_text"] = [fmt.number(v, 1, lang) for v in table["total"]]
    mine = table[table["highlight"]].iloc[0]
    summary = t("exp_emulation_summary", lang, name=unit_name(units, unit, lang),
                rank=rank_text(mine["rank"], bool(mine["tied"]), len(table), lang), total=mine["total_text"],
                tier=mine["tier"] or "")
    notes = [card.title, card.bloc] + ([card.issued] if card.issued else [])
    return Slide("emulation", "emulation", t("exp_slide_emulation", lang), deck_head,
                 table.reset_index(drop=True), summary, notes)


def _score_unit(snapshot, unit: str, period: str, data_dir):
    """The newest-version scorecard of this period whose bloc holds the unit, scored; or None."""
    best = None
    for path in scoring.list_scorecards(data_dir):
        try:
            card = scoring.load_scorecard(path)
            if str(card.period) != period:
                continue
            card, inputs = scoring.load_inputs(card, snapshot)
        except scoring.ScorecardError:
            continue
        if unit not in card.units or inputs["actual"].isna().all():
            continue
        if best is None or card.version >= best[0].version:
            best = (card, inputs)
    if best is None:
        return None
    card, inputs = best
    return card, scoring.score(card, inputs).ranking


def presentation_unit(units: pd.DataFrame, unit: str, geography: int, default_unit: str | None) -> str:
    """The province to present: the chosen unit if it is a province of this geography, otherwise
    the agency's own province from the settings (when it belongs to this geography), else the unit."""
    provinces = set(units_of_geography(units, geography, levels=("province",)))
    if unit in provinces:
        return unit
    return default_unit if default_unit in provinces else unit


def build_deck(snapshot: Snapshot, unit: str, period: str, lang: str = "vi",
               geography: int | None = None, data_dir=None, user=None) -> Deck:
    """Every slide of the briefing for `unit` in `period` (raise DeckError if it has no figures);
    its letterhead is the agency kpi.reports.letterhead chooses for the unit (and the signed-in `user`)."""
    units = units_of(snapshot)
    label = parse_period(period).label(lang)
    name = unit_name(units, unit, lang)
    frame = indicator_figures(snapshot, unit, period, lang)
    if frame["actual"].notna().sum() == 0:
        raise DeckError(t("exp_no_actuals", lang, name=name, period=label))
    geography = _geography_for(units, unit, period, geography)
    cumulative = not parse_period(period).is_whole_year
    deck_head = f"{name} · {label}"
    slides = [_headline(frame, deck_head, lang, cumulative)]
    slides += _domain_slides(frame, deck_head, lang, cumulative)
    for extra in (_provinces_slide(snapshot, units, unit, geography, period, deck_head, lang),
                  _emulation_slide(snapshot, units, unit, period, deck_head, lang, data_dir)):
        if extra is not None:
            slides.append(extra)
    for item in slides:
        item.chart = slide_chart(item, lang)
    try:
        letterhead = issuing_agency(units, unit, period, user=user, data_dir=data_dir)
    except SettingsError:
        letterhead = None  # the exports fall back to the settings they are given, which say what is wrong
    return Deck(unit, name, full_name(units, unit, lang), period, label, lang, snapshot.id, snapshot.created,
                snapshot.is_demo,
                frame, slides, letterhead, geography, snapshot, data_dir)


def _values(column: pd.Series) -> list[float | None]:
    return [None if v != v else float(v) for v in column]


def slide_chart(slide: Slide, lang: str = "vi") -> SlideChart:
    """The figures a slide's chart draws, in the order the screen draws them (top to bottom)."""
    data = slide.data
    if slide.kind == "headline":
        order = list(dict.fromkeys(data.sort_values("domain_order")["domain"]))
        series = []
        for status in STATUS_ORDER:
            part = data[data["status"] == status].set_index("domain")["count"]
            if part.empty:
                continue
            values = [float(part[d]) if d in part.index else None for d in order]
            series.append(ChartSeries(status_label(status, lang), values, [status] * len(order),
                                      ["" if v is None else fmt.number(v, 0, lang) for v in values]))
        return SlideChart("stacked_bar", order, series, t("exp_axis_count", lang), 0)
    if slide.kind == "domain":
        pct = data["achievement_pct"]
        top = max(110.0, float(pct.max()) + 8 if pct.notna().any() else 110.0)
        # an indicator with a figure but no % of plan has no bar: its figure goes with its name
        names = [n if p == p else f"{n}: {b}" for n, p, b in zip(data["label"], pct, data["bar_text"])]
        value = ChartSeries(t("pre_series_pct_plan", lang), _values(pct), list(data["status_key"]),
                            [b if p == p else "" for p, b in zip(pct, data["bar_text"])])
        has_plan = data["plan"].notna() & pct.notna()
        plan = ChartSeries(t("pre_series_plan", lang), [100.0 if h else None for h in has_plan],
                           ["plan"] * len(data), [""] * len(data), plan=True)
        sheet = pd.DataFrame({t("pre_sheet_actual", lang): _values(data["actual"]),
                              t("pre_sheet_plan", lang): _values(data["plan"]),
                              t("pre_sheet_uom", lang): list(data["unit_of_measure"])})
        return SlideChart("bar", names, [value, plan], t("pre_axis_pct_plan", lang), 1, True, top, sheet)
    if slide.kind == "provinces":
        colours = ["highlight" if h else "other" for h in data["highlight"]]
        labelled = len(data) <= 40
        labels = ["" if v != v or not (labelled or h) else fmt.number(v, 0, lang)
                  for v, h in zip(data["good"], data["highlight"])]
        return SlideChart("column", list(data["name"]),
                          [ChartSeries(t("pre_series_good", lang), _values(data["good"]), colours, labels)],
                          t("exp_axis_good", lang), 0)
    if slide.kind == "emulation":
        table = data.sort_values(["rank", "name"])
        colours = ["highlight" if h else "other" for h in table["highlight"]]
        top = float(table["total"].max()) if table["total"].notna().any() else 100.0
        return SlideChart("bar", [f"{r}. {n}" for r, n in zip(table["rank_label"], table["name"])],
                          [ChartSeries(t("pre_series_points", lang), _values(table["total"]), colours,
                                       list(table["total_text"]))],
                          t("exp_axis_points", lang), 1, value_max=10 * math.ceil(top * 1.12 / 10))
    raise ValueError(f"no chart for a slide of kind {slide.kind!r}")
