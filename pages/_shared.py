"""Shared sidebar filters (kept in the URL), page header and empty state for every page."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from kpi import figures, store
from kpi.access import audit
from kpi.access.users import LOCAL_USER, User, may
from kpi.memo import shared
from kpi.periods import period_label
from kpi.reports import page_pdf
from kpi.reports.pdf import PDF_MIME, build_pdf
from kpi.reports.spreadsheet import XLSX_MIME, table_to_xlsx_bytes
from kpi.screens import access as access_view
from kpi.screens import drilldown as drill_view
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from kpi.units.names import unit_name, units_of_geography
from kpi.units.table import NATION

PLOT_CONFIG = {"displaylogo": False}


@dataclass
class Context:
    lang: str
    snapshot: store.Snapshot | None
    geography: int
    unit: str
    period: str | None
    units: pd.DataFrame
    catalogue: pd.DataFrame
    periods: list[str]
    newest: store.Snapshot | None = None                        # the newest intact snapshot
    damaged: list[tuple[store.Snapshot, store.Damage]] = field(default_factory=list)  # passed over, with why
    user: User = LOCAL_USER                                     # who is signed in (local mode: every role)
    choice: access_view.SnapshotChoice | None = None            # what the selector offers (pending: editors, approvers)
    notice: str = ""                                            # why the snapshot asked for is not shown

    def may(self, role: str, units: list[str] | None = None) -> bool:
        """Whether the user holds `role` for `units` (the page shows or hides; kpi/ checks every write)."""
        return may(self.user, role, units, self.units if len(self.units) else None)

    def name(self, unit: str) -> str:
        return unit_name(self.units, unit, self.lang)

    def indicator_name(self, code: str) -> str:
        vi, en = _indicator_names(self.catalogue)[code]  # a select box names every option on every run
        return vi if self.lang == "vi" else en


FALLBACKS = "_url_fallbacks"  # session key: widget key -> (what the link asked for and what is shown, the value shown)


@shared(maxsize=16)
def _indicator_names(catalogue) -> dict[str, tuple[str, str]]:
    """code -> (Vietnamese name, English name) of one catalogue table."""
    return {code: (vi, en) for code, vi, en in zip(catalogue["code"], catalogue["name_vi"], catalogue["name_en"])}


def _from_url(key: str, options: list, default, fallback_text=None):
    """Initial widget value: the URL's if valid, else the default; `fallback_text(asked, shown)` words a link's
    value that cannot be shown (kept until the user chooses another value)."""
    if key not in st.session_state:
        value = st.query_params.get(key)
        st.session_state[key] = value if value in options else default
        if fallback_text is not None and value is not None and value not in options:
            sidebar = bool(st.session_state.get("_building_context"))
            st.session_state.setdefault(FALLBACKS, {})[key] = (fallback_text(value, default), default, sidebar)
    elif st.session_state[key] not in options:
        st.session_state[key] = default


def fallback_notes(sidebar: bool = True) -> list[str]:
    """What the link asked for that could not be shown, and what is shown instead (still in force)."""
    notes = st.session_state.get(FALLBACKS, {})
    return [text for key, (text, shown, side) in notes.items() if side == sidebar and st.session_state.get(key) == shown]


def synced_selectbox(label: str, options: list, key: str, default=None, container=st, notify: bool = True,
                     fallback_text=None, **kwargs):
    """A selectbox whose value is kept in the URL (?key=value), so a link reproduces the view. A value in the
    link that is not among the options falls back to the default and says so (st.info), unless not `notify`."""
    if not options:
        return None
    describe = kwargs.get("format_func", str)
    lang = st.session_state.get("lang", "vi")
    fallback_text = fallback_text or (lambda asked, shown: t("drl_fallback", lang, what=label.lower(), asked=asked,
                                                             shown=describe(shown)))
    _from_url(key, options, default if default in options else options[0], fallback_text if notify else None)
    value = container.selectbox(label, options, key=key, **kwargs)
    note = st.session_state.get(FALLBACKS, {}).get(key)
    if note is not None and value != note[1]:  # the user chose another value: the note no longer applies
        del st.session_state[FALLBACKS][key]
    elif note is not None and not note[2]:  # a page's own chooser (after the header): said where it stands
        st.info(markdown_escape(note[0]), icon=":material/link_off:")
    st.query_params[key] = value
    return value


def synced_multiselect(label: str, options: list, key: str, default: list, container=st, **kwargs):
    if key not in st.session_state:
        from_url = [v for v in st.query_params.get_all(key) if v in options]
        st.session_state[key] = from_url or [d for d in default if d in options]
    else:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]
    values = container.multiselect(label, options, key=key, **kwargs)
    st.query_params[key] = values
    return values


def indicator_picker(ctx: Context, container, key: str = "ind", default: str = "jobs_created",
                     codes: list[str] | None = None) -> str:
    """The indicator chooser of a page, kept in the URL."""
    return synced_selectbox(t("indicator", ctx.lang), codes or list(ctx.catalogue["code"]), key, default,
                            container=container, format_func=ctx.indicator_name)


def build_context(user: User = LOCAL_USER) -> Context:
    """Render the sidebar filters and return the chosen context for `user` (called once per run)."""
    side = st.sidebar
    st.session_state["_building_context"] = True  # a link's value that falls back is said in the header
    lang = synced_selectbox("Ngôn ngữ / Language", ["vi", "en"], "lang", "vi", container=side,
                            format_func=lambda v: "Tiếng Việt" if v == "vi" else "English")
    # approved snapshots, and pending ones for editors and approvers; a damaged one is never offered (SHA-256 checked)
    choice = access_view.snapshot_choice(user)
    snapshots, damaged = choice.offered, choice.damaged
    if not snapshots:
        st.session_state["_building_context"] = False
        return Context(lang, None, 34, NATION, None, pd.DataFrame(), pd.DataFrame(), [], None, damaged, user, choice)
    ids = choice.ids
    by_id = {s.id: s for s in snapshots}
    wanted = st.session_state["snap"] if "snap" in st.session_state else st.query_params.get("snap")
    notice = access_view.fallback_text(wanted, choice, lang) if wanted and wanted not in ids else ""
    snap_id = synced_selectbox(t("snapshot", lang), ids, "snap", choice.default_id, container=side, notify=False,
                               format_func=lambda i: access_view.snapshot_label(i, choice, lang))
    snapshot = by_id[snap_id]
    units, catalogue = figures.shared_tables(snapshot)  # read-only, the same objects in every run
    periods = figures.available_periods(snapshot)
    geography = int(synced_selectbox(t("geography", lang), ["34", "63"], "geo", "34", container=side,
                                     format_func=lambda g: t(f"geo_{g}", lang)))
    period = synced_selectbox(t("period", lang), periods, "period", periods[0] if periods else None,
                              container=side, format_func=lambda p: period_label(p, lang))
    options = units_of_geography(units, geography)
    # a link's unit not in this geography: its successor or predecessor's successor where there is one, said so
    wanted_unit = st.query_params.get("unit") if "unit" not in st.session_state else None
    unit_default = drill_view.fallback_unit(units, wanted_unit, options, NATION)
    unit = synced_selectbox(t("unit", lang), options, "unit", unit_default, container=side,
                            format_func=lambda u: unit_name(units, u, lang),
                            fallback_text=lambda asked, shown: drill_view.unit_fallback_text(
                                units, asked, shown, geography, lang))
    st.session_state["_building_context"] = False
    return Context(lang, snapshot, geography, unit, period, units, catalogue, periods, choice.newest, damaged, user,
                   choice, notice)


def context() -> Context:
    return st.session_state["_ctx"]


def header(title: str) -> Context:
    """Page title, the snapshot it reads and the demo notice; stops with an empty state if no data."""
    ctx = context()
    st.title(markdown_escape(title))
    for snapshot, reason in ctx.damaged:
        why = t(f"snapshot_damage_{reason.kind}", ctx.lang, file=reason.file)
        st.error(markdown_escape(t("snapshot_damaged", ctx.lang, id=snapshot.id, reason=why)), icon="⚠️")
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


def audited_export(build, file_name: str, ctx: Context | None = None):
    """What a download button calls for its file: builds it and writes the export to the audit log."""
    ctx = ctx or context()
    page = st.session_state.get("_page_url", "")
    snapshot_ids = [ctx.snapshot.id] if ctx.snapshot is not None else []

    def built() -> bytes:
        data = build()
        audit.record("export", ctx.user, what=f"{file_name} ({page or '/'})", ids=snapshot_ids)
        return data
    return built


def xlsx_download(sheet, sheet_name: str, title: str, file_name: str, lang: str) -> None:
    """The "Tải bảng (Excel)" button under a table; the file is built only when clicked (and audited)."""
    # `sheet` is a table, or what builds it: built only when the button is clicked, not on every rerun
    build = lambda: table_to_xlsx_bytes(sheet() if callable(sheet) else sheet, sheet_name, title)
    st.download_button(t("download_xlsx", lang), audited_export(build, file_name), file_name=file_name,
                       mime=XLSX_MIME, on_click="ignore", icon=":material/download:")


def pdf_info(ctx: Context, title: str, extra: list[tuple[str, str]] | None = None) -> page_pdf.PageInfo:
    """What a page's PDF names at the top: the sidebar's filters, the page's own (`extra`), the snapshot."""
    return page_pdf.page_info(ctx.lang, title, ctx.snapshot, ctx.units, ctx.unit, ctx.period, ctx.geography, extra)


def pdf_download(build, file_name: str, title: str, extra: list[tuple[str, str]] | None = None) -> None:
    """The "Tải PDF" button of a page: `build(info)` returns its kpi.reports.pdf.PageDocument (see
    kpi.reports.page_pdf); the file is built only when clicked, and audited. Beside it, that the PDF is
    how to print every row (the browser prints only the rows a table shows on screen)."""
    ctx = context()
    info = pdf_info(ctx, title, extra)
    st.download_button(t("pdf_download", ctx.lang), audited_export(lambda: build_pdf(build(info)), file_name, ctx),
                       file_name=file_name, mime=PDF_MIME, on_click="ignore", icon=":material/picture_as_pdf:",
                       help=t("pdf_download_help", ctx.lang), key="pdf_download")
    st.caption(t("pdf_print_caption", ctx.lang))
