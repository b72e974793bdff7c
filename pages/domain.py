"""The domain pages (Việc làm, Giáo dục nghề nghiệp, Giảm nghèo, Người có công, Bảo trợ xã hội - trẻ em
- CCHC): one file, registered once per domain of kpi.screens.domains.DOMAIN_PAGES (dashboard.py), which
domain by its URL. Layout only: focus cards, every indicator with ranks, the years, a map, a trend."""
import streamlit as st

from kpi.charts import domain as domain_charts
from kpi.charts import maps
from kpi.charts import screen as charts
from kpi.memo import shared_call
from kpi.periods import parse_period, period_label
from kpi.reports import page_pdf
from kpi.reports.spreadsheet import download_name
from kpi.screens import drilldown as drill_view
from kpi.screens.badges import card_grid
from kpi.screens.domains import (
    DOMAIN_PAGES,
    domain_trend,
    domain_view,
    focus_cards,
    indicator_table,
    indicator_trend,
    map_view,
    trend_notes,
    unreported_caption,
)
from kpi.screens.tables import by_code
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from kpi.units import boundaries
from pages._shared import (
    PLOT_CONFIG,
    context,
    header,
    indicator_picker,
    pdf_download,
    synced_selectbox,
    xlsx_download,
)

ctx = context()
page = DOMAIN_PAGES[st.session_state.get("_domain_page") or "employment"]
title = t(page.title_key, ctx.lang)
if ctx.snapshot is not None and ctx.period is not None:  # else header() shows the empty state
    title += f" — {ctx.name(ctx.unit)} — {period_label(ctx.period, ctx.lang)}"
header(title)

view = domain_view(ctx.snapshot, ctx.units, ctx.catalogue, page.key, ctx.unit, ctx.period, ctx.geography, ctx.lang)
if view.converted:
    st.info(t("dom_converted", ctx.lang, period=period_label(ctx.period, ctx.lang),
              source=t(f"dom_geo_{parse_period(ctx.period).generation}", ctx.lang),
              target=t(f"dom_geo_{ctx.geography}", ctx.lang)))
if not view.has_figures:
    st.info(t("no_figures", ctx.lang))
    st.stop()
if not parse_period(ctx.period).is_whole_year:
    st.caption(t("progress_note", ctx.lang))

# Streamlit sends each element as the run reaches it: the focus cards, then the chart over the years,
# then the table (the browser's dearest element to draw) into its place above the chart, so that a
# unit change redraws the cards and the chart first (benchmarks/bench_unit_change.py).
st.subheader(t("dom_focus", ctx.lang))
cards = focus_cards(view, ctx.catalogue, ctx.lang)
st.markdown(card_grid(cards, ctx.lang), unsafe_allow_html=True)  # one element, not five a card

st.subheader(t("dom_all_indicators", ctx.lang))
table_place = st.container()

st.subheader(t("dom_over_years", ctx.lang))
focus_trend = domain_trend(ctx.snapshot, ctx.units, ctx.unit, ctx.periods, ctx.period, view.focus,
                           geography=ctx.geography, lang=ctx.lang)
builder = domain_charts.combo if page.chart == "combo" else domain_charts.multiples
st.plotly_chart(shared_call(builder, focus_trend.frame, ctx.catalogue, view.focus, ctx.lang), width="stretch", config=PLOT_CONFIG)
for note in trend_notes(focus_trend, ctx.lang):
    st.caption(markdown_escape(note))

with table_place:
    table = indicator_table(view, ctx.catalogue, ctx.lang)
    st.dataframe(table, hide_index=True, width="stretch")
    xlsx_download(table, t(page.title_key, ctx.lang), title,
                  download_name(t(page.title_key, ctx.lang), ctx.name(ctx.unit), ctx.period), ctx.lang)
    st.caption(t("dom_rank_note", ctx.lang)
               + (" " + t("dom_rank_regions_note", ctx.lang) if view.region is None and ctx.unit != "VN" else ""))
    if view.unreported:
        st.caption(markdown_escape(unreported_caption(view, ctx.catalogue, ctx.lang)))
    if drill_view.units_with_details(ctx.units, [ctx.unit]):  # the province's communes and agencies (/chi-tiet)
        st.page_link("pages/drilldown.py", label=t("drl_open", ctx.lang, name=ctx.name(ctx.unit)),
                     icon=":material/account_tree:", query_params={"unit": ctx.unit, "ind": view.focus[0]})

@st.fragment
def map_and_trend() -> None:
    """The map (its indicator and kind) and the indicator's trend: choosing another indicator or map
    kind reruns only this part of the page; the sidebar's filters rerun the whole page."""
    st.subheader(t("dom_map", ctx.lang))
    left, right = st.columns([3, 2])
    indicator = indicator_picker(ctx, left, f"map_{page.key}", view.focus[0], view.codes)
    kind = synced_selectbox(t("dom_map_kind", ctx.lang), ["tiles", "bubbles", "choropleth"], "map", "tiles",
                            container=right, format_func=lambda k: t(f"dom_map_{k}", ctx.lang))
    shown = map_view(view, ctx.units, ctx.catalogue, ctx.geography, indicator, kind, ctx.unit, ctx.lang,
                     boundaries.boundary_file(ctx.geography))
    if shown.kind == "choropleth":
        fig = shared_call(maps.choropleth, shown.values, shown.features, shown.match, shown.highlight, ctx.lang)
    elif shown.kind == "bubbles":
        fig = shared_call(maps.bubbles, shown.values, ctx.units, shown.highlight, ctx.lang, outline=shown.features)
    else:
        fig = shared_call(maps.tile_grid, shown.values, ctx.units, ctx.geography, shown.highlight, ctx.lang)
    st.markdown(f"**{markdown_escape(shown.values.title)}** ({markdown_escape(shown.values.unit_of_measure)})")
    st.plotly_chart(fig, width="content", config=PLOT_CONFIG)
    for note in shown.notes:
        st.caption(markdown_escape(note))
    for info in shown.infos:
        st.info(markdown_escape(info))
    for warning in shown.warnings:
        st.warning(markdown_escape(warning))

    trend = indicator_trend(ctx.snapshot, ctx.units, ctx.catalogue, ctx.unit, ctx.periods, ctx.period, indicator,
                            ctx.geography, ctx.lang, within=focus_trend)  # a focus indicator's rows: not queried again
    st.subheader(markdown_escape(trend.title))
    if trend.trend.frame["actual"].notna().sum() == 0:
        st.info(t("no_figures", ctx.lang))
    else:
        meta = by_code(ctx.catalogue).loc[indicator]
        st.plotly_chart(shared_call(charts.trend_lines, trend.trend.frame, name_col="name", decimals=int(meta["decimals"]),
                                           unit_of_measure=meta["unit_of_measure"], lang=ctx.lang,
                                           show_plan=not trend.rate), width="stretch", config=PLOT_CONFIG)
    for note in trend.notes:
        st.caption(markdown_escape(note))

    pdf_download(lambda info: page_pdf.domain_document(
        info, title, cards, table, [t("dom_rank_note", ctx.lang), unreported_caption(view, ctx.catalogue, ctx.lang)],
        focus_trend.frame, ctx.catalogue, view.focus, trend_notes(focus_trend, ctx.lang), shown, ctx.geography, trend,
        by_code(ctx.catalogue).loc[indicator]),
        download_name(t(page.title_key, ctx.lang), ctx.name(ctx.unit), ctx.period, ext="pdf"), title,
        [(t("dom_map", ctx.lang), ctx.indicator_name(indicator))])


map_and_trend()
