"""The sidebar's filters, kept in the URL (language, snapshot, geography, period, unit), and the
Context every page reads them from; the URL-synced choosers a page uses for its own filters."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from kpi import figures, store
from kpi.access.users import LOCAL_USER, User, may
from kpi.memo import shared
from kpi.periods import period_label
from kpi.screens import access as access_view
from kpi.screens import drilldown as drill_view
from kpi.store import catalogue
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


def build_context(user: User = LOCAL_USER, version: catalogue.Version | None = None) -> Context:
    """Render the sidebar filters and return the chosen context for `user` (called once per run).
    `version`: the catalogue's, read once at the top of the run (dashboard.py): the snapshots offered
    are then computed once per version and user (kpi.screens.access.snapshot_choice)."""
    side = st.sidebar
    st.session_state["_building_context"] = True  # a link's value that falls back is said in the header
    lang = synced_selectbox("Ngôn ngữ / Language", ["vi", "en"], "lang", "vi", container=side,
                            format_func=lambda v: "Tiếng Việt" if v == "vi" else "English")
    # approved snapshots, and pending ones for editors and approvers; a damaged one is never offered (SHA-256 checked)
    choice = access_view.snapshot_choice(user, version=version)
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
