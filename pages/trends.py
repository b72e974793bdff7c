"""Xu hướng: one indicator over the years for one or several units, actual against plan."""
import streamlit as st

from kpi.charts import screen as charts
from kpi.reports.exports import XLSX_MIME, download_name, figures_sheet, table_to_xlsx_bytes
from kpi.text.i18n import t
from kpi.units.names import units_of_geography
from kpi.screens.trends import periods_for_months, predecessor_notes, trend_frame
from pages._shared import context, figure_table, header, synced_multiselect, synced_selectbox

ctx = context()
header(t("page_trends", ctx.lang))

codes = list(ctx.catalogue["code"])
c1, c2 = st.columns([2, 1])
indicator = synced_selectbox(t("indicator", ctx.lang), codes, "ind", "jobs_created", container=c1,
                             format_func=ctx.indicator_name)
length = synced_selectbox(t("period", ctx.lang), ["12", "9", "6"], "len", "12", container=c2,
                          format_func=lambda m: {"12": "Cả năm", "9": "9 tháng", "6": "6 tháng đầu năm"}[m]
                          if ctx.lang == "vi" else {"12": "Whole year", "9": "9 months", "6": "6 months"}[m])
options = units_of_geography(ctx.units, ctx.geography)
targets = synced_multiselect(t("units_selected", ctx.lang), options, "units", [ctx.unit], format_func=ctx.name,
                             max_selections=8)
if not targets:
    st.info(t("no_figures", ctx.lang))
    st.stop()

periods = periods_for_months(ctx.periods, int(length))
frame = trend_frame(ctx.snapshot, ctx.units, targets, periods, indicator, ctx.lang)  # queries/facts_aggregate.sql
meta = ctx.catalogue.set_index("code").loc[indicator]
st.subheader(ctx.indicator_name(indicator) + f" ({meta['unit_of_measure']})")
if frame["actual"].notna().sum() == 0:
    st.info(t("no_figures", ctx.lang))
    st.stop()

st.plotly_chart(charts.trend_lines(frame, name_col="name", decimals=int(meta["decimals"]),
                                   unit_of_measure=meta["unit_of_measure"], lang=ctx.lang),
                width="stretch", config={"displaylogo": False})
for name, parts in predecessor_notes(ctx.units, targets, ctx.lang):
    st.caption(t("predecessor_note", ctx.lang, name=name, parts=", ".join(parts)))

st.markdown(f"**{t('change', ctx.lang)}**")
st.plotly_chart(charts.change_bars(frame, name_col="name", lang=ctx.lang), width="stretch",
                config={"displaylogo": False})
table = figure_table(frame, ctx, name_col="name").drop(columns=[t("indicator", ctx.lang)])
table.insert(1, t("year", ctx.lang), frame["year"].values)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(t("download_xlsx", ctx.lang), lambda: table_to_xlsx_bytes(
    figures_sheet(frame, ctx.catalogue, ctx.lang, {t("unit", ctx.lang): frame["name"], t("year", ctx.lang): frame["year"]}),
    t("page_trends", ctx.lang), ctx.indicator_name(indicator)),
    file_name=download_name(t("page_trends", ctx.lang), indicator), mime=XLSX_MIME, on_click="ignore",
    icon=":material/download:")
