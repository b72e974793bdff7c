"""Dữ liệu: the import template, upload and check a file, confirm a new snapshot; snapshot history and diff."""
import streamlit as st

from kpi.screens import data as view
from kpi import store
from kpi.importing import importer
from kpi.text.i18n import t
from kpi.importing.template import template_cached
from pages._shared import context

ctx = context()
lang = ctx.lang
st.title(t("page_data", lang))
if ctx.snapshot is None:
    st.info(t("imp_empty", lang, dir=store.snapshots_dir()))
else:
    st.caption(t("snapshot_caption", lang, id=ctx.snapshot.id, created=ctx.snapshot.created.replace("T", " ")[:16]))

st.session_state.setdefault("imp_uploader", 0)
newest = store.get_snapshot(None)


def confirm_import(note: str) -> None:
    """Button callback (runs before the next run, so the sidebar can switch to the new snapshot)."""
    report = st.session_state.pop("imp_report", (None, None))[1]
    try:
        snapshot = importer.commit_import(report, note=note, created_by="trang Dữ liệu (tải lên)")
    except importer.ImportFailed as exc:
        st.session_state["imp_failed"] = [i.text() for i in exc.report.errors]
        return
    except store.SnapshotError as exc:
        st.session_state["imp_failed"] = [str(exc)]
        return
    st.session_state["snap"] = snapshot.id  # the shared sidebar filter: view the new snapshot
    st.query_params["snap"] = snapshot.id
    st.session_state["imp_done"] = snapshot.id
    st.session_state["imp_uploader"] += 1  # a fresh uploader: the file is done


def view_snapshot(snapshot_id: str) -> None:
    st.session_state["snap"] = snapshot_id
    st.query_params["snap"] = snapshot_id


tab_import, tab_history, tab_diff = st.tabs([t("imp_tab_import", lang), t("imp_tab_history", lang),
                                             t("imp_tab_diff", lang)])

with tab_import:
    if "imp_done" in st.session_state:
        st.success(t("imp_written", lang, id=st.session_state.pop("imp_done")))
    for message in st.session_state.pop("imp_failed", []):
        st.error(message)
    st.markdown(t("imp_intro", lang, mb=importer.MAX_UPLOAD_BYTES // 2**20))
    st.download_button(t("imp_template", lang), data=template_cached(newest), file_name="mau_nhap_so_lieu.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       icon=":material/download:", key="imp_template_download")
    uploads = st.file_uploader(t("imp_upload", lang), type=["csv", "xlsx"], accept_multiple_files=True,
                               key=f"imp_files_{st.session_state['imp_uploader']}")
    catalogue = ctx.catalogue if len(ctx.catalogue) else None
    codes = [""] + (list(catalogue["code"]) if catalogue is not None else [])
    indicator = st.selectbox(t("imp_gso_indicator", lang), codes, key="imp_indicator",
                             format_func=lambda c: t("imp_gso_none", lang) if not c else f"{ctx.indicator_name(c)} ({c})"
                             if catalogue is not None else c)
    note = st.text_input(t("imp_note", lang), key="imp_note", max_chars=300)

    if uploads:
        files = [(u.name, u.getvalue()) for u in uploads]
        key = (tuple(importer.sha256_bytes(data) for _, data in files), indicator, newest.id if newest else None)
        if st.session_state.get("imp_report", (None,))[0] != key:
            with st.spinner(t("imp_checking", lang)):
                st.session_state["imp_report"] = (key, importer.prepare_import(files, indicator=indicator or None))
        report = st.session_state["imp_report"][1]
        for line in importer.summary_lines(report):
            st.markdown(f"- {line}")
        if report.issues:
            n_errors, n_notices = len(report.errors), len(report.notices)
            st.subheader(t("imp_report", lang, errors=n_errors, notices=n_notices))
            st.dataframe(view.issues_table(report, lang), hide_index=True, width="stretch",
                         height=min(36 * len(report.issues) + 40, 520),
                         column_config={t("imp_col_message", lang): st.column_config.TextColumn(width="large")})
        if not report.ok:
            st.error(t("imp_blocked", lang, n=len(report.errors)))
        elif report.changes is not None and len(report.changes):
            st.subheader(t("imp_preview", lang))
            table = view.changes_table(report.changes, report.units, report.catalogue, lang)
            st.dataframe(table, hide_index=True, width="stretch", height=min(36 * len(table) + 40, 520))
            if len(report.changes) > len(table):
                st.caption(t("imp_more_rows", lang, shown=len(table), total=len(report.changes)))
            st.button(t("imp_confirm", lang), type="primary", on_click=confirm_import, args=(note,),
                      key="imp_confirm", icon=":material/save:")
            st.caption(t("imp_confirm_help", lang))
        else:
            st.info(t("imp_no_changes", lang))

history = importer.snapshot_history()
with tab_history:
    if history.empty:
        st.info(t("imp_no_snapshots", lang))
    else:
        st.dataframe(view.history_table(history, lang), hide_index=True, width="stretch",
                     height=min(36 * len(history) + 40, 520))
        ids = list(history["id"])
        current = ctx.snapshot.id if ctx.snapshot else ids[0]
        chosen = st.selectbox(t("imp_choose_view", lang), ids, index=ids.index(current) if current in ids else 0,
                              format_func=lambda i: view.snapshot_label(history, i, lang), key="imp_view_choice")
        st.button(t("imp_view", lang), on_click=view_snapshot, args=(chosen,), key="imp_view",
                  disabled=chosen == current, icon=":material/history:")
        st.caption(t("imp_view_help", lang, id=current))

with tab_diff:
    if len(history) < 2:
        st.info(t("imp_diff_need_two", lang))
    else:
        ids = list(history["id"])
        parent = history.iloc[0]["parent"]
        left, right = st.columns(2)
        old_id = left.selectbox(t("imp_diff_old", lang), ids, index=ids.index(parent) if parent in ids else 1,
                                format_func=lambda i: view.snapshot_label(history, i, lang), key="imp_diff_old")
        new_id = right.selectbox(t("imp_diff_new", lang), ids, index=0,
                                 format_func=lambda i: view.snapshot_label(history, i, lang), key="imp_diff_new")
        diff = importer.diff_snapshots(old_id, new_id)
        st.markdown(f"**{view.counts_sentence(importer.diff_counts(diff), lang, 'imp_counts_diff')}**")
        if len(diff):
            new_snapshot = store.get_snapshot(new_id)
            table = view.changes_table(diff, store.read_table(new_snapshot, "units"),
                                       store.read_table(new_snapshot, "indicators"), lang)
            st.dataframe(table, hide_index=True, width="stretch", height=min(36 * len(table) + 40, 520))
            if len(diff) > len(table):
                st.caption(t("imp_more_rows", lang, shown=len(table), total=len(diff)))
            st.download_button(t("imp_diff_download", lang), data=importer.diff_csv(diff),
                               file_name=f"khac_biet_{old_id}_{new_id}.csv", mime="text/csv", key="imp_diff_csv")
