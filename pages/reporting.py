"""Tình hình báo cáo: which provinces have reported which indicators for the period, when and by whom.
Layout only: what it shows is kpi.screens.reporting (figures from queries/facts_aggregate.sql, the
first arrival from the snapshot catalogue and queries/reporting_first_seen.sql)."""
import streamlit as st

from kpi.reports import page_pdf
from kpi.reports.spreadsheet import XLSX_MIME, download_name
from kpi.screens.reporting import reporting_screen, reporting_workbook
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from kpi.units.names import units_of_geography
from pages._shared import audited_export, context, header, pdf_download, synced_selectbox

ctx = context()
header(t("vw_reporting", ctx.lang))

regions = units_of_geography(ctx.units, ctx.geography, levels=("region",))
left, _right = st.columns([1, 2])
scope = synced_selectbox(t("scope", ctx.lang), ["all"] + regions, "scope", "all", container=left,
                         format_func=lambda s: t("all_provinces", ctx.lang) if s == "all" else ctx.name(s))
screen = reporting_screen(ctx.snapshot, ctx.units, ctx.catalogue, ctx.geography, ctx.period,
                          None if scope == "all" else scope, ctx.lang)
st.subheader(markdown_escape(screen.title))

first, second, _rest = st.columns([1, 1, 1])
first.metric(t("vw_units_reported_label", ctx.lang), f"{len(screen.reported_units)} / {len(screen.units)}")
second.metric(t("vw_units_complete_label", ctx.lang, k=len(screen.codes)),
              f"{len(screen.complete_units)} / {len(screen.units)}")
st.markdown(f"**{markdown_escape(screen.count_line)}**; {markdown_escape(screen.complete_line)}.")
if screen.nothing_yet:
    st.warning(markdown_escape(t("vw_nothing_yet", ctx.lang,
                                 names=", ".join(screen.names[u] for u in screen.nothing_yet))),
               icon=":material/pending_actions:")
elif screen.units:
    st.success(t("vw_all_reported", ctx.lang), icon=":material/task_alt:")

if screen.domain_counts:
    st.markdown(f"**{t('vw_by_domain', ctx.lang)}**")
    st.markdown("\n".join(f"- {markdown_escape(name)}: **{t('vw_domain_count', ctx.lang, n=n, total=total)}**"
                          for name, n, total in screen.domain_counts))

if not screen.table.empty:
    st.dataframe(screen.table, hide_index=True, width="stretch", height=min(35 * len(screen.table) + 40, 760))
    st.caption(t("vw_when_note", ctx.lang))
if screen.not_applicable:
    with st.expander(f"{t('vw_not_applicable', ctx.lang)} ({len(screen.not_applicable)})"):
        st.markdown("\n".join(f"- {markdown_escape(name)}: {markdown_escape(why)}" for name, why in screen.not_applicable))
if not screen.detail.empty:
    with st.expander(t("vw_by_indicator", ctx.lang)):
        st.caption(t("vw_marks", ctx.lang))
        st.dataframe(screen.detail, hide_index=True, width="stretch")
if screen.no_one:
    st.caption(markdown_escape(t("vw_no_one", ctx.lang, names="; ".join(screen.no_one))))
if screen.never_reported:
    st.caption(markdown_escape(t("vw_never_reported", ctx.lang, names="; ".join(screen.never_reported))))
st.caption(markdown_escape(screen.snapshot_line))
file_name = download_name(t("vw_reporting", ctx.lang), ctx.period, str(ctx.geography))
st.download_button(t("download_xlsx", ctx.lang), audited_export(lambda: reporting_workbook(screen), file_name),
                   file_name=file_name, mime=XLSX_MIME, on_click="ignore", icon=":material/download:")
pdf_download(lambda info: page_pdf.reporting_document(info, screen),
             download_name(t("vw_reporting", ctx.lang), ctx.period, str(ctx.geography), ext="pdf"),
             t("vw_reporting", ctx.lang),
             [(t("scope", ctx.lang), t("all_provinces", ctx.lang) if scope == "all" else ctx.name(scope))])
