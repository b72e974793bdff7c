"""Trình chiếu: the briefing for a projector. One slide at a time, one large chart each, nothing else
on screen. The slides are kpi.reports.deck.build_deck; the charts are kpi.charts.static's PNGs
(the PowerPoint download draws them as native charts).

The keys a presentation clicker sends (Page Down / Page Up, and Space, the arrows, Home, End from a
keyboard) are st.button shortcuts of hidden buttons; Streamlit ignores them while typing in an input.
The slide fills the window above a navigation bar fixed to its bottom, so the slide, its navigation
and the exit link are on screen without scrolling at 1024×768, 1280×720 and 1920×1080."""
import base64

import streamlit as st

from kpi.charts.static import screen_size, slide_png
from kpi.reports.deck import DeckError, build_deck, presentation_unit
from kpi.reports.exports import DOCX_MIME, PPTX_MIME, export_bytes, export_file_name
from kpi.reports.settings import SettingsError, load_settings
from kpi.text.i18n import t
from kpi.text.plain import html_text
from pages._shared import audited_export, context, header, snapshot_notices

# what a clicker or a keyboard sends -> where it goes (Streamlit's shortcut names)
KEYS = {"PageDown": "next", "Space": "next", "Right": "next", "Down": "next",
        "PageUp": "previous", "Left": "previous", "Up": "previous", "Home": "first", "End": "last"}

# sizes follow the window's height (vh), so a projector at 1024×768 or 1920×1080 shows the same slide;
# --pre-nav is the navigation bar's height, the slide takes the rest of the window
MAIN = '[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"]'
st.markdown(
    f"""<style>
    :root {{ --pre-nav: clamp(64px, 10vh, 96px); --pre-top: clamp(10px, 2vh, 24px); }}
    [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
    [data-testid="stToolbar"], [data-testid="stDecoration"],
    [data-testid="stStatusWidget"] {{ display: none !important; }}
    .stApp, .stApp [data-testid="stMain"] {{ background: #ffffff; color: #111111; }}
    .block-container {{ padding: var(--pre-top) 2.5vw calc(var(--pre-nav) + 4px) 2.5vw !important;
                        max-width: 100% !important; }}
    /* the app's local-mode notice, drawn before this page, is not part of a slide (snapshot notices stay) */
    {MAIN} > [data-testid="stElementContainer"]:has([data-testid="stAlert"]):has(~ * div.pre-page),
    {MAIN} > [data-testid="stElementContainer"]:has(> .stMarkdown style),
    {MAIN} > [data-testid="stElementContainer"]:not(:has(*)) {{ display: none !important; }}
    {MAIN} {{ gap: 0.4rem; }}
    /* the keys' buttons are not seen; their shortcuts still listen */
    .st-key-pre_keys {{ display: none !important; }}
    div.pre-slide {{ display: flex; flex-direction: column; overflow: hidden;
                     height: calc(100vh - var(--pre-nav) - var(--pre-top) - 8px); }}
    div.pre-slide p {{ margin: 0 !important; padding: 0 !important; }}
    .stMarkdown div.pre-slide p.slide-title {{ font-size: clamp(26px, 5.4vh, 60px) !important; font-weight: 800;
                                               line-height: 1.12; color: #111111; }}
    .stMarkdown div.pre-slide p.slide-sub {{ font-size: clamp(18px, 3vh, 32px) !important; line-height: 1.25;
                                             color: #333d47; margin-top: 0.3vh !important; }}
    .stMarkdown div.pre-slide p.slide-summary {{ font-size: clamp(19px, 3.4vh, 36px) !important; font-weight: 700;
                                                 line-height: 1.25; color: #111111; }}
    .stMarkdown div.pre-slide p.slide-source {{ font-size: clamp(14px, 2vh, 22px) !important; line-height: 1.3;
                                                color: #444c56; margin-top: 0.4vh !important; }}
    img.slide-chart {{ flex: 1 1 0; min-height: 0; width: 100%; object-fit: contain; margin: 1vh 0; }}
    .st-key-pre_nav {{ position: fixed; left: 0; right: 0; bottom: 0; height: var(--pre-nav); z-index: 999990;
                       background: #ffffff; border-top: 1px solid #d0d7de; padding: 0 2.5vw;
                       justify-content: center; }}
    .st-key-pre_nav .stButton button,
    .st-key-pre_nav .stDownloadButton button {{ min-height: clamp(44px, 7vh, 68px); padding: 0 0.8vw; }}
    .st-key-pre_nav .stButton button p, .st-key-pre_nav .stDownloadButton button p,
    .st-key-pre_nav [data-testid="stPageLink"] p {{ font-size: clamp(17px, 2.7vh, 28px) !important;
                                                    white-space: nowrap; }}
    .stMarkdown p.slide-count {{ font-size: clamp(18px, 3vh, 32px) !important; font-weight: 700;
                                 text-align: center; margin: 0; white-space: nowrap; }}
    </style><div class="pre-page"></div>""",
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


def go(where: str) -> None:
    current = st.session_state["present_slide"]
    target = {"next": current + 1, "previous": current - 1, "first": 0, "last": count - 1}[where]
    st.session_state["present_slide"] = min(max(target, 0), count - 1)


with st.container(key="pre_keys"):  # hidden: the keys only
    for name, where in KEYS.items():
        st.button(name, key=f"pre_key_{name.lower()}", on_click=go, args=(where,), shortcut=name)

# an <img> of its own: st.image would shrink the PNG to 1460 px and the labels with it
png = base64.b64encode(slide_png(slide, ctx.lang, 2.0, *screen_size(slide.kind))).decode("ascii")
source = html_text(deck.footer() + (f" · {t('exp_demo_short', ctx.lang)}" if deck.is_demo else ""))
st.markdown(
    f"<div class='pre-slide'><p class='slide-title'>{html_text(slide.title)}</p>"
    f"<p class='slide-sub'>{html_text(slide.subtitle)}</p>"
    f"<img class='slide-chart' alt='{html_text(slide.title)}' src='data:image/png;base64,{png}'>"
    f"<p class='slide-summary'>{html_text(slide.summary)}</p><p class='slide-source'>{source}</p></div>",
    unsafe_allow_html=True)

last = index == count - 1
downloads = last and settings is not None
with st.container(key="pre_nav", horizontal=False):
    widths = [1.6, 1.6, 1.3] + ([2.2, 2.5] if downloads else [4.7]) + [2.6]
    columns = st.columns(widths, vertical_alignment="center", gap="small")
    keys_help = t("pre_keys_help", ctx.lang)
    columns[0].button(t("exp_prev", ctx.lang), on_click=go, args=("previous",), disabled=index == 0,
                      width="stretch", help=keys_help, key="pre_prev")
    columns[1].button(t("exp_next", ctx.lang), on_click=go, args=("next",), disabled=last, width="stretch",
                      help=keys_help, key="pre_next")
    columns[2].markdown(f"<p class='slide-count' title='{t('pre_slide_count', ctx.lang, number=index + 1, count=count)}'>"
                        f"{index + 1}/{count}</p>", unsafe_allow_html=True)
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
