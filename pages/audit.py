"""Nhật ký hệ thống (admins only; dashboard.py registers the page for them): filters, the log, Excel and CSV.
Layout only: what it shows is kpi.screens.audit, read through kpi.access.audit (append-only)."""
import streamlit as st

from kpi.access import audit
from kpi.access.users import ADMIN, PermissionDenied, require
from kpi.reports.spreadsheet import XLSX_MIME
from kpi.screens import audit as view
from kpi.screens.data import damaged_lines
from kpi.store.catalogue import CatalogueError
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from pages._shared import audited_export, context, snapshot_notices

ctx = context()
lang = ctx.lang
st.title(t("page_audit", lang))
for line in damaged_lines(ctx.damaged, lang):  # as on every page: a damaged snapshot was passed over
    st.error(markdown_escape(line), icon="⚠️")
snapshot_notices(ctx)
try:
    require(ctx.user, ADMIN)  # the page is registered for admins only; a stale link gets this
    log = audit.read_log()
except (PermissionDenied, CatalogueError) as exc:
    st.error(markdown_escape(t("aud_unavailable", lang, error=exc)))
    st.stop()
st.caption(t("aud_caption", lang))
if not len(log):
    st.info(t("aud_empty", lang))
    st.stop()

everything = view.audit_view(log, view.Filters(), lang)
left, middle, right = st.columns([2, 2, 2])
actions = left.multiselect(t("aud_filter_action", lang), everything.actions, key="aud_actions",
                           placeholder=t("aud_all", lang),
                           format_func=lambda a: view.action_label(a, lang))
users = middle.multiselect(t("aud_filter_user", lang), list(everything.users), key="aud_users",
                           placeholder=t("aud_all", lang),
                           format_func=everything.users.get)
text = right.text_input(t("aud_filter_text", lang), key="aud_text", max_chars=200)
start_column, end_column, _ = st.columns([1, 1, 4])
start = start_column.date_input(t("aud_filter_from", lang), value=everything.first_day, key="aud_from",
                                format="DD/MM/YYYY")
end = end_column.date_input(t("aud_filter_to", lang), value=everything.last_day, key="aud_to", format="DD/MM/YYYY")

shown = view.audit_view(log, view.Filters(tuple(actions), tuple(users), start, end, text), lang)
st.caption(t("aud_count", lang, shown=shown.shown, total=shown.total))
if not shown.shown:
    st.info(t("aud_none_match", lang))
else:
    st.dataframe(shown.table, hide_index=True, width="stretch", height=min(38 * (shown.shown + 1) + 3, 600))
    xlsx_name, csv_name = view.file_name("xlsx"), view.file_name("csv")
    xlsx_column, csv_column, _ = st.columns([1, 1, 3])
    xlsx_column.download_button(t("aud_download_xlsx", lang), audited_export(lambda: view.audit_xlsx(shown, lang), xlsx_name),
                                file_name=xlsx_name, mime=XLSX_MIME, on_click="ignore", icon=":material/download:",
                                key="aud_xlsx")
    csv_column.download_button(t("aud_download_csv", lang), audited_export(lambda: view.audit_csv(shown), csv_name),
                               file_name=csv_name, mime="text/csv", on_click="ignore", icon=":material/download:",
                               key="aud_csv")
