"""Xếp hạng thi đua: score an emulation bloc on a scorecard, explain every point, test robustness."""
import streamlit as st

from kpi import scoring, store
from kpi.access.users import COMMITTEE, LOCAL_USER, PermissionDenied, may
from kpi.charts import ranking as charts
from kpi.periods import period_label
from kpi.reports import decision_docs, page_pdf
from kpi.reports.ranking_workbook import workbook_bytes
from kpi.reports.settings import SettingsError, load_settings
from kpi.reports.spreadsheet import XLSX_MIME
from kpi.scoring import decisions
from kpi.screens import ranking as view
from kpi.text import fmt
from kpi.text.i18n import t
from pages._shared import audited_export, context, header, pdf_download, synced_selectbox

PLOT = {"displaylogo": False}


@st.cache_data(show_spinner=False, max_entries=16)
def robustness_and_workbook(snapshot: store.Snapshot, scorecard_name: str, sha256: str, _card: scoring.Scorecard,
                            spread: int, switch: int):
    """The Monte Carlo analysis and the Excel workbook, once per snapshot (hashed by st.cache_data as
    the dataclass it is), scorecard version (its name and the SHA-256 of its text; `_card` is that
    scorecard, not hashed) and settings: moving a weight slider reruns the page without drawing
    10,000 rankings again."""
    card, inputs = scoring.load_inputs(_card, snapshot)
    result = scoring.score(card, inputs)  # the workbook is Vietnamese
    sens = scoring.sensitivity(result, inputs, spread=spread / 100, switch=switch / 100)
    return sens, workbook_bytes(result, snapshot, sens)


def signed_in_user(ctx):
    """Who acts on this page: the signed-in user (pages/_shared.py), the local user in local mode."""
    return getattr(ctx, "user", None) or LOCAL_USER


def decision_document(kind: str, decision_id: str) -> bytes:
    """A Tờ trình or Biên bản, built from the stored decision only when its button is clicked."""
    return decision_docs.decision_doc_bytes(kind, decisions.load_decision(decision_id), load_settings())


ctx = context()
header(t("page_ranking", ctx.lang))
lang = ctx.lang
user = signed_in_user(ctx)
committee = may(user, COMMITTEE)

# every file is listed, a malformed one with its error: it never keeps the others from working
entries = {e.name: e for e in scoring.scorecard_entries()}
if not entries:
    st.info(t("rank_no_scorecards", lang))
    st.stop()
if "rank_pending_sc" in st.session_state:  # a version saved in the last run becomes the choice
    st.session_state["sc"] = st.session_state.pop("rank_pending_sc")
names = list(entries)
valid = [n for n in names if entries[n].error is None]
chosen = synced_selectbox(t("rank_scorecard", lang), names, "sc", valid[0] if valid else names[0],
                          format_func=lambda n: view.scorecard_option(entries[n], lang))
notice = view.invalid_notice(list(entries.values()), lang)
if notice:
    st.caption(view.plain(notice))
try:
    if entries[chosen].error is not None:
        raise entries[chosen].error
    card, inputs = scoring.load_inputs(entries[chosen].scorecard, ctx.snapshot)  # facts_aggregate.sql
except scoring.ScorecardError as exc:
    st.error(view.plain(exc.message(lang)))
    st.info(view.plain(t("score_invalid_chosen", lang, name=chosen)))
    st.stop()
st.caption(view.plain(t("rank_caption", lang, bloc=card.bloc_in(lang), period=period_label(card.period, lang),
                        version=card.version, issued=card.issued_in(lang))))
if inputs["actual"].isna().all():
    st.info(view.plain(t("rank_no_data", lang, id=ctx.snapshot.id, period=period_label(card.period, lang))))
    st.stop()
if "saved_msg" in st.session_state:
    st.success(view.plain(st.session_state.pop("saved_msg")))

result = scoring.score(card, inputs, lang)
units = list(result.ranking["unit"])
unit_names = result.ranking.set_index("unit")["name"].to_dict()

# ---- ranking
st.subheader(t("rank_result", lang))
st.dataframe(view.ranking_table(result, lang), hide_index=True, width="stretch",
             height=min(36 * len(units) + 40, 720))
apart = view.ranking_table(result, lang, apart=True)
if len(apart):
    st.markdown(f"**{t('rank_apart', lang)}**")
    st.dataframe(apart, hide_index=True, width="stretch")
for sentence in view.summary_sentences(result, lang):
    st.warning(view.plain(sentence))

# ---- breakdown of one unit
@st.fragment
def breakdown() -> None:
    """One unit's points by criterion: choosing another unit reruns only this part."""
    st.subheader(t("rank_breakdown", lang))
    focus = st.selectbox(t("unit", lang), units, format_func=unit_names.get, key="rank_focus")
    st.plotly_chart(charts.breakdown_chart(result, focus, lang), width="stretch", config=PLOT)
    st.table(view.plain_table(view.breakdown_table(result, focus, lang).set_index(t("rank_criterion", lang))))


breakdown()

# ---- two units side by side
@st.fragment
def two_units() -> None:
    """Two units side by side: choosing either reruns only this part."""
    st.subheader(t("rank_two_units", lang))
    left, right = st.columns(2)
    unit_a = left.selectbox("A", units, index=0, format_func=unit_names.get, key="rank_a")
    unit_b = right.selectbox("B", units, index=min(1, len(units) - 1), format_func=unit_names.get, key="rank_b")
    st.plotly_chart(charts.two_units_chart(result, unit_a, unit_b, lang), width="stretch", config=PLOT)
    st.dataframe(view.side_by_side_table(result, unit_a, unit_b, lang), hide_index=True, width="stretch")


two_units()

# ---- weights adjustable live
@st.fragment
def live_weights() -> None:
    """Weights tried live: moving a slider reruns only this part (the scorecard's
    own ranking above and the robustness below stay as they are)."""
    st.subheader(t("rank_weights", lang))
    st.caption(view.plain(t("rank_weights_help", lang, sheet=f"{card.sheet_points:g}")))
    columns = st.columns(4)
    trial_points = {}
    for i, c in enumerate(card.criteria):
        value = columns[i % 4].slider(view.plain(f"{c.id}. {c.label_in(lang) or c.indicator}"), 0, int(round(c.points * 2)),
                                      int(round(c.points)), step=1, key=f"rank_w_{c.id}")
        if value != int(round(c.points)):  # untouched sliders keep the scorecard's exact points
            trial_points[c.id] = value
    changes = scoring.rank_changes(result, scoring.score(scoring.with_points(card, trial_points), inputs, lang))
    st.info(view.plain(view.changes_sentence(changes, lang)))
    st.dataframe(view.changes_table(changes, lang, card), hide_index=True, width="stretch")


live_weights()

# ---- bonus and penalty items, saved as a new version of the scorecard
st.subheader(t("rank_adjustments", lang))
if len(result.adjustments):
    st.dataframe(view.adjustments_table(result, lang), hide_index=True, width="stretch")
else:
    st.caption(t("rank_adjust_none", lang))
if not committee:
    st.caption(t("rank_committee_only", lang))
else:
    # enter_to_submit=False: the button submits, and Streamlit's English-only "Press Enter to submit form" is not shown
    with st.form("rank_adjust_form", clear_on_submit=True, enter_to_submit=False):
        a, b, c = st.columns([2, 1, 3])
        adj_unit = a.selectbox(t("unit", lang), units, format_func=unit_names.get)
        adj_points = b.number_input(t("rank_adjust_points", lang), -10.0, 10.0, 1.0, step=0.5)
        adj_reason = c.text_input(t("rank_adjust_reason", lang))
        if st.form_submit_button(t("rank_adjust_save", lang)):
            if not adj_reason.strip() or adj_points == 0:
                st.error(t("rank_adjust_need_reason", lang))
            else:
                items = list(card.adjustments) + [scoring.Adjustment(adj_unit, float(adj_points), adj_reason.strip())]
                try:  # the items are checked and the version saved in the catalogue by kpi.scoring (all or nothing)
                    saved = scoring.save_version(card, items, user=user)
                except (scoring.ScorecardError, PermissionDenied) as exc:
                    st.error(view.plain(exc.message(lang) if isinstance(exc, scoring.ScorecardError) else str(exc)))
                else:
                    st.session_state["rank_pending_sc"] = saved.name
                    st.session_state["saved_msg"] = t("rank_adjust_saved", lang, name=saved.name)
                    st.rerun()

# ---- robustness: Monte Carlo over weights and methods
st.subheader(t("rank_robustness", lang))
s1, s2 = st.columns(2)
spread = s1.slider(t("rank_spread", lang), 0, 50, 25, step=5, key="rank_spread")
switch = s2.slider(t("rank_switch", lang), 0, 50, 25, step=5, key="rank_switch")
try:
    chosen_card = entries[chosen].scorecard
    sens, workbook = robustness_and_workbook(ctx.snapshot, chosen, chosen_card.sha256, chosen_card, spread, switch)
except (scoring.ScorecardError, OSError) as exc:
    st.error(view.plain(exc.message(lang) if isinstance(exc, scoring.ScorecardError) else str(exc)))
    st.stop()
st.caption(view.plain(t("rank_robustness_help", lang, draws=fmt.number(sens.draws, 0, lang), spread=spread,
                        switch=switch, seed=sens.seed)))
(st.success if sens.robust else st.warning)(view.plain(sens.sentence(lang)))
st.plotly_chart(charts.rank_band_chart(sens, lang), width="stretch", config=PLOT)
st.dataframe(view.sensitivity_table(sens, lang), hide_index=True, width="stretch")

st.download_button(t("rank_download", lang), workbook,
                   file_name=f"xep-hang-{chosen.removesuffix('.toml')}-{ctx.snapshot.id}.xlsx", mime=XLSX_MIME)
pdf_download(lambda info: page_pdf.ranking_document(
    info, result.ranking, view.ranking_table(result, lang), apart, view.summary_sentences(result, lang),
    sens.sentence(lang), view.sensitivity_table(sens, lang)),
    f"xep-hang-{chosen.removesuffix('.toml')}-{ctx.snapshot.id}.pdf", t("page_ranking", lang),
    [(t("pdf_scorecard", lang), chosen), (t("period", lang), period_label(card.period, lang))])

# ---- lock the result as an award decision (committee), and the results locked so far (stored, not live)
st.subheader(t("rank_lock", lang))
if not committee:
    st.caption(t("rank_committee_only", lang))
elif getattr(ctx.snapshot, "state", "approved") != "approved":
    st.info(view.plain(t("rank_lock_not_approved", lang, id=ctx.snapshot.id)))
else:
    st.caption(view.plain(t("rank_lock_help", lang, id=ctx.snapshot.id)))
    if st.button(t("rank_lock_button", lang), key="rank_lock", type="primary"):
        try:  # the committee role and the approved snapshot are checked in kpi.scoring.decisions
            locked = decisions.lock_decision(entries[chosen].scorecard, ctx.snapshot, user, spread=spread / 100,
                                             switch=switch / 100)
        except (decisions.DecisionError, scoring.ScorecardError) as exc:
            st.error(view.plain(exc.message(lang)))
        except PermissionDenied as exc:
            st.error(view.plain(str(exc)))
        else:
            st.session_state["rank_decision"] = locked.id
            st.success(view.plain(t("rank_locked", lang, id=locked.id)))

st.subheader(t("rank_decisions", lang))
locked_list = decisions.list_decisions()
if not locked_list:
    st.caption(t("rank_decisions_none", lang))
    st.stop()
st.dataframe(view.decisions_table(locked_list, lang), hide_index=True, width="stretch")
by_id = {d.id: d for d in locked_list}
if st.session_state.get("rank_decision") not in by_id:
    st.session_state["rank_decision"] = locked_list[0].id
shown = by_id[st.selectbox(t("rank_decision_choose", lang), list(by_id), key="rank_decision",
                           format_func=lambda i: view.decision_option(by_id[i], lang))]
st.caption(view.plain(view.decision_caption(shown, lang)))
st.markdown(f"**{t('rank_decision_stored', lang)}**")
st.dataframe(view.decision_ranking_table(shown, lang), hide_index=True, width="stretch")
stored_sens = view.decision_sensitivity(shown)
(st.success if stored_sens.robust else st.warning)(view.plain(stored_sens.sentence(lang)))
st.dataframe(view.sensitivity_table(stored_sens, lang), hide_index=True, width="stretch")
try:
    load_settings()
except SettingsError as exc:
    st.error(view.plain(str(exc)))
    st.stop()
d1, d2 = st.columns(2)
for column, kind, label in ((d1, decision_docs.TOTRINH, "rank_download_totrinh"),
                            (d2, decision_docs.BIENBAN, "rank_download_bienban")):
    name = decision_docs.file_name(kind, shown)
    column.download_button(t(label, lang), audited_export(lambda k=kind: decision_document(k, shown.id), name),
                           file_name=name, mime=decision_docs.DOCX_MIME, on_click="ignore",
                           key=f"rank_doc_{kind}", icon=":material/download:")
