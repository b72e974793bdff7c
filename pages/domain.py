"""Shared layout of the domain pages (Việc làm, Giáo dục nghề nghiệp, Giảm nghèo, Người có công,
Bảo trợ xã hội - trẻ em - CCHC): focus cards, every indicator with ranks, a map and the trend.
Widgets and layout only; the figures and their text come from kpi.domains and kpi.maps."""
from __future__ import annotations

import streamlit as st

from kpi.units import boundaries

from kpi.charts import screen as charts

from kpi.charts import domain as domain_charts

from kpi.charts import maps
from kpi.reports.exports import XLSX_MIME, download_name, table_to_xlsx_bytes
from kpi.screens.domains import (DOMAIN_PAGES, card_text, domain_trend, domain_view, indicator_table, map_highlight,
                         state_note)
from kpi.text.i18n import t
from kpi.screens.overview import in_progress
from kpi.periods import parse_period, period_label
from pages._shared import context, header, status_badge, synced_selectbox

PLOT_CONFIG = {"displaylogo": False}


def render(page_key: str) -> None:
    ctx = context()
    page = DOMAIN_PAGES[page_key]
    title = t(page.title_key, ctx.lang)
    if ctx.snapshot is not None:
        title += f" — {ctx.name(ctx.unit)} — {period_label(ctx.period, ctx.lang)}"
    header(title)

    view = domain_view(ctx.snapshot, ctx.units, ctx.catalogue, page_key, ctx.unit, ctx.period, ctx.geography)
    if view.converted:
        source = parse_period(ctx.period).generation
        st.info(t("dom_converted", ctx.lang, period=period_label(ctx.period, ctx.lang),
                  source=t(f"dom_geo_{source}", ctx.lang), target=t(f"dom_geo_{ctx.geography}", ctx.lang)))
    if not view.has_figures:
        st.info(t("no_figures", ctx.lang))
        st.stop()
    if not parse_period(ctx.period).is_whole_year:
        st.caption(t("progress_note", ctx.lang))

    _focus_cards(ctx, view)
    st.subheader(t("dom_all_indicators", ctx.lang))
    table = indicator_table(view, ctx.catalogue, ctx.lang)
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(t("download_xlsx", ctx.lang), lambda: table_to_xlsx_bytes(table, "Chi tieu", title),
                       file_name=download_name(t(page.title_key, ctx.lang), ctx.name(ctx.unit), ctx.period),
                       mime=XLSX_MIME, on_click="ignore", icon=":material/download:")
    st.caption(t("dom_rank_note", ctx.lang)
               + (" " + t("dom_rank_regions_note", ctx.lang) if view.region is None and ctx.unit != "VN" else ""))

    st.subheader(t("dom_over_years", ctx.lang))
    focus_trend = domain_trend(ctx.snapshot, ctx.units, ctx.unit, ctx.periods, ctx.period, view.focus,
                               geography=ctx.geography, lang=ctx.lang)
    builder = domain_charts.combo if page.chart == "combo" else domain_charts.multiples
    st.plotly_chart(builder(focus_trend.frame, ctx.catalogue, view.focus, ctx.lang), width="stretch",
                    config=PLOT_CONFIG)
    _trend_notes(ctx, focus_trend)

    st.subheader(t("dom_map", ctx.lang))
    left, right = st.columns([3, 2])
    indicator = synced_selectbox(t("indicator", ctx.lang), view.codes, f"map_{page_key}", view.focus[0],
                                 container=left, format_func=ctx.indicator_name)
    boundary_path = boundaries.boundary_file(ctx.geography)
    kinds = ["tiles", "bubbles", "choropleth"]
    kind = synced_selectbox(t("dom_map_kind", ctx.lang), kinds, "map", "tiles", container=right,
                            format_func=lambda k: t(f"dom_map_{k}", ctx.lang))
    _map(ctx, view, indicator, kind, boundary_path)
    _trend(ctx, indicator)


def _focus_cards(ctx, view) -> None:
    st.subheader(t("dom_focus", ctx.lang))
    meta = ctx.catalogue.set_index("code")
    rows = view.own.set_index("indicator")
    columns = st.columns(min(len(view.focus), 5))
    for i, code in enumerate(view.focus):
        row = rows.loc[code]
        value, caption = card_text(row, meta.loc[code], ctx.lang)
        with columns[i % len(columns)].container(border=True):
            st.markdown(f"**{ctx.indicator_name(code)}**")
            st.markdown(f"<div style='font-size:2rem;font-weight:700;line-height:1.2'>{value}</div>",
                        unsafe_allow_html=True)
            if int(meta.loc[code, "direction"]) == 0 and bool(row["comparable"]) and row["actual"] == row["actual"]:
                st.caption(t("dom_context_only", ctx.lang))
            else:
                st.markdown(status_badge(row["status"] or "", bool(row["complete"]), bool(row["comparable"]),
                                         row["actual"] == row["actual"], ctx.lang,
                                         in_progress=in_progress(row["status"] or "", meta.loc[code, "aggregation"],
                                                                 ctx.period)), unsafe_allow_html=True)
            st.caption(caption)


def _trend_notes(ctx, trend) -> None:
    for note in trend.notes:
        st.caption(note)
    if trend.not_comparable:
        st.caption(t("dom_not_comparable_periods", ctx.lang, periods=", ".join(trend.not_comparable)))


def _map(ctx, view, indicator: str, kind: str, boundary_path) -> None:
    values = maps.map_values(view.peers, ctx.units, ctx.geography, indicator, ctx.catalogue, ctx.lang)
    highlight = map_highlight(ctx.units, ctx.unit, ctx.geography)
    if kind == "choropleth" and boundary_path is None:
        st.info(t("dom_no_boundaries", ctx.lang, geo=t(f"dom_geo_{ctx.geography}", ctx.lang), n=ctx.geography))
        kind = "tiles"
    if kind == "choropleth":
        features = boundaries.load_boundaries(boundary_path)
        match = boundaries.match_provinces(features, ctx.units, ctx.geography)
        fig = maps.choropleth(values, features, match, highlight, ctx.lang)
    elif kind == "bubbles":
        outline = boundaries.load_boundaries(boundary_path) if boundary_path else None
        fig = maps.bubbles(values, ctx.units, highlight, ctx.lang, outline=outline)
    else:
        fig = maps.tile_grid(values, ctx.units, ctx.geography, highlight, ctx.lang)
    st.markdown(f"**{values.title}** ({values.unit_of_measure})")
    st.plotly_chart(fig, width="content", config=PLOT_CONFIG)
    st.caption(t("dom_map_note", ctx.lang))
    if kind == "choropleth":
        credit = boundaries.attribution()
        st.caption(t("dom_boundary_source", ctx.lang, file=boundary_path.name) + (f" — {credit}" if credit else ""))
        if match.unmatched_features:
            st.warning(t("dom_unmatched_features", ctx.lang, names=", ".join(match.unmatched_features)))
        if match.unmatched_units:
            st.warning(t("dom_unmatched_units", ctx.lang, names=", ".join(ctx.name(u) for u in match.unmatched_units)))


def _trend(ctx, indicator: str) -> None:
    meta = ctx.catalogue.set_index("code").loc[indicator]
    rate = meta["aggregation"] == "ratio"
    trend = domain_trend(ctx.snapshot, ctx.units, ctx.unit, ctx.periods, ctx.period, [indicator],
                         with_aggregates=rate, geography=ctx.geography, lang=ctx.lang)
    st.subheader(f"{t('dom_trend', ctx.lang)}: {ctx.indicator_name(indicator)} ({meta['unit_of_measure']})")
    if trend.frame["actual"].notna().sum() == 0:
        st.info(t("no_figures", ctx.lang))
    else:
        fig = charts.trend_lines(trend.frame, name_col="name", decimals=int(meta["decimals"]),
                                 unit_of_measure=meta["unit_of_measure"], lang=ctx.lang, show_plan=not rate)
        st.plotly_chart(fig, width="stretch", config=PLOT_CONFIG)
        if rate:
            st.caption(t("dom_trend_with_aggregates", ctx.lang))
    _trend_notes(ctx, trend)
    own = trend.frame[(trend.frame["unit"] == ctx.unit) & trend.frame["actual"].notna()]
    notes = [f"{period_label(r['period'], ctx.lang)}: {state_note(r, ctx.lang)}" for _, r in own.iterrows()
             if state_note(r, ctx.lang)]
    if notes:
        st.caption("; ".join(notes))
