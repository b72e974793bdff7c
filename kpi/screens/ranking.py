"""Display tables and charts for the emulation ranking page (pages/ranking.py). No Streamlit here."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi import scoring

from kpi.text import fmt
from kpi.charts.screen import FONT
from kpi.text.i18n import t

BAR = "#4c78a8"
OTHER = "#f58518"
MAX = "#d0d7de"
BAND = "#9ecae9"
MISSING_COLOUR = "#cf222e"


def rank_label(rank: int, tied: bool, lang: str = "vi") -> str:
    return f"{rank} ({t('rank_tied', lang).lower()})" if tied else str(rank)


def tier_label(row, lang: str = "vi") -> str:
    if not row["complete"]:
        return t("rank_no_tier_incomplete", lang)
    return row["tier"] or t("rank_no_tier", lang)


def ranking_table(result: scoring.ScoreResult, lang: str = "vi") -> pd.DataFrame:
    """The ranking as display text: rank (ties marked), unit, total, tier, completeness."""
    rows = []
    for _, r in result.ranking.iterrows():
        rows.append({
            t("rank", lang): rank_label(int(r["rank"]), bool(r["tied"]), lang),
            t("unit", lang): r["name"],
            t("rank_total", lang): fmt.number(r["total"], 2, lang),
            t("rank_bonus", lang): fmt.number(r["bonus"] + r["penalty"], 2, lang) if r["bonus"] or r["penalty"] else "",
            t("rank_tier", lang): tier_label(r, lang),
            t("rank_complete", lang): "✓" if r["complete"] else "⚠ " + r["missing"],
        })
    return pd.DataFrame(rows)


def summary_sentences(result: scoring.ScoreResult, lang: str = "vi") -> list[str]:
    """Ties and incomplete totals, said in words."""
    ranking = result.ranking
    out = []
    for rank, group in ranking[ranking["tied"]].groupby("rank"):
        out.append(t("rank_tie_sentence", lang, names=", ".join(group["name"]), rank=int(rank),
                     total=fmt.number(group["total"].iloc[0], 2, lang)))
    incomplete = ranking[~ranking["complete"]]
    if len(incomplete):
        out.append(t("rank_incomplete_sentence", lang, names=", ".join(incomplete["name"])))
    return out


def breakdown_table(result: scoring.ScoreResult, unit: str, lang: str = "vi") -> pd.DataFrame:
    part = result.breakdown[result.breakdown["unit"] == unit]
    return pd.DataFrame({
        t("rank_criterion", lang): [f"{c}. {label}" for c, label in zip(part["criterion"], part["label"])],
        t("rank_method", lang): [scoring.METHOD_NAMES[m] for m in part["method"]],
        t("rank_inputs", lang): part["inputs"].values,
        t("rank_formula", lang): part["formula"].values,
        t("rank_points", lang): [fmt.number(p, 2, lang) for p in part["points"]],
        t("rank_max", lang): [fmt.number(m, 2, lang) for m in part["max_points"]],
    })


def side_by_side_table(result: scoring.ScoreResult, a: str, b: str, lang: str = "vi") -> pd.DataFrame:
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
        t("rank_difference", lang): [fmt.number(d, 2, lang) if not pd.isna(d) else fmt.MISSING for d in diff],
    })


def changes_table(changes: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    def arrow(n):
        return "▲ " + str(int(n)) if n > 0 else ("▼ " + str(int(-n)) if n < 0 else "=")
    return pd.DataFrame({
        t("unit", lang): changes["name"],
        t("rank_rank_scorecard", lang): changes["rank"].astype(int).astype(str),
        t("rank_rank_trial", lang): changes["rank_new"].astype(int).astype(str),
        t("rank_change", lang): [arrow(n) for n in changes["rank_change"]],
        t("rank_total_trial", lang): [fmt.number(v, 2, lang) for v in changes["total_new"]],
        t("rank_tier", lang): [tr or "" for tr in changes["tier_new"]],
    })


def changes_sentence(changes: pd.DataFrame, lang: str = "vi") -> str:
    moved = changes[changes["rank_change"] != 0]
    if moved.empty:
        return t("rank_no_change", lang)
    leaders = changes[changes["rank_new"] == 1]["name"].tolist()
    return t("rank_changes", lang, n=len(moved), leader=", ".join(leaders))


def sensitivity_table(sens: scoring.Sensitivity, lang: str = "vi") -> pd.DataFrame:
    tb = sens.table
    return pd.DataFrame({
        t("unit", lang): tb["name"],
        t("rank_rank_scorecard", lang): tb["base_rank"].astype(str),
        t("rank_median", lang): tb["median_rank"].astype(str),
        t("rank_band", lang): [f"{a} – {b}" for a, b in zip(tb["p5_rank"], tb["p95_rank"])],
        t("rank_p_first", lang): [fmt.percent(p * 100, 1, lang) for p in tb["p_first"]],
    })


def _layout(fig: go.Figure, height: int, lang: str) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=30, t=40, b=10), font=FONT, plot_bgcolor="white",
                      paper_bgcolor="white", separators=",." if lang == "vi" else ".,",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), barmode="overlay")
    fig.update_xaxes(gridcolor="#e5e7eb", zerolinecolor="#9ca3af")
    fig.update_yaxes(automargin=True, autorange="reversed")
    return fig


def breakdown_chart(result: scoring.ScoreResult, unit: str, lang: str = "vi") -> go.Figure:
    """Points earned (blue) against each criterion's maximum (grey); missing figures in red."""
    part = result.breakdown[result.breakdown["unit"] == unit]
    labels = [f"{c}. {lab}" for c, lab in zip(part["criterion"], part["label"])]
    fig = go.Figure()
    fig.add_bar(y=labels, x=part["max_points"], orientation="h", marker_color=MAX, name=t("rank_max", lang),
                hoverinfo="skip")
    text = [fmt.number(p, 2, lang) if not pd.isna(p) else t("missing", lang) for p in part["points"]]
    fig.add_bar(y=labels, x=part["points"].fillna(0), orientation="h", name=t("rank_points", lang),
                marker_color=[MISSING_COLOUR if pd.isna(p) else BAR for p in part["points"]],
                text=text, textposition="outside", cliponaxis=False,
                hovertemplate="%{y}: %{text}<extra></extra>")
    _layout(fig, max(320, 42 * len(labels) + 80), lang)
    fig.update_xaxes(title=t("rank_points", lang), rangemode="tozero")
    return fig


def two_units_chart(result: scoring.ScoreResult, a: str, b: str, lang: str = "vi") -> go.Figure:
    bd = result.breakdown
    fig = go.Figure()
    for unit, colour in ((a, BAR), (b, OTHER)):
        part = bd[bd["unit"] == unit]
        labels = [f"{c}. {lab}" for c, lab in zip(part["criterion"], part["label"])]
        fig.add_bar(y=labels, x=part["points"].fillna(0), orientation="h", name=part["name"].iloc[0],
                    marker_color=colour, text=[fmt.number(p, 2, lang) if not pd.isna(p) else t("missing", lang)
                                               for p in part["points"]], textposition="outside", cliponaxis=False)
    _layout(fig, max(360, 56 * bd["criterion"].nunique() + 80), lang)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=t("rank_points", lang), rangemode="tozero")
    return fig


def rank_band_chart(sens: scoring.Sensitivity, lang: str = "vi") -> go.Figure:
    """Per unit: the 5-95 percentile rank band (bar), the median rank (dot), the scorecard's rank (◆)."""
    tb = sens.table
    names = list(tb["name"])
    fig = go.Figure()
    fig.add_bar(y=names, x=(tb["p95_rank"] - tb["p5_rank"] + 0.8), base=tb["p5_rank"] - 0.4, orientation="h",
                marker_color=BAND, name=t("rank_band", lang),
                customdata=list(zip(tb["p5_rank"], tb["p95_rank"])),
                hovertemplate="%{y}: %{customdata[0]} – %{customdata[1]}<extra></extra>")
    fig.add_scatter(y=names, x=tb["median_rank"], mode="markers", name=t("rank_median", lang),
                    marker=dict(size=14, color="#08306b"))
    fig.add_scatter(y=names, x=tb["base_rank"], mode="markers", name=t("rank_rank_scorecard", lang),
                    marker=dict(size=14, symbol="diamond-open", color="#d4a017", line=dict(width=3)))
    fig.add_scatter(y=names, x=[len(names) + 0.9] * len(names), mode="text", showlegend=False,
                    text=[fmt.percent(p * 100, 1, lang) for p in tb["p_first"]], textposition="middle right",
                    hoverinfo="skip")
    _layout(fig, max(340, 40 * len(names) + 100), lang)
    fig.update_xaxes(title=t("rank_band_axis", lang), range=[0.4, len(names) + 3.2],
                     tickvals=list(range(1, len(names) + 1)))
    fig.add_annotation(x=len(names) + 0.9, y=1.0, yref="paper", yanchor="bottom", xanchor="left",
                       text=t("rank_p_first", lang), showarrow=False, font=dict(size=13))
    return fig
