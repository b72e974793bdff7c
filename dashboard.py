"""Entry point: page config, navigation and the shared sidebar filters (streamlit run dashboard.py)."""
import streamlit as st

from kpi.screens.domains import DOMAIN_OF_URL, DOMAIN_PAGES
from kpi.text.i18n import t
from pages._shared import build_context

st.set_page_config(page_title="Bảng chỉ tiêu ngành LĐ-TB&XH", page_icon="📊", layout="wide")
st.markdown(
    """<style>
    html, body, [class*="css"] { font-size: 17px; }
    @media print {
      @page { size: A4 landscape; margin: 10mm; }
      [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
      [data-testid="stDecoration"], [data-testid="stStatusWidget"], [data-testid="stElementToolbar"],
      .stDownloadButton, .stButton, [data-testid="stPageLink"], .modebar-container,
      [data-testid="stExpander"]:has(details:not([open])) { display: none !important; }
      /* block flow instead of flex columns: Chromium keeps blocks whole and headings with what follows */
      [data-testid="stMain"] [data-testid="stVerticalBlock"] { display: block !important; }
      [data-testid="stMain"] [data-testid="stVerticalBlock"] > * { margin-bottom: 0.6rem; }
      .stPlotlyChart, .stVegaLiteChart, .element-container, [data-testid="stHorizontalBlock"],
      [data-testid="stColumn"] [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
      .element-container:has([data-testid="stHeading"]) + * { break-before: avoid; }
      .block-container { padding: 0 !important; max-width: 100% !important; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    </style>""",
    unsafe_allow_html=True,
)

# the language is read before the navigation so that page titles follow it; the sidebar filters
# are built after st.navigation so that a page's URL is resolved before any widget syncs the URL
lang = st.session_state.get("lang") or st.query_params.get("lang", "vi")
lang = lang if lang in ("vi", "en") else "vi"

PAGES = {
    t("nav_summary", lang): [
        st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/dashboard:", default=True),
        st.Page("pages/compare.py", title=t("page_compare", lang), icon=":material/leaderboard:", url_path="so-sanh"),
        st.Page("pages/trends.py", title=t("page_trends", lang), icon=":material/show_chart:", url_path="xu-huong"),
    ],
    # one page file serves every domain of the list (kpi.screens.domains.DOMAIN_PAGES), by its URL
    t("nav_domains", lang): [
        st.Page("pages/domain.py", title=t(page.title_key, lang), icon=page.icon, url_path=page.url_path)
        for page in DOMAIN_PAGES.values()
    ],
    t("nav_tools", lang): [
        st.Page("pages/ranking.py", title=t("page_ranking", lang), icon=":material/emoji_events:", url_path="xep-hang"),
        st.Page("pages/present.py", title=t("page_present", lang), icon=":material/slideshow:", url_path="trinh-chieu"),
        st.Page("pages/data.py", title=t("page_data", lang), icon=":material/database:", url_path="du-lieu"),
    ],
}
navigation = st.navigation(PAGES)
st.session_state["_domain_page"] = DOMAIN_OF_URL.get(navigation.url_path)
st.session_state["_ctx"] = build_context()
st.sidebar.caption(t("app_title", lang))
navigation.run()
