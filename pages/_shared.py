"""What every page shows under its title (the snapshot it reads, the notices about snapshots, links
and mergers, the empty state), and, for the pages' imports, the sidebar's Context and choosers
(pages/_sidebar.py) and the download buttons (pages/_exports.py)."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from kpi import store
from kpi.screens import access as access_view
from kpi.screens import data as data_view
from kpi.screens import drilldown as drill_view
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from pages._exports import audited_export, pdf_download, pdf_info, xlsx_download
from pages._sidebar import (
    FALLBACKS,
    PLOT_CONFIG,
    Context,
    build_context,
    context,
    fallback_notes,
    indicator_picker,
    synced_multiselect,
    synced_selectbox,
)

__all__ = ["FALLBACKS", "PLOT_CONFIG", "Context", "audited_export", "build_context", "context", "fallback_notes",
           "header", "indicator_picker", "merger_notices", "newest_link", "pdf_download", "pdf_info",
           "snapshot_notices", "synced_multiselect", "synced_selectbox", "xlsx_download"]


def header(title: str) -> Context:
    """Page title, the snapshot it reads and the demo notice; stops with an empty state if no data."""
    ctx = context()
    st.title(markdown_escape(title))
    for line in data_view.damaged_lines(ctx.damaged, ctx.lang):  # damaged, or unreadable right now
        st.error(markdown_escape(line), icon="⚠️")
    if ctx.snapshot is None:
        st.info(f"**{t('empty_title', ctx.lang)}** — " + t("empty_body", ctx.lang, dir=store.snapshots_dir()))
        st.stop()
    created = ctx.snapshot.created.replace("T", " ")[:16]
    st.caption(t("snapshot_caption", ctx.lang, id=ctx.snapshot.id, created=created))
    snapshot_notices(ctx)
    if ctx.snapshot.is_demo:
        st.warning(t("demo_warning", ctx.lang), icon="ℹ️")
    if ctx.period is None:
        # a snapshot of plans only (no actual figure in any period): nothing to show yet, say so
        st.info(t("no_periods", ctx.lang))
        st.stop()
    merger_notices(ctx)
    return ctx


def merger_notices(ctx: Context) -> None:
    """A link's unit or period that fell back (what it asked for, what is shown), a former province in a later
    period (where it went, with a button to it), the 63-province geography after 30 June 2025 (kpi.screens.drilldown)."""
    for note in fallback_notes():
        st.info(markdown_escape(note), icon=":material/link_off:")
    for i, notice in enumerate(drill_view.merger_notices(ctx.units, ctx.unit, ctx.period, ctx.geography, ctx.lang)):
        st.info(markdown_escape(notice.text), icon=":material/merge:")
        if notice.link_label:
            st.button(notice.link_label, key=f"_merger_link_{i}", on_click=_switch_view, args=(notice.params,),
                      icon=":material/arrow_forward:")


def _switch_view(params: dict) -> None:
    """The sidebar's filters set to `params` (a merger notice's button): geography first, then the unit."""
    for key in ("geo", "unit"):
        if key in params:
            st.session_state[key] = params[key]


def snapshot_notices(ctx: Context, link_to_data: bool = True) -> None:
    """What every page says about the snapshots (texts decided in kpi.screens.access): a snapshot
    asked for but not shown, the pending ones waiting for approval (editors and approvers, with a
    link to the Dữ liệu page), the pending one being viewed, an older one being viewed."""
    if ctx.notice:
        st.warning(markdown_escape(ctx.notice), icon=":material/lock:")
    banner = access_view.pending_banner(ctx.choice, ctx.lang) if ctx.choice else ""
    if banner:
        st.warning(banner, icon=":material/pending_actions:")
        if link_to_data:
            st.page_link("pages/data.py", label=t("acc_pending_link", ctx.lang), icon=":material/fact_check:")
    if ctx.snapshot is None:
        return
    viewing = access_view.viewing_pending_text(ctx.snapshot, ctx.choice, ctx.lang) if ctx.choice else ""
    if viewing:
        st.error(viewing, icon=":material/pending:")
        if ctx.newest is not None:
            st.link_button(t("acc_show_approved", ctx.lang), newest_link(ctx.newest.id))
    elif ctx.newest is not None and ctx.snapshot != ctx.newest:  # an older one, or a tab left open across an import
        st.info(t("snapshot_not_newest", ctx.lang, id=ctx.snapshot.id, newest=ctx.newest.id), icon="🕒")
        st.link_button(t("snapshot_show_newest", ctx.lang), newest_link(ctx.newest.id))


def newest_link(snapshot_id: str) -> str:
    """This view's link (the filters are in the URL) on another snapshot."""
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    params["snap"] = [snapshot_id]
    return "?" + urlencode(params, doseq=True)
