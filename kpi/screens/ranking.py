"""What the emulation ranking page (pages/ranking.py) shows, as data: tables and sentences in the
page's language. No Streamlit, no charts (kpi/charts/ranking.py).

Text from a scorecard or the snapshot (titles, blocs, labels, tier names, reasons, unit names) is
data, shown as written: the page places it in markdown-interpreting elements (alerts, captions,
widget labels, st.table cells) only through `plain` / `plain_table`; st.dataframe cells and
selectbox options are plain already.
"""
from __future__ import annotations

import pandas as pd

from kpi.scoring import ScorecardEntry, ScoreResult, Sensitivity, incomplete_rule, method_name, rank_label
from kpi.scoring.decisions import Decision
from kpi.scoring.scorecard import Scorecard
from kpi.text import fmt
from kpi.text.figure_text import rank_text
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape

# what GitHub-flavoured markdown turns into a link even when every special character is escaped
# (its autolinks are found in the text after parsing): a scheme before ':', 'www' before '.', an '@'


def plain(text) -> str:
    """Text for a markdown-interpreting element (st.warning, st.caption, a slider label...), shown as
    written (kpi.text.plain.markdown_escape): a label '[x](http://…)' is not a link."""
    return markdown_escape(text)


def plain_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A table for st.table (whose cells, index and header interpret markdown) with every text escaped."""
    out = frame.map(lambda v: plain(v) if isinstance(v, str) else v)
    out.index = [plain(i) if isinstance(i, str) else i for i in out.index]
    out.index.name = plain(frame.index.name) if isinstance(frame.index.name, str) else frame.index.name
    out.columns = [plain(c) if isinstance(c, str) else c for c in out.columns]
    return out


def scorecard_option(entry: ScorecardEntry, lang: str = "vi") -> str:
    """A scorecard in the chooser (a plain-text option): its file name and title, or that it is invalid."""
    return f"{entry.name} — {entry.title(lang)}"


def invalid_notice(entries: list[ScorecardEntry], lang: str = "vi") -> str | None:
    """The files of the chooser that do not load, named (None when every file loads)."""
    bad = [e.name for e in entries if e.error is not None]
    return t("score_invalid_listed", lang, names=", ".join(bad)) if bad else None


def tier_label(row, lang: str = "vi", card: Scorecard | None = None) -> str:
    """The award proposed for a unit, in the language when the scorecard names it in English (name_en)."""
    if not row["complete"]:
        return t("rank_no_tier_incomplete", lang)
    if not row["tier"]:
        return t("rank_no_tier", lang)
    return card.tier_name(row["tier"], lang) if card is not None else row["tier"]


def ranked_and_apart(ranking: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranked units, and those listed apart with no rank (missing a figure, rule "apart")."""
    apart = ranking["rank"].isna()
    return ranking[~apart], ranking[apart]


def ranking_table(result: ScoreResult, lang: str = "vi", apart: bool = False) -> pd.DataFrame:
    """The ranking as display text: rank (ties marked), unit, total, tier, completeness; the units
    listed apart (no rank) only when `apart`, so that a page shows them in a table of their own."""
    rows = []
    for _, r in ranked_and_apart(result.ranking)[1 if apart else 0].iterrows():
        rows.append({
            t("rank", lang): rank_label(r["rank"], r["tied"], r["complete"], lang),
            t("unit", lang): r["name"],
            t("rank_total", lang): fmt.number(r["total"], 2, lang),
            t("rank_bonus", lang): fmt.number(r["bonus"] + r["penalty"], 2, lang) if r["bonus"] or r["penalty"] else "",
            t("rank_tier", lang): tier_label(r, lang, result.scorecard),
            t("rank_complete", lang): "✓" if r["complete"] else "⚠ " + r["missing"],
        })
    return pd.DataFrame(rows)


def summary_sentences(result: ScoreResult, lang: str = "vi") -> list[str]:
    """Ties and incomplete totals, said in words."""
    ranking = result.ranking
    out = []
    for rank, group in ranking[ranking["tied"]].groupby("rank"):
        out.append(t("rank_tie_sentence", lang, names=", ".join(group["name"]), rank=rank_text(rank, lang=lang),
                     total=fmt.number(group["total"].iloc[0], 2, lang)))
    incomplete = ranking[~ranking["complete"]]
    if len(incomplete):
        out.append(t("rank_incomplete_sentence", lang, names=", ".join(incomplete["name"])) + " "
                   + incomplete_rule(result.scorecard, lang))
    return out


def breakdown_table(result: ScoreResult, unit: str, lang: str = "vi") -> pd.DataFrame:
    """One unit, per criterion: method, inputs, formula, points and maximum."""
    part = result.breakdown[result.breakdown["unit"] == unit]
    return pd.DataFrame({
        t("rank_criterion", lang): [f"{c}. {label}" for c, label in zip(part["criterion"], part["label"])],
        t("rank_method", lang): [method_name(m, lang) for m in part["method"]],
        t("rank_inputs", lang): part["inputs"].values,
        t("rank_formula", lang): part["formula"].values,
        t("rank_points", lang): [fmt.number(p, 2, lang) for p in part["points"]],
        t("rank_max", lang): [fmt.number(m, 2, lang) for m in part["max_points"]],
    })


def side_by_side_table(result: ScoreResult, a: str, b: str, lang: str = "vi") -> pd.DataFrame:
    """Two units' inputs and points per criterion, and the difference."""
    bd = result.breakdown
    left = bd[bd["unit"] == a].set_index("criterion")
    right = bd[bd["unit"] == b].set_index("criterion")
    name_a, name_b = left["name"].iloc[0], right["name"].iloc[0]
    diff = left["points"] - right["points"]
    return pd.DataFrame({
        t("rank_criterion", lang): [f"{c}. {lab}" for c, lab in zip(left.index, left["label"])],
        f"{name_a} — {t('rank_inputs', lang).lower()}": left["inputs"].values,
        f"{name_a} — {t('rank_points', lang).lower()}": [fmt.number(p, 2, lang) for p in left["points"]],
        f"{name_b} — {t('rank_inputs', lang).lower()}": right["inputs"].values,
        f"{name_b} — {t('rank_points', lang).lower()}": [fmt.number(p, 2, lang) for p in right["points"]],
        t("rank_difference", lang): [fmt.number(d, 2, lang) for d in diff],
    })


def changes_table(changes: pd.DataFrame, lang: str = "vi", card: Scorecard | None = None) -> pd.DataFrame:
    """Ranks and totals under the scorecard and under the trial weights."""
    def arrow(n):
        return "▲ " + str(int(n)) if n > 0 else ("▼ " + str(int(-n)) if n < 0 else "=")
    return pd.DataFrame({
        t("unit", lang): changes["name"],
        t("rank_rank_scorecard", lang): [rank_text(r, lang=lang) for r in changes["rank"]],
        t("rank_rank_trial", lang): [rank_text(r, lang=lang) for r in changes["rank_new"]],
        t("rank_change", lang): [arrow(n) for n in changes["rank_change"]],
        t("rank_total_trial", lang): [fmt.number(v, 2, lang) for v in changes["total_new"]],
        t("rank_tier", lang): [(card.tier_name(tr, lang) if card is not None else tr) if tr else ""
                               for tr in changes["tier_new"]],
    })


def changes_sentence(changes: pd.DataFrame, lang: str = "vi") -> str:
    moved = changes[changes["rank_change"] != 0]
    if moved.empty:
        return t("rank_no_change", lang)
    leaders = changes[changes["rank_new"] == 1]["name"].tolist()
    return t("rank_changes", lang, n=len(moved), leader=", ".join(leaders))


def adjustments_table(result: ScoreResult, lang: str = "vi") -> pd.DataFrame:
    """The bonus and penalty items: unit, points, reason, kind."""
    names = result.ranking.set_index("unit")["name"]
    items = result.adjustments
    return pd.DataFrame({
        t("unit", lang): [names.get(u, u) for u in items["unit"]],
        t("rank_points", lang): [fmt.number(p, 2, lang) for p in items["points"]],
        t("rank_adjust_reason", lang): items["reason"].values,
        "": items["kind"].values,
    })


def sensitivity_table(sens: Sensitivity, lang: str = "vi") -> pd.DataFrame:
    """Per unit: scorecard rank, median rank, 5-95 percentile band, chance of first place."""
    tb = sens.table
    return pd.DataFrame({
        t("unit", lang): tb["name"],
        t("rank_rank_scorecard", lang): [rank_text(r, lang=lang) for r in tb["base_rank"]],
        t("rank_median", lang): [rank_text(r, lang=lang) for r in tb["median_rank"]],
        t("rank_band", lang): [f"{a} – {b}" for a, b in zip(tb["p5_rank"], tb["p95_rank"])],
        t("rank_p_first", lang): [fmt.percent(p * 100, 1, lang) for p in tb["p_first"]],
    })


# --------------------------------------------------------------------------- locked decisions (stored, never live)

def decisions_table(decisions: list[Decision], lang: str = "vi") -> pd.DataFrame:
    """The locked decisions, newest first: id, when (Vietnam's time), who, scorecard, version, snapshot."""
    return pd.DataFrame({
        t("dec_col_id", lang): [d.id for d in decisions],
        t("dec_col_locked_at", lang): [f"{d.locked_local:%d/%m/%Y %H:%M}" for d in decisions],
        t("dec_col_locked_by", lang): [d.locked_by_name for d in decisions],
        t("dec_col_title", lang): [d.card["title"] for d in decisions],
        t("dec_col_scorecard", lang): [d.scorecard_name for d in decisions],
        t("dec_col_version", lang): [d.card["version"] for d in decisions],
        t("dec_col_snapshot", lang): [d.snapshot_id for d in decisions],
    })


def decision_option(decision: Decision, lang: str = "vi") -> str:
    """A decision in the chooser (plain text): id, when, scorecard title."""
    return f"{decision.id} — {decision.locked_local:%d/%m/%Y %H:%M} — {decision.card['title']}"


def decision_caption(decision: Decision, lang: str = "vi") -> str:
    return t("rank_decision_caption", lang, id=decision.id, when=f"{decision.locked_local:%d/%m/%Y %H:%M}",
             who=decision.locked_by_name, scorecard=decision.scorecard_name, version=decision.card["version"],
             sha=decision.scorecard_sha256, snapshot=decision.snapshot_id)


def decision_ranking_table(decision: Decision, lang: str = "vi") -> pd.DataFrame:
    """The stored ranking as display text (the same columns as ranking_table), every unit."""
    rows = []
    for r in decision.results["ranking"]:
        adjustment = (r["bonus"] or 0) + (r["penalty"] or 0)
        rows.append({
            t("rank", lang): rank_label(r["rank"], r["tied"], r["complete"], lang),
            t("unit", lang): r["name"],
            t("rank_total", lang): fmt.number(r["total"], 2, lang),
            t("rank_bonus", lang): fmt.number(adjustment, 2, lang) if adjustment else "",
            t("rank_tier", lang): tier_label(r, lang),
            t("rank_complete", lang): "✓" if r["complete"] else "⚠ " + (r["missing"] or ""),
        })
    return pd.DataFrame(rows)


def decision_sensitivity(decision: Decision) -> Sensitivity:
    """The stored robustness result, as the page's robustness table and sentence take it."""
    sens = decision.sensitivity
    return Sensitivity(decision.sensitivity_table, sens["draws"], sens["seed"], sens["spread"], sens["switch"])

