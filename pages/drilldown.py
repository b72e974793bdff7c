"""Chi tiết xã, cơ quan (/chi-tiet?unit=<province>&ind=<indicator>&period=<period>): one province down to its
communes and agencies for one indicator and period, ranked, the province's own figure beside the sum of
its communes. Layout only: what it shows is kpi.screens.drilldown (figures from queries/facts_aggregate.sql)."""
import streamlit as st

from kpi.reports.spreadsheet import download_name
from kpi.screens.drilldown import drilldown_screen
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from pages._shared import context, header, indicator_picker, xlsx_download

ctx = context()
header(t("drl_page", ctx.lang))

indicator = indicator_picker(ctx, st)
screen = drilldown_screen(ctx.snapshot, ctx.units, ctx.catalogue, ctx.unit, ctx.period, indicator, ctx.lang)
st.subheader(markdown_escape(screen.title))
if screen.province is None:
    if screen.message:
        st.info(markdown_escape(screen.message), icon=":material/account_tree:")
    st.page_link("pages/compare.py", label=t("drl_back", ctx.lang), icon=":material/leaderboard:")
    st.stop()

st.markdown(f"#### {markdown_escape(t('drl_communes', ctx.lang))}")
if screen.check is not None:
    left, middle, right = st.columns(3)
    left.metric(t("drl_province_total", ctx.lang), screen.check.province_value)
    middle.metric(t("drl_commune_sum", ctx.lang), screen.check.sum_value)
    right.metric(t("drl_reported", ctx.lang), screen.check.reported)
    if screen.check.sum_basis:  # a rate: the ratio of the communes' sums
        middle.caption(markdown_escape(screen.check.sum_basis))
    (st.success if screen.check.adds_up else st.warning)(markdown_escape(screen.check.note))
if screen.commune_message:
    st.info(markdown_escape(screen.commune_message))
if len(screen.communes):
    st.dataframe(screen.communes, hide_index=True, width="stretch", height=min(38 * len(screen.communes) + 40, 640))
    xlsx_download(screen.commune_sheet, t("drl_communes", ctx.lang), screen.title,
                  download_name(t("drl_page", ctx.lang), ctx.name(ctx.unit), ctx.period), ctx.lang)
if screen.missing:
    st.caption(markdown_escape(f"{t('drl_communes_missing', ctx.lang, n=len(screen.missing))}: "
                               + ", ".join(screen.missing)))

if len(screen.agencies) or screen.agency_message:  # a province with agencies in the snapshot
    st.markdown(f"#### {markdown_escape(t('drl_agencies', ctx.lang))}")
    if len(screen.agencies):
        st.dataframe(screen.agencies, hide_index=True, width="stretch")
    st.caption(markdown_escape(screen.agency_message))
st.page_link("pages/compare.py", label=t("drl_back", ctx.lang), icon=":material/leaderboard:")
