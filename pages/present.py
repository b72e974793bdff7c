"""Trình chiếu: the briefing for a projector. One slide at a time, one large chart each, nothing else
on screen. The slides are kpi.reports.deck.build_deck; the charts are the same PNGs as in the PowerPoint."""
import base64

import streamlit as st

from kpi.charts.static import slide_png
from kpi.reports.deck import DeckError, build_deck, presentation_unit
from kpi.reports.exports import DOCX_MIME, PPTX_MIME, export_bytes, export_file_name
from kpi.reports.settings import SettingsError, load_settings
from kpi.text.i18n import t
from kpi.text.plain import html_text
from pages._shared import audited_export, context, header, snapshot_notices

st.markdown(
    """<style>
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
    [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
    .stApp, .stApp [data-testid="stMain"] { background: #ffffff; color: #111111; }
    .block-container { padding: 1.2rem 2.5rem 0.5rem 2.5rem !important; max-width: 100% !important; }
    .stMarkdown p.slide-title { font-size: 52px !important; font-weight: 800; line-height: 1.15; color: #111111; margin: 0; }
    .stMarkdown p.slide-sub { font-size: 28px !important; color: #333d47; margin: 4px 0 8px 0; }
    .stMarkdown p.slide-summary { font-size: 30px !important; font-weight: 700; color: #111111; margin: 4px 0; }
    .stMarkdown div.slide-foot { font-size: 24px !important; color: #333d47; text-align: center; padding-top: 6px; }
    img.slide-chart { height: min(68vh, calc((100vw - 5rem) * 760 / 1760)); width: auto; display: block; margin: 0 auto; }
    .stButton button, .stDownloadButton button { font-size: 24px !important; min-height: 56px; }
    .stButton button p, .stDownloadButton button p { font-size: 24px !important; }
    [data-testid="stPageLink"] p { font-size: 24px !important; }
    </style>""",
    unsafe_allow_html=True,
)

ctx = context()
if ctx.snapshot is None or ctx.period is None:
    header(t("page_present", ctx.lang))  # the empty state; stops here
try:
    settings = load_settings()
except SettingsError as exc:
    settings = None
    st.warning(str(exc))
unit = presentation_unit(ctx.units, ctx.unit, ctx.geography, settings.province_unit if settings else None)
try:
    deck = build_deck(ctx.snapshot, unit, ctx.period, ctx.lang, ctx.geography)  # queries/facts_aggregate.sql
except DeckError as exc:
    header(t("page_present", ctx.lang))
    st.info(str(exc))
    st.stop()

count = len(deck.slides)
if "present_slide" not in st.session_state:
    from_url = st.query_params.get("slide", "1")
    st.session_state["present_slide"] = int(from_url) - 1 if from_url.isdigit() else 0
index = min(max(st.session_state["present_slide"], 0), count - 1)
st.session_state["present_slide"] = index
st.query_params["slide"] = str(index + 1)
slide = deck.slides[index]
snapshot_notices(ctx)  # a pending snapshot on the screen is said so, as on every page


def move(step: int) -> None:
    st.session_state["present_slide"] = min(max(st.session_state["present_slide"] + step, 0), count - 1)


st.markdown(f"<p class='slide-title'>{html_text(slide.title)}</p><p class='slide-sub'>{html_text(slide.subtitle)}</p>",
            unsafe_allow_html=True)
# an <img> of its own: st.image would shrink the PNG to 1460 px and the labels below 24 px
png = base64.b64encode(slide_png(slide, ctx.lang)).decode("ascii")
st.markdown(f"<img class='slide-chart' alt='{html_text(slide.title)}' src='data:image/png;base64,{png}'>",
            unsafe_allow_html=True)
st.markdown(f"<p class='slide-summary'>{html_text(slide.summary)}</p>", unsafe_allow_html=True)

last = index == count - 1
downloads = last and settings is not None
columns = st.columns([1.2, 1.2, 3.2] + ([2.1, 2.1] if downloads else []) + [1.5], vertical_alignment="center")
columns[0].button(t("exp_prev", ctx.lang), on_click=move, args=(-1,), disabled=index == 0,
                  shortcut="Left", width="stretch")
columns[1].button(t("exp_next", ctx.lang), on_click=move, args=(1,), disabled=last, shortcut="Right",
                  width="stretch")
demo = f" · {t('exp_demo_short', ctx.lang)}" if deck.is_demo else ""
columns[2].markdown(f"<div class='slide-foot'>{index + 1}/{count} · {html_text(deck.footer() + demo)}</div>",
                    unsafe_allow_html=True)
if downloads:  # on the last slide, out of the way of the talk
    pptx_name, docx_name = export_file_name(deck, "pptx"), export_file_name(deck, "docx")
    columns[3].download_button(t("exp_download_pptx", ctx.lang),  # built when clicked, and audited
                               audited_export(lambda: export_bytes("pptx", deck, settings), pptx_name),
                               file_name=pptx_name, mime=PPTX_MIME, on_click="ignore", width="stretch")
    if ctx.lang == "vi":  # the state report format is Vietnamese
        columns[4].download_button(t("exp_download_docx", ctx.lang),
                                   audited_export(lambda: export_bytes("docx", deck, settings), docx_name),
                                   file_name=docx_name, mime=DOCX_MIME, on_click="ignore", width="stretch")
columns[-1].page_link("pages/overview.py", label=t("exp_exit", ctx.lang), icon=":material/close:")
