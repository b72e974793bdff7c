"""Tổng quan: every indicator of one unit and period, grouped by domain, against plan and last year."""
import streamlit as st

from kpi.text import fmt
from kpi.store.indicators import domains
from kpi.reports.exports import XLSX_MIME, download_name, figures_sheet, table_to_xlsx_bytes
from kpi.figures import figures_cached
from kpi.text.i18n import t
from kpi.screens.overview import best_and_worst, in_progress, status_counts
from kpi.periods import parse_period, period_label
from pages._shared import context, figure_table, header, status_badge

ctx = context()
title = t("page_overview", ctx.lang)
if ctx.snapshot is not None:
    title += f" — {ctx.name(ctx.unit)} — {period_label(ctx.period, ctx.lang)}"
header(title)

frame = figures_cached(ctx.snapshot, [ctx.unit], [ctx.period])  # queries/facts_aggregate.sql
if frame["actual"].notna().sum() == 0:
    st.info(t("no_figures", ctx.lang))
    st.stop()

counts = status_counts(frame)
best, worst = best_and_worst(frame, ctx.catalogue, ctx.lang)
if parse_period(ctx.period).is_whole_year:
    st.markdown(f"#### {t('summary_counts', ctx.lang, **counts)}")
else:
    summary = t("summary_counts_cumulative", ctx.lang, done=counts["exceeded"] + counts["met"],
                pending=counts["below"], noplan=counts["noplan"])
    st.markdown(f"#### {summary}")
for sentence in (best, worst):
    if sentence:
        st.markdown(f"- {sentence}")
if not parse_period(ctx.period).is_whole_year:
    st.caption(t("progress_note", ctx.lang))

meta = ctx.catalogue.set_index("code")
for _, domain in domains().iterrows():
    part = frame[frame["indicator"].map(meta["domain"]) == domain["domain"]]
    if part.empty:
        continue
    st.subheader(domain["name_vi"] if ctx.lang == "vi" else domain["name_en"])
    columns = st.columns(4)
    for i, (_, row) in enumerate(part.iterrows()):
        m = meta.loc[row["indicator"]]
        decimals = int(m["decimals"])
        with columns[i % 4].container(border=True):
            st.markdown(f"**{ctx.indicator_name(row['indicator'])}**")
            st.markdown(f"<div style='font-size:2rem;font-weight:700;line-height:1.2'>"
                        f"{fmt.figure(row['actual'], m['unit_of_measure'], decimals, ctx.lang)}</div>",
                        unsafe_allow_html=True)
            st.markdown(status_badge(row["status"], bool(row["complete"]), bool(row["comparable"]),
                                     row["actual"] == row["actual"], ctx.lang, int(row["direction"]),
                                     in_progress(row["status"], row["aggregation"], ctx.period)),
                        unsafe_allow_html=True)
            change = (fmt.signed_points(row["change_pp"], 2, ctx.lang) if m["aggregation"] == "ratio"
                      else fmt.signed_percent(row["change_pct"], 1, ctx.lang))
            st.caption(f"{t('plan', ctx.lang)}: {fmt.figure(row['plan'], m['unit_of_measure'], decimals, ctx.lang)}"
                       f" · {t('achievement', ctx.lang)}: {fmt.percent(row['achievement_pct'], 1, ctx.lang)}"
                       f"  \n{t('change', ctx.lang)}: {change}")

with st.expander(t("source", ctx.lang)):
    table = figure_table(frame, ctx)
    table[t("source", ctx.lang)] = frame["sources"].fillna("")
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(t("download_xlsx", ctx.lang), lambda: table_to_xlsx_bytes(
        figures_sheet(frame, ctx.catalogue, ctx.lang), t("page_overview", ctx.lang), title),
        file_name=download_name(t("page_overview", ctx.lang), ctx.name(ctx.unit), ctx.period),
        mime=XLSX_MIME, on_click="ignore", icon=":material/download:")
