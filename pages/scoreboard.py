"""Bảng màu chỉ tiêu: provinces × indicators for one period, each figure coloured by its verdict.
Layout only: what it shows is kpi.screens.scoreboard (figures from queries/facts_aggregate.sql)."""
import html

import streamlit as st

from kpi.reports import page_pdf
from kpi.reports.spreadsheet import XLSX_MIME, download_name
from kpi.screens import scoreboard as view
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from kpi.units.names import units_of_geography
from pages._shared import audited_export, context, header, pdf_download, synced_multiselect, synced_selectbox

STYLE = """<style>
.sb-wrap { max-height: 74vh; overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; }
.sb { border-collapse: separate; border-spacing: 0; font-size: 15px; line-height: 1.25; }
.sb th, .sb td { border-right: 1px solid #ffffff; border-bottom: 1px solid #ffffff; padding: 5px 8px; }
.sb thead th { position: sticky; top: 0; z-index: 2; background: #f6f8fa; color: #1f2328; font-weight: 600;
  font-size: 13px; vertical-align: bottom; text-align: center; min-width: 6.5em; max-width: 10em;
  white-space: normal; border-bottom: 2px solid #8c959f; }
.sb thead th .sb-uom { font-weight: 400; color: #57606a; }
.sb .sb-unit { position: sticky; left: 0; z-index: 1; background: #ffffff; text-align: left; white-space: normal;
  font-weight: 600; min-width: 8em; max-width: 13em; border-right: 2px solid #8c959f; }
.sb thead th.sb-unit { z-index: 3; background: #f6f8fa; }
.sb .sb-rank, .sb thead th.sb-rank { text-align: center; white-space: nowrap; color: #1f2328; background: #ffffff;
  min-width: 3.5em; }
.sb td.sb-cell { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.sb td.sb-cell .sb-word { display: block; font-size: 12px; font-weight: 600; text-align: right; }
.sb tr.sb-agg th, .sb tr.sb-agg td { font-weight: 700; }
.sb tr.sb-last-agg th, .sb tr.sb-last-agg td { border-bottom: 3px solid #57606a; }
.sb-legend { display: flex; flex-wrap: wrap; gap: 6px 14px; margin: 4px 0 10px 0; font-size: 15px; }
.sb-legend span.sb-swatch { display: inline-block; padding: 2px 10px; border-radius: 4px; margin-right: 6px;
  font-weight: 600; border: 1px solid #8c959f; }
@media print { .sb-wrap { max-height: none; overflow: visible; } .sb thead th, .sb .sb-unit { position: static; } }
</style>"""

ctx = context()
header(t("vw_scoreboard", ctx.lang))

left, middle = st.columns([2, 1])
domains = synced_multiselect(t("vw_domains", ctx.lang), view.domain_options(), "dom", view.domain_options(),
                             container=left, format_func=lambda d: view.domain_name(d, ctx.lang))
regions = units_of_geography(ctx.units, ctx.geography, levels=("region",))
scope = synced_selectbox(t("scope", ctx.lang), ["all"] + regions, "scope", "all", container=middle,
                         format_func=lambda s: t("all_provinces", ctx.lang) if s == "all" else ctx.name(s))
base = view.scoreboard_screen(ctx.snapshot, ctx.units, ctx.catalogue, ctx.geography, ctx.period,
                              None if scope == "all" else scope, domains, ctx.lang)
st.subheader(markdown_escape(base.title))
if not base.has_figures:
    st.info(t("vw_no_columns", ctx.lang))
    st.stop()

c1, c2, c3 = st.columns([2, 1, 1])
sort_names = {view.BY_NAME: t("vw_sort_name", ctx.lang), **{c.code: c.name for c in base.columns}}
sort_by = synced_selectbox(t("vw_sort_by", ctx.lang), list(sort_names), "sort", view.BY_NAME, container=c1,
                           format_func=sort_names.get)
column = base.column(sort_by)
direction = column.direction if column else 1
order = synced_selectbox(t("vw_order", ctx.lang), ["best", "worst"], "order", "best", container=c2,
                         format_func=lambda o: view.order_text(o == "best", direction, ctx.lang),
                         disabled=column is None)
if "words" not in st.session_state:  # kept in the URL like every filter (?words=1)
    st.session_state["words"] = st.query_params.get("words") == "1"
words = c3.toggle(t("vw_show_words", ctx.lang), key="words")
st.query_params["words"] = "1" if words else "0"
screen = view.sorted_screen(base, sort_by, order == "best")

swatches = "".join(f"<span><span class='sb-swatch' style='background:{i.bg};color:{i.fg}'>&nbsp;</span>"
                   f"{html.escape(i.words)}</span>" for i in screen.legend)
st.markdown(f"{STYLE}<div class='sb-legend' role='list' aria-label='{html.escape(t('vw_legend', ctx.lang))}'>"
            f"<strong>{html.escape(t('vw_legend', ctx.lang))}:</strong>{swatches}</div>", unsafe_allow_html=True)
st.caption(markdown_escape(screen.sort_label()))
if screen.period_note:
    st.caption(markdown_escape(screen.period_note))


def table_html() -> str:
    ranked = screen.column(screen.sort_by) is not None
    head = f"<th class='sb-unit'>{html.escape(t('unit', ctx.lang))}</th>"
    if ranked:
        head += f"<th class='sb-rank'>{html.escape(t('rank', ctx.lang))}</th>"
    head += "".join(f"<th title='{html.escape(c.header)}'>{html.escape(c.name)}"
                    f"<br><span class='sb-uom'>({html.escape(c.uom)})</span></th>" for c in screen.columns)
    body = []
    last_aggregate = screen.aggregates[-1].unit if screen.aggregates else None
    for row in screen.rows:
        classes = ("sb-agg" if row.kind != "province" else "") + (" sb-last-agg" if row.unit == last_aggregate else "")
        cells = [f"<th class='sb-unit' scope='row'>{html.escape(row.name)}</th>"]
        if ranked:
            cells.append(f"<td class='sb-rank'>{html.escape(row.rank_text)}</td>")
        for c in screen.columns:
            found = view.cell(screen, row.unit, c.code)
            word = f"<span class='sb-word'>{html.escape(found.word)}</span>" if words else ""
            cells.append(f"<td class='sb-cell' style='background:{found.bg};color:{found.fg}' "
                         f"title='{html.escape(found.tooltip)}'>{html.escape(found.text)}{word}</td>")
        body.append(f"<tr class='{classes.strip()}'>{''.join(cells)}</tr>")
    return (f"<div class='sb-wrap'><table class='sb'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table></div>")


st.markdown(table_html(), unsafe_allow_html=True)
st.caption(markdown_escape(t("vw_missing_note", ctx.lang)))
st.caption(markdown_escape(t("vw_aggregates", ctx.lang)))
if screen.not_this_period:
    st.caption(markdown_escape(t("vw_not_this_period", ctx.lang, names="; ".join(screen.not_this_period))))
if screen.never_reported:
    st.caption(markdown_escape(t("vw_never_reported", ctx.lang, names="; ".join(screen.never_reported))))
st.caption(markdown_escape(screen.snapshot_line + (f" — {t('source', ctx.lang)}: {'; '.join(screen.sources)}"
                                                   if screen.sources else "")))
file_name = download_name(t("vw_scoreboard", ctx.lang), ctx.period, str(ctx.geography))
st.download_button(t("download_xlsx", ctx.lang), audited_export(lambda: view.scoreboard_workbook(screen), file_name),
                   file_name=file_name, mime=XLSX_MIME, on_click="ignore", icon=":material/download:")
pdf_download(lambda info: page_pdf.scoreboard_document(info, screen, words),
             download_name(t("vw_scoreboard", ctx.lang), ctx.period, str(ctx.geography), ext="pdf"),
             t("vw_scoreboard", ctx.lang),
             [(t("scope", ctx.lang), t("all_provinces", ctx.lang) if scope == "all" else ctx.name(scope)),
              (t("vw_domains", ctx.lang), "; ".join(view.domain_name(d, ctx.lang) for d in domains))])
