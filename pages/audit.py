"""Nhật ký hệ thống (admins only; dashboard.py registers the page for them): the log with its filters,
Excel and CSV; and the users' roles in the catalogue, granted and revoked in a small form.
Layout only: what it shows is kpi.screens.audit, read through kpi.access.audit (append-only) and
written through kpi.access.roles (which checks the admin role again)."""
import streamlit as st

from kpi import figures
from kpi.access import audit, roles
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
    grants = roles.current_grants()
    units = figures.units(ctx.snapshot) if ctx.snapshot is not None else None  # names of the grants' units
except (PermissionDenied, CatalogueError) as exc:
    st.error(markdown_escape(t("aud_unavailable", lang, error=exc)))
    st.stop()

log_tab, users_tab = st.tabs([t("aud_tab_log", lang), t("aud_tab_users", lang)])

with log_tab:
    st.caption(t("aud_caption", lang))
    if not len(log):
        st.info(t("aud_empty", lang))
    else:
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
        end = end_column.date_input(t("aud_filter_to", lang), value=everything.last_day, key="aud_to",
                                    format="DD/MM/YYYY")

        shown = view.audit_view(log, view.Filters(tuple(actions), tuple(users), start, end, text), lang)
        st.caption(t("aud_count", lang, shown=shown.shown, total=shown.total))
        if not shown.shown:
            st.info(t("aud_none_match", lang))
        else:
            st.dataframe(shown.table, hide_index=True, width="stretch", height=min(38 * (shown.shown + 1) + 3, 600))
            xlsx_name, csv_name = view.file_name("xlsx"), view.file_name("csv")
            xlsx_column, csv_column, _ = st.columns([1, 1, 3])
            xlsx_column.download_button(t("aud_download_xlsx", lang),
                                        audited_export(lambda: view.audit_xlsx(shown, lang), xlsx_name),
                                        file_name=xlsx_name, mime=XLSX_MIME, on_click="ignore",
                                        icon=":material/download:", key="aud_xlsx")
            csv_column.download_button(t("aud_download_csv", lang),
                                       audited_export(lambda: view.audit_csv(shown), csv_name),
                                       file_name=csv_name, mime="text/csv", on_click="ignore",
                                       icon=":material/download:", key="aud_csv")

with users_tab:
    st.caption(t("acc_users_caption", lang))
    done = st.session_state.pop("acc_users_done", None)  # the message of the change just written
    if done:
        st.success(markdown_escape(done))
    current = view.grants_view(grants, lang, units)
    if current.empty:
        st.info(t("acc_users_empty", lang))
    else:
        st.caption(current.count_text)
        st.dataframe(current.table, hide_index=True, width="stretch",
                     height=min(38 * (len(current.grants) + 1) + 3, 420),
                     column_config={t("acc_users_col_email", lang): st.column_config.TextColumn(width="medium"),
                                    t("acc_users_col_role", lang): st.column_config.TextColumn(width="medium"),
                                    t("acc_users_col_at", lang): st.column_config.TextColumn(width="medium")})

    def write(action: str, email: str, role: str, unit: str) -> None:
        change = roles.grant if action == "grant" else roles.revoke
        try:
            change(ctx.user, email, role, unit)
        except (PermissionDenied, CatalogueError) as exc:
            st.error(markdown_escape(t("acc_users_refused", lang, error=exc)))
            return
        st.session_state["acc_users_done"] = view.change_text(action, email, role, unit, lang, units)
        st.rerun()

    grant_column, revoke_column = st.columns(2)
    # enter_to_submit=False: the buttons submit; no English-only "Press Enter to submit form" hint
    with grant_column, st.form("acc_users_grant_form", clear_on_submit=False, enter_to_submit=False):
        st.markdown(f"**{t('acc_users_grant_title', lang)}**")
        email = st.text_input(t("acc_users_email", lang), key="acc_users_email", max_chars=200)
        role = st.selectbox(t("acc_users_role", lang), view.role_choices(), key="acc_users_role",
                            format_func=lambda r: view.role_label(r, lang))
        unit = st.text_input(t("acc_users_unit", lang), key="acc_users_unit", max_chars=40)
        if st.form_submit_button(t("acc_users_grant_button", lang), icon=":material/person_add:"):
            write("grant", email, role, unit)
    if not current.empty:
        with revoke_column, st.form("acc_users_revoke_form", enter_to_submit=False):
            st.markdown(f"**{t('acc_users_revoke_title', lang)}**")
            chosen = st.selectbox(t("acc_users_revoke_choice", lang), range(len(current.grants)),
                                  key="acc_users_revoke_choice",
                                  format_func=lambda i: view.grant_label(current.grants[i], lang, units))
            if st.form_submit_button(t("acc_users_revoke_button", lang), icon=":material/person_remove:"):
                picked = current.grants[chosen]
                write("revoke", picked.email, picked.role, picked.unit)
