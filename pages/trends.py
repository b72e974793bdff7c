"""Xu hướng: one indicator over the years for one or several units, actual against plan.
Layout only: what it shows is kpi.screens.trends (figures from queries/facts_aggregate.sql)."""
import streamlit as st

from kpi.charts import screen as charts
from kpi.memo import shared_call
from kpi.reports import page_pdf
from kpi.reports.spreadsheet import download_name
from kpi.screens.trends import PERIOD_LENGTHS, length_label, trend_screen
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from kpi.units.names import units_of_geography
from pages._shared import (
    PLOT_CONFIG,
    context,
    header,
    indicator_picker,
    pdf_download,
    synced_multiselect,
    synced_selectbox,
    xlsx_download,
)

ctx = context()
header(t("page_trends", ctx.lang))


@st.fragment
def indicator_view() -> None:
    """The page's own choosers (indicator, length, units) and what they show: choosing another reruns
    only this part of the page; the sidebar's filters rerun the whole page."""
    c1, c2 = st.columns([2, 1])
    indicator = indicator_picker(ctx, c1)
    length = synced_selectbox(t("period", ctx.lang), list(PERIOD_LENGTHS), "len", "12", container=c2,
                              format_func=lambda m: length_label(m, ctx.lang))
    targets = synced_multiselect(t("units_selected", ctx.lang), units_of_geography(ctx.units, ctx.geography), "units",
                                 [ctx.unit], format_func=ctx.name, max_selections=8)
    if not targets:
        st.info(t("no_figures", ctx.lang))
        return

    screen = trend_screen(ctx.snapshot, ctx.units, ctx.catalogue, targets, ctx.periods, int(length), indicator, ctx.lang)
    pdf_download(lambda info: page_pdf.trends_document(info, screen),
                 download_name(t("page_trends", ctx.lang), indicator, ext="pdf"), t("page_trends", ctx.lang),
                 [(t("indicator", ctx.lang), ctx.indicator_name(indicator)),
                  (t("units_selected", ctx.lang), ", ".join(ctx.name(u) for u in targets)),
                  (t("pdf_length", ctx.lang), length_label(length, ctx.lang))])
    st.subheader(markdown_escape(screen.title))
    if not screen.has_figures:
        st.info(t("no_figures", ctx.lang))
        return

    meta = screen.meta
    st.plotly_chart(shared_call(charts.trend_lines, screen.frame, name_col="name", decimals=int(meta["decimals"]),
                                       unit_of_measure=meta["unit_of_measure"], lang=ctx.lang, colours=screen.colours),
                    width="stretch", config=PLOT_CONFIG)
    for note in screen.notes:
        st.caption(markdown_escape(note))

    st.markdown(f"**{t('change', ctx.lang)}**")
    st.plotly_chart(shared_call(charts.change_bars, screen.frame, name_col="name", lang=ctx.lang, colours=screen.colours),
                    width="stretch", config=PLOT_CONFIG)
    st.dataframe(screen.table, hide_index=True, width="stretch")
    xlsx_download(screen.sheet, t("page_trends", ctx.lang), screen.title,
                  download_name(t("page_trends", ctx.lang), indicator), ctx.lang)


indicator_view()
