"""Tổng quan: every indicator of one unit and period, grouped by domain, against plan and last year.
Layout only: what it shows is kpi.screens.overview (figures from queries/facts_aggregate.sql)."""
import streamlit as st

from kpi.reports import page_pdf
from kpi.reports.spreadsheet import download_name
from kpi.screens import drilldown as drill_view
from kpi.screens.badges import source_badges, verdict_badge
from kpi.screens.overview import overview_screen
from kpi.text.i18n import t
from kpi.text.plain import html_text, markdown_escape
from pages._shared import context, header, pdf_download, xlsx_download

ctx = context()
if ctx.snapshot is None or ctx.period is None:
    header(t("page_overview", ctx.lang))  # the empty state; stops here
screen = overview_screen(ctx.snapshot, ctx.units, ctx.catalogue, ctx.unit, ctx.period, ctx.lang)
header(screen.title)
pdf_download(lambda info: page_pdf.overview_document(info, screen),
             download_name(t("page_overview", ctx.lang), ctx.name(ctx.unit), ctx.period, ext="pdf"), screen.title)
if not screen.has_figures:
    st.info(t("no_figures", ctx.lang))
    st.stop()

st.markdown(f"#### {screen.summary}")  # counts in our own words, no data text
for sentence in screen.sentences:
    st.markdown(f"- {markdown_escape(sentence)}")
if screen.cumulative:
    st.caption(t("progress_note", ctx.lang))
if drill_view.units_with_details(ctx.units, [ctx.unit]):  # the province's communes and agencies (/chi-tiet)
    st.page_link("pages/drilldown.py", label=t("drl_open", ctx.lang, name=ctx.name(ctx.unit)),
                 icon=":material/account_tree:", query_params={"unit": ctx.unit})

for section in screen.sections:
    st.subheader(markdown_escape(section.title))
    columns = st.columns(4)
    for i, card in enumerate(section.cards):
        with columns[i % 4].container(border=True):
            st.markdown(f"**{markdown_escape(card.title)}**")
            st.markdown(f"<div style='font-size:2rem;font-weight:700;line-height:1.2'>{html_text(card.value)}</div>",
                        unsafe_allow_html=True)
            st.markdown(verdict_badge(card.verdict, ctx.lang), unsafe_allow_html=True)
            st.caption(markdown_escape(card.caption))
            if card.quoted or card.standing:  # "Trích báo cáo", "Số ước": marked where the figure is
                st.markdown(source_badges(card.quoted, card.standing, ctx.lang), unsafe_allow_html=True)
            if card.source:
                st.caption(markdown_escape(card.source))

if screen.unreported:
    st.caption(markdown_escape(screen.unreported))

with st.expander(t("source", ctx.lang)):
    st.dataframe(screen.table, hide_index=True, width="stretch")
    xlsx_download(screen.sheet, t("page_overview", ctx.lang), screen.title,
                  download_name(t("page_overview", ctx.lang), ctx.name(ctx.unit), ctx.period), ctx.lang)
