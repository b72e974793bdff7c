"""Báo cáo: the Sở report of the sidebar's unit and period (Decree 30/2020): the letterhead chosen,
section I drafted from the figures, the drafted ưu điểm / hạn chế / phương hướng / kiến nghị to
edit and keep, and the Word download. The view model is kpi.screens.report."""
import html

import streamlit as st

from kpi.access.users import PermissionDenied
from kpi.reports import page_pdf
from kpi.reports.deck import DeckError
from kpi.reports.exports import DOCX_MIME
from kpi.reports.settings import SettingsError
from kpi.screens import report as view
from kpi.store.report_texts import FIELDS
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from pages._shared import audited_export, context, header, pdf_download, synced_selectbox

ctx = context()
header(t("rep_page_title", ctx.lang))  # stops with the empty state when there is nothing to report
domain = st.session_state.get("rdom", st.query_params.get("rdom", ""))
try:
    screen = view.report_screen(ctx.snapshot, ctx.unit, ctx.period, ctx.geography, ctx.lang, ctx.user,
                                units=ctx.units, domain=domain)
except (DeckError, SettingsError) as exc:
    st.info(markdown_escape(str(exc)))
    st.stop()
# whole sector (Sở Nội vụ unless configured) or one domain, issued by the department that holds it
chosen = synced_selectbox(t("rep_domain", ctx.lang), ["", *screen.domains], "rdom", screen.domain,
                          container=st.columns([2, 3])[0], format_func=screen.domain_label)
if chosen != screen.domain:
    st.rerun()

st.caption(markdown_escape(screen.intro()))
if ctx.lang != "vi":
    st.info(t("rep_vietnamese_only", ctx.lang), icon=":material/translate:")

# the letterhead as the document will carry it
st.subheader(t("rep_letterhead", ctx.lang))
lines = screen.letterhead_lines()
with st.container(border=True):
    left, right = st.columns([2, 3])
    left.markdown("<div style='text-align:center;font-family:\"Times New Roman\",serif;line-height:1.35'>"
                  + "<br>".join(f"<b>{html.escape(x)}</b>" if i == len(lines["left"]) - 2 else html.escape(x)
                                for i, x in enumerate(lines["left"])) + "</div>", unsafe_allow_html=True)
    right.markdown("<div style='text-align:center;font-family:\"Times New Roman\",serif;line-height:1.35'>"
                   f"<b>{html.escape(lines['right'][0])}</b><br><b><u>{html.escape(lines['right'][1])}</u></b><br>"
                   f"<i>{html.escape(lines['right'][2])}</i></div>", unsafe_allow_html=True)
    st.markdown("<div style='text-align:center;font-family:\"Times New Roman\",serif;font-weight:700;"
                f"margin-top:0.6rem'>{html.escape(lines['title'][0])}</div>", unsafe_allow_html=True)
st.caption(markdown_escape(screen.basis()))

with st.expander(t("rep_results", ctx.lang)):
    for number, (title, sentences) in enumerate(screen.results, start=1):
        st.markdown(f"**{number}. {markdown_escape(title)}**")
        st.markdown("\n".join(f"- {markdown_escape(s)}" for s in sentences))

st.caption(markdown_escape(screen.status()))
for field in FIELDS:  # the text areas start from the newest kept version, else the draft
    if screen.key(field) not in st.session_state:
        st.session_state[screen.key(field)] = getattr(screen.texts, field)


def values() -> dict[str, str]:
    return {f: st.session_state.get(screen.key(f), getattr(screen.texts, f)) for f in FIELDS}


def redraft() -> None:
    for f in FIELDS:
        st.session_state[screen.key(f)] = getattr(screen.drafted, f)


def keep() -> None:
    try:
        saved = view.save(screen, values(), ctx.user, units=ctx.units)
    except PermissionDenied as exc:
        st.session_state["rep_flash"] = ("error", t("rep_save_refused", ctx.lang, error=exc))
        return
    st.session_state["rep_flash"] = ("success", t("rep_saved", ctx.lang, version=saved.version))


labels = {"strengths": "rep_strengths", "weaknesses": "rep_weaknesses", "directions": "rep_directions",
          "proposals": "rep_proposals"}
for field in FIELDS:
    st.text_area(t(labels[field], ctx.lang), key=screen.key(field), height=180 if field != "proposals" else 120,
                 help=t("rep_lines_help", ctx.lang))

flash = st.session_state.pop("rep_flash", None)
if flash:
    (st.success if flash[0] == "success" else st.error)(markdown_escape(flash[1]))
columns = st.columns([1.3, 1.3, 1.6, 2], vertical_alignment="center")
columns[0].button(t("rep_save", ctx.lang), on_click=keep, disabled=not screen.may_save, type="primary",
                  icon=":material/save:", key="rep_save_button")
columns[1].button(t("rep_redraft", ctx.lang), on_click=redraft, icon=":material/restart_alt:", key="rep_redraft")
name = screen.file_name()
columns[2].download_button(t("rep_download", ctx.lang), audited_export(lambda: screen.docx(values()), name),
                           file_name=name, mime=DOCX_MIME, on_click="ignore", icon=":material/download:",
                           key="rep_download")
if not screen.may_save:
    columns[3].caption(t("rep_viewer_only", ctx.lang))
edited = values()  # the texts as they stand on the page, for its PDF
pdf_download(lambda info: page_pdf.report_document(info, screen, edited), name.rsplit(".", 1)[0] + ".pdf",
             t("rep_page_title", ctx.lang))
