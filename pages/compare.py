"""So sánh: one indicator, one period, all provinces or one region, ranked, with plan markers."""
import streamlit as st

from kpi.charts import screen as charts

from kpi.text import fmt
from kpi.screens.compare import compare_frame
from kpi.reports.exports import XLSX_MIME, download_name, figures_sheet, table_to_xlsx_bytes
from kpi.text.i18n import t
from kpi.units.names import region_of, units_of_geography
from kpi.periods import period_label
from pages._shared import context, figure_table, header, synced_selectbox

ctx = context()
header(t("page_compare", ctx.lang))

codes = list(ctx.catalogue["code"])
left, right = st.columns([2, 1])
indicator = synced_selectbox(t("indicator", ctx.lang), codes, "ind", "jobs_created", container=left,
                             format_func=ctx.indicator_name)
regions = [u for u in units_of_geography(ctx.units, ctx.geography, levels=("region",))]
scope = synced_selectbox(t("scope", ctx.lang), ["all"] + regions, "scope", "all", container=right,
                         format_func=lambda s: t("all_provinces", ctx.lang) if s == "all" else ctx.name(s))

result = compare_frame(ctx.snapshot, ctx.units, ctx.geography, ctx.period, indicator,
                       None if scope == "all" else scope, ctx.lang, focus=ctx.unit)  # queries/facts_aggregate.sql
meta = ctx.catalogue.set_index("code").loc[indicator]
st.subheader(f"{ctx.indicator_name(indicator)} — {period_label(ctx.period, ctx.lang)}")
if result.provinces["actual"].notna().sum() == 0:
    st.info(t("no_figures", ctx.lang))
    st.stop()

aggregates = result.aggregates
cols = st.columns(len(aggregates))
for col, (_, row) in zip(cols, aggregates.iterrows()):
    value = fmt.figure(row["actual"], meta["unit_of_measure"], int(meta["decimals"]), ctx.lang)
    note = "" if row["complete"] else f" ({t('incomplete', ctx.lang).lower()}: " \
        + t("atoms_note", ctx.lang, n=int(row["n_actual"]), total=int(row["n_atoms"])) + ")"
    col.metric(row["name"], value + note)

highlight = ctx.unit if ctx.unit in set(result.provinces["unit"]) else None
fig = charts.ranked_bars(result.provinces, name_col="name", highlight=highlight, decimals=int(meta["decimals"]),
                         unit_of_measure=meta["unit_of_measure"], direction=int(meta["direction"]), lang=ctx.lang)
st.plotly_chart(fig, width="stretch", config={"displaylogo": False})
missing = result.provinces.loc[result.provinces["actual"].isna(), "name"].tolist()
if missing:
    st.caption(f"{t('missing', ctx.lang)}: {', '.join(missing)}")

table = figure_table(result.provinces.sort_values("rank"), ctx, name_col="name")
table.insert(0, t("rank", ctx.lang), result.provinces.sort_values("rank")["rank_label"].values)
table = table.drop(columns=[t("indicator", ctx.lang)])
st.dataframe(table, hide_index=True, width="stretch", height=min(38 * len(table) + 40, 900))
ranked = result.provinces.sort_values("rank")
st.download_button(t("download_xlsx", ctx.lang), lambda: table_to_xlsx_bytes(
    figures_sheet(ranked, ctx.catalogue, ctx.lang, {t("rank", ctx.lang): ranked["rank_label"],
                                                    t("unit", ctx.lang): ranked["name"]}),
    t("page_compare", ctx.lang), f"{ctx.indicator_name(indicator)} — {period_label(ctx.period, ctx.lang)}"),
    file_name=download_name(t("page_compare", ctx.lang), indicator, ctx.period), mime=XLSX_MIME,
    on_click="ignore", icon=":material/download:")
if highlight:
    region = region_of(ctx.units, highlight, ctx.geography)
    st.caption(f"{t('highlight', ctx.lang)}: {ctx.name(highlight)}" + (f" ({ctx.name(region)})" if region else ""))
