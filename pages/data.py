"""Dữ liệu: the import template, upload and check a file, confirm a new snapshot; snapshot history and diff.
Layout only: what it shows is kpi.screens.data, the work is kpi.importing."""
import streamlit as st

from kpi import store
from kpi.access.users import APPROVER, EDITOR, PermissionDenied
from kpi.importing.merge import ImportFailed, commit_import, prepare_import
from kpi.importing.template import template_cached
from kpi.reports.spreadsheet import XLSX_MIME
from kpi.screens import access as access_view
from kpi.screens import data as view
from kpi.store import catalogue
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from pages._shared import audited_export, context, snapshot_notices

ctx = context()
lang = ctx.lang
st.title(t("page_data", lang))
for line in view.damaged_lines(ctx.damaged, lang):  # shown here too: this page also works without any snapshot
    st.error(markdown_escape(line), icon="⚠️")
if ctx.snapshot is None:
    st.info(view.page_caption(None, lang))
else:
    st.caption(view.page_caption(ctx.snapshot, lang))
snapshot_notices(ctx, link_to_data=False)  # as every page: pending ones waiting, a pending one viewed

st.session_state.setdefault("imp_uploader", 0)
newest = store.get_snapshot(None)


def confirm_import(note: str, warnings_checked: bool) -> None:
    """Button callback (runs before the next run, so the sidebar can switch to the new snapshot).
    Every refusal, a failed write included, is a message on the next run; nothing is written."""
    report = st.session_state.pop("imp_report", (None, None))[1]
    st.session_state.pop("imp_checked", None)
    if report is None:
        return
    try:
        snapshot = commit_import(report, note=note, created_by=view.CREATED_BY_PAGE, accept_warnings=warnings_checked,
                                 user=ctx.user)
    except PermissionDenied as exc:
        st.session_state["imp_failed"] = [t("acc_denied", lang, reason=exc)]
        return
    except ImportFailed as exc:
        st.session_state["imp_failed"] = view.failure_lines(exc, lang)
        return
    st.session_state["snap"] = snapshot.id  # the shared sidebar filter: view the new snapshot
    st.query_params["snap"] = snapshot.id
    st.session_state["imp_done"] = (snapshot.id, snapshot.state)  # a signed-in editor's import waits for approval
    st.session_state["imp_uploader"] += 1  # a fresh uploader: the file is done


def view_snapshot(snapshot_id: str) -> None:
    st.session_state["snap"] = snapshot_id
    st.query_params["snap"] = snapshot_id


def decide(action: str, snapshot_id: str) -> None:
    """Approve or reject button callback; catalogue.approve/reject check the role, the author and the order."""
    comment = st.session_state.get(f"apv_comment_{snapshot_id}", "")
    try:
        done = (catalogue.approve if action == "approve" else catalogue.reject)(snapshot_id, ctx.user, comment)
    except (PermissionDenied, catalogue.CatalogueError) as exc:
        st.session_state["apv_message"] = ("error", t("acc_denied", lang, reason=exc))
        return
    state = catalogue.STATE_NAMES[done.state] if lang == "vi" else catalogue.STATE_NAMES_EN[done.state]
    st.session_state["apv_message"] = ("success", t("acc_decided", lang, id=done.id, state=state))
    if done.state == catalogue.APPROVED:  # the shared sidebar filter: view the newly approved snapshot
        st.session_state["snap"] = done.id
        st.query_params["snap"] = done.id


if access_view.sees_pending(ctx.user):  # editors and approvers; the buttons are approvers', checked again in kpi
    kind, message = st.session_state.pop("apv_message", (None, None))
    if message:
        (st.error if kind == "error" else st.success)(markdown_escape(message))
    pending = access_view.pending_items(lang, user=ctx.user)
    if pending:
        st.subheader(t("acc_pending_title", lang))
    for item in pending:
        with st.container(border=True):
            st.markdown(item.line)
            review = view.pending_review(item.id, ctx.newest, lang)  # what approving it changes for viewers
            if review.note:
                st.caption(markdown_escape(review.note))
            else:
                st.markdown(f"**{review.heading}** — {review.sentence}")
                if review.table is not None:
                    st.dataframe(review.table, hide_index=True, width="stretch",
                                 height=view.table_height(len(review.table)))
                    if review.caption:
                        st.caption(review.caption)
                    st.download_button(t("imp_diff_download", lang), data=audited_export(review.csv, review.file_name),
                                       file_name=review.file_name, mime="text/csv", key=f"apv_diff_csv_{item.id}",
                                       on_click="ignore")  # built when clicked, and audited
            if not ctx.may(APPROVER):
                continue
            st.text_input(t("acc_comment", lang), key=f"apv_comment_{item.id}", max_chars=300)
            approve_column, reject_column, _ = st.columns([1, 1, 4])
            approve_column.button(t("acc_approve", lang), key=f"apv_ok_{item.id}", type="primary",
                                  on_click=decide, args=("approve", item.id), icon=":material/check:")
            reject_column.button(t("acc_reject", lang), key=f"apv_no_{item.id}", on_click=decide,
                                 args=("reject", item.id), icon=":material/close:")

may_import = ctx.may(EDITOR)  # the import tab is an editor's; commit_import checks the role itself
if not may_import:
    st.caption(t("acc_no_import_role", lang))
names = [t("imp_tab_history", lang), t("imp_tab_diff", lang), t("imp_tab_catalogue", lang)]
*import_tabs, tab_history, tab_diff, tab_catalogue = st.tabs(([t("imp_tab_import", lang)] if may_import else []) + names)


def import_tab() -> None:
    """Template, upload, check, preview and confirm (editors)."""
    if "imp_done" in st.session_state:
        done_id, done_state = st.session_state.pop("imp_done")
        st.success(t("imp_written_pending" if done_state == catalogue.PENDING else "imp_written", lang, id=done_id))
    for message in st.session_state.pop("imp_failed", []):
        st.error(message)
    st.markdown(view.intro_text(lang))
    st.download_button(t("imp_template", lang), data=template_cached(newest), file_name="mau_nhap_so_lieu.xlsx",
                       mime=XLSX_MIME, icon=":material/download:", key="imp_template_download")
    uploads = st.file_uploader(t("imp_upload", lang), type=["csv", "xlsx"], accept_multiple_files=True,
                               key=f"imp_files_{st.session_state['imp_uploader']}")
    indicator = st.selectbox(t("imp_gso_indicator", lang), view.indicator_choices(ctx.catalogue), key="imp_indicator",
                             format_func=lambda c: view.indicator_choice_label(c, ctx.catalogue, lang))
    decimal_column, group_column = st.columns(2)
    decimal = decimal_column.selectbox(t("imp_decimal_choice", lang), list(view.DECIMAL_CHOICES), key="imp_decimal",
                                       format_func=lambda c: view.decimal_choice_label(c, lang))
    # the column group of GSO tables: chosen beside the decimal mark once a file has groups (below)
    column_group = st.session_state.get("imp_column_group", "")
    note = st.text_input(t("imp_note", lang), key="imp_note", max_chars=300)

    if uploads:
        files = [(u.name, u.getvalue()) for u in uploads]
        key = view.upload_key(files, indicator, decimal, newest, column_group)
        if st.session_state.get("imp_report", (None,))[0] != key:  # checked once per upload (SHA-256)
            with st.spinner(t("imp_checking", lang)):
                st.session_state["imp_report"] = (key, prepare_import(files, indicator=indicator or None,
                                                                      decimal=decimal or None,
                                                                      column_group=column_group or None))
        groups = view.column_group_choices(st.session_state["imp_report"][1], column_group)
        if groups:
            group_column.selectbox(t("imp_column_group_choice", lang), groups, index=groups.index(column_group),
                                   key="imp_column_group", format_func=lambda g: view.column_group_label(g, lang))
        if st.session_state.get("imp_checked", (None, None))[:2] != (key, lang):
            st.session_state["imp_checked"] = (key, lang, view.import_view(st.session_state["imp_report"][1], lang))
        checked = st.session_state["imp_checked"][2]
        for line in checked.summary:
            st.markdown(f"- {line}")
        if checked.heading:
            st.subheader(checked.heading)
            st.dataframe(checked.issues, hide_index=True, width="stretch",
                         height=view.table_height(len(checked.issues)),
                         column_config={checked.message_column: st.column_config.TextColumn(width="large")})
        if checked.blocked:
            st.error(checked.blocked)
        elif checked.preview is not None:
            st.subheader(t("imp_preview", lang))
            st.dataframe(checked.preview, hide_index=True, width="stretch",
                         height=view.table_height(len(checked.preview)))
            if checked.preview_caption:
                st.caption(checked.preview_caption)
            warnings_checked = True
            if checked.warnings:
                st.warning(checked.warnings)
                box = "imp_warnings_ok_" + "_".join(sha[:12] for sha in key[0])  # a new file is checked afresh
                warnings_checked = st.checkbox(t("imp_warnings_ok", lang), key=box)
            st.button(t("imp_confirm", lang), type="primary", on_click=confirm_import, args=(note, warnings_checked),
                      key="imp_confirm", icon=":material/save:", disabled=not warnings_checked)
            st.caption(t("imp_confirm_help", lang))
        else:
            st.info(t("imp_no_changes", lang))


if may_import:
    with import_tabs[0]:
        import_tab()

history = view.history_view(ctx.snapshot, lang)
with tab_history:
    if not history.ids:
        st.info(t("imp_no_snapshots", lang))
    else:
        st.dataframe(history.table, hide_index=True, width="stretch", height=view.table_height(len(history.table)))
        chosen = st.selectbox(t("imp_choose_view", lang), history.ids, index=history.ids.index(history.current),
                              format_func=history.labels.get, key="imp_view_choice")
        st.button(t("imp_view", lang), on_click=view_snapshot, args=(chosen,), key="imp_view",
                  disabled=chosen == history.current, icon=":material/history:")
        st.caption(t("imp_view_help", lang, id=history.current))

with tab_diff:
    if len(history.ids) < 2:
        st.info(t("imp_diff_need_two", lang))
    else:
        left, right = st.columns(2)
        old_id = left.selectbox(t("imp_diff_old", lang), history.ids, index=history.ids.index(history.diff_old),
                                format_func=history.labels.get, key="imp_diff_old")
        new_id = right.selectbox(t("imp_diff_new", lang), history.ids, index=0, format_func=history.labels.get,
                                 key="imp_diff_new")
        diff = view.diff_view(old_id, new_id, lang)
        st.markdown(f"**{diff.sentence}**")
        if diff.table is not None:
            st.dataframe(diff.table, hide_index=True, width="stretch", height=view.table_height(len(diff.table)))
            if diff.caption:
                st.caption(diff.caption)
            st.download_button(t("imp_diff_download", lang), data=audited_export(diff.csv, diff.file_name),
                               file_name=diff.file_name, mime="text/csv", key="imp_diff_csv",
                               on_click="ignore")  # built when clicked, and audited

with tab_catalogue:
    if not len(ctx.catalogue):
        st.info(t("imp_no_snapshots", lang))
    else:
        st.caption(view.catalogue_caption(ctx.catalogue, lang))
        st.dataframe(view.catalogue_table(ctx.catalogue, lang), hide_index=True, width="stretch",
                     height=view.table_height(len(ctx.catalogue)))
