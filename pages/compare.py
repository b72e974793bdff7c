"""So sánh: one indicator, one period, all provinces or one region, ranked, with plan markers.
Layout only: what it shows is kpi.screens.compare (figures from queries/facts_aggregate.sql)."""
import streamlit as st

from kpi.charts import screen as charts
from kpi.memo import shared_call
from kpi.reports import page_pdf
from kpi.reports.spreadsheet import download_name
from kpi.screens.compare import compare_screen
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from kpi.units.names import units_of_geography
from pages._shared import PLOT_CONFIG, context, header, indicator_picker, pdf_download, synced_selectbox, xlsx_download

ctx = context()
header(t("page_compare", ctx.lang))


@st.fragment
def indicator_view() -> None:
    """The page's own choosers (indicator, scope) and what they show: choosing another reruns only
    this part of the page; the sidebar's filters rerun the whole page."""
    left, right = st.columns([2, 1])
    indicator = indicator_picker(ctx, left)
    regions = units_of_geography(ctx.units, ctx.geography, levels=("region",))
    scope = synced_selectbox(t("scope", ctx.lang), ["all"] + regions, "scope", "all", container=right,
                             format_func=lambda s: t("all_provinces", ctx.lang) if s == "all" else ctx.name(s))

    screen = compare_screen(ctx.snapshot, ctx.units, ctx.catalogue, ctx.geography, ctx.period, indicator,
                            None if scope == "all" else scope, ctx.lang, focus=ctx.unit)
    scope_text = t("all_provinces", ctx.lang) if scope == "all" else ctx.name(scope)
    pdf_download(lambda info: page_pdf.compare_document(info, screen),
                 download_name(t("page_compare", ctx.lang), indicator, ctx.period, ext="pdf"), t("page_compare", ctx.lang),
                 [(t("indicator", ctx.lang), ctx.indicator_name(indicator)), (t("scope", ctx.lang), scope_text)])
    st.subheader(markdown_escape(screen.title))
    if screen.geography_note:  # the 63-province list after 30 June 2025 (the header offers the 34-province view)
        st.caption(markdown_escape(screen.geography_note))
    if not screen.has_figures:
        st.info(t("no_figures", ctx.lang))
        return

    for column, aggregate in zip(st.columns(max(len(screen.aggregates), 1)), screen.aggregates):
        column.metric(markdown_escape(aggregate.name), aggregate.value)
        if aggregate.note:  # the published figure beside the computed one, or why it stands alone
            column.caption(markdown_escape(aggregate.note))

    meta = screen.meta
    st.plotly_chart(shared_call(charts.ranked_bars, screen.provinces, name_col="name", highlight=screen.highlight,
                                       decimals=int(meta["decimals"]), unit_of_measure=meta["unit_of_measure"],
                                       direction=int(meta["direction"]), lang=ctx.lang),
                    width="stretch", config=PLOT_CONFIG)
    if screen.chart_note:
        st.caption(screen.chart_note)
    if screen.missing:
        st.caption(markdown_escape(f"{t('missing', ctx.lang)}: {', '.join(screen.missing)}"))

    # the province rows with communes or agencies link to their drill-down (/chi-tiet)
    link_config = None
    if screen.link_column:
        link_config = {screen.link_column: st.column_config.LinkColumn(screen.link_column, width="medium",
                                                                       display_text=t("drl_link", ctx.lang))}
    st.dataframe(screen.table, hide_index=True, width="stretch", height=min(38 * len(screen.table) + 40, 900),
                 column_config=link_config)
    st.caption(markdown_escape(screen.rank_note))
    xlsx_download(screen.sheet, t("page_compare", ctx.lang), screen.title,
                  download_name(t("page_compare", ctx.lang), indicator, ctx.period), ctx.lang)
    if screen.highlight_note:
        st.caption(markdown_escape(screen.highlight_note))
    if screen.highlight and screen.links and screen.highlight in screen.links:  # its communes and agencies
        st.page_link("pages/drilldown.py", label=t("drl_open", ctx.lang, name=ctx.name(screen.highlight)),
                     icon=":material/account_tree:", query_params={"unit": screen.highlight, "ind": indicator})


indicator_view()
