"""Entry point: page config, who is signed in, navigation per role and the shared sidebar filters
(streamlit run dashboard.py; scripts/serve.py starts it).

Sign-in is Streamlit's own st.login (OIDC) when secrets.toml has an [auth] section; the roles come
from the provider's claims or the catalogue's grants (kpi.access.roles). Without [auth] the app runs in
local mode: one local user with every role, 127.0.0.1 only, and a banner on every page."""
import streamlit as st

from kpi.access import audit, roles, signin
from kpi.screens import access as access_view
from kpi.screens.domains import DOMAIN_OF_URL, DOMAIN_PAGES
from kpi.store import catalogue
from kpi.store.catalogue import CatalogueError
from kpi.text.i18n import t
from kpi.text.plain import markdown_escape
from pages._shared import build_context

st.set_page_config(page_title="Bảng chỉ tiêu ngành LĐ-TB&XH", page_icon="📊", layout="wide")
st.markdown(
    """<style>
    html, body, [class*="css"] { font-size: 17px; }
    @media print {
      /* A4 portrait with the page drawn at 60%: the printed page is about as wide as the screen's
         main column (1200 px), so the charts and the tables' grids, drawn at the screen's width, keep
         every column and label; and 1750 px tall, so even the 63 provinces' chart fits whole. A grid's
         rows off screen are not drawn (it is virtual): the page says that its PDF button prints them all. */
      @page { size: A4 portrait; margin: 10mm; }
      html { zoom: 0.6; }
      [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
      [data-testid="stSidebarCollapsedControl"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
      [data-testid="stElementToolbar"], .stDownloadButton, .stButton, [data-testid="stPageLink"],
      .modebar-container, [data-testid="stExpander"]:has(details:not([open])) { display: none !important; }
      /* block flow instead of flex columns: Chromium keeps blocks whole and headings with what follows */
      [data-testid="stMain"] [data-testid="stVerticalBlock"] { display: block !important; }
      [data-testid="stMain"] [data-testid="stVerticalBlock"] > * { margin-bottom: 0.6rem; }
      .stPlotlyChart, .stVegaLiteChart, .element-container, [data-testid="stElementContainer"],
      [data-testid="stHorizontalBlock"], [data-testid="stDataFrame"], [data-testid="stTable"],
      [data-testid="stColumn"] [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; }
      .element-container:has([data-testid="stHeading"]) + *,
      [data-testid="stElementContainer"]:has([data-testid="stHeading"]) + * { break-before: avoid; }
      /* nothing wider than the page: a chart or grid drawn wider on screen is scaled down, never cut */
      [data-testid="stMain"], .block-container { padding: 0 !important; max-width: 100% !important;
                                                   overflow: visible !important; }
      [data-testid="stDataFrame"] canvas, .stPlotlyChart, .js-plotly-plot { max-width: 100% !important; }
      [data-testid="stDataFrame"] canvas { height: auto !important; }
      * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
    }
    </style>""",
    unsafe_allow_html=True,
)

# the language is read before the navigation so that page titles follow it; the sidebar filters
# are built after st.navigation so that a page's URL is resolved before any widget syncs the URL
lang = st.session_state.get("lang") or st.query_params.get("lang", "vi")
lang = lang if lang in ("vi", "en") else "vi"



def auth_section() -> dict:
    """The [auth] section of the secrets ({} when there is none: local mode)."""
    if not st.secrets.load_if_toml_exists():
        return {}
    return dict(st.secrets.get("auth") or {})


def sign_in_page() -> None:
    st.title(t("acc_signin_title", lang))
    st.markdown(t("acc_signin_body", lang))
    if st.button(t("acc_signin_button", lang), type="primary", icon=":material/login:", key="acc_signin"):
        st.login()


auth = auth_section()
# the catalogue's version, taken once per run before anything is read from the catalogue: the
# snapshots offered and a signed-in user's grants are computed once per version (and user), and read
# again after any write: this process's at once, another replica's within 0,5 s (catalogue.recent_version)
try:
    version = catalogue.recent_version()  # at most 0,5 s old; at once after a write of this process
except CatalogueError:
    version = None  # the sidebar and the roles then read the catalogue themselves, and say what is wrong
problems = signin.auth_problems(auth)
if problems:
    st.error(markdown_escape(t("acc_auth_error", lang, error=", ".join(problems))))
    st.stop()
if not auth:
    remote = st.context.ip_address  # None from this machine
    if isinstance(remote, str) and remote:  # local mode serves this machine only (scripts/serve.py binds 127.0.0.1)
        st.error(t("acc_local_remote", lang, ip=remote))
        st.stop()
    user = signin.local_mode_user()
else:
    claims = st.user.to_dict()
    try:  # roles: the provider's claim, else the catalogue's grants (the roles file seeds an empty one)
        roles.seed_once()
        user = roles.signed_in_user(claims, version=version)
    except (signin.RolesFileError, CatalogueError) as exc:
        st.error(markdown_escape(t("acc_roles_file_error", lang, error=exc)))
        st.stop()
    if user is None:
        st.navigation([st.Page(sign_in_page, title=t("acc_signin_title", lang), icon=":material/login:",
                               url_path="dang-nhap", default=True)], position="hidden").run()
        st.stop()
    if st.session_state.get("_signed_in") != user.id:  # the session's first run for this user
        audit.record_sign_in(user, claims)  # once per id_token, not per tab or reload
        st.session_state["_signed_in"] = user.id
    if not user.roles:
        st.warning(markdown_escape(t("acc_no_roles", lang, email=user.email or user.id)))
        if st.button(t("acc_signout_button", lang), icon=":material/logout:", key="acc_signout_norole"):
            st.logout()
        st.stop()

PAGES = {
    t("nav_summary", lang): [
        st.Page("pages/overview.py", title=t("page_overview", lang), icon=":material/dashboard:", default=True),
        st.Page("pages/compare.py", title=t("page_compare", lang), icon=":material/leaderboard:", url_path="so-sanh"),
        st.Page("pages/trends.py", title=t("page_trends", lang), icon=":material/show_chart:", url_path="xu-huong"),
        st.Page("pages/scoreboard.py", title=t("vw_scoreboard", lang), icon=":material/grid_on:", url_path="bang-mau"),
        st.Page("pages/reporting.py", title=t("vw_reporting", lang), icon=":material/fact_check:",
                url_path="tinh-hinh-bao-cao"),
    ],
    # one page file serves every domain of the list (kpi.screens.domains.DOMAIN_PAGES), by its URL
    t("nav_domains", lang): [
        st.Page("pages/domain.py", title=t(page.title_key, lang), icon=page.icon, url_path=page.url_path)
        for page in DOMAIN_PAGES.values()
    ],
    t("nav_tools", lang): [
        st.Page("pages/ranking.py", title=t("page_ranking", lang), icon=":material/emoji_events:", url_path="xep-hang"),
        st.Page("pages/present.py", title=t("page_present", lang), icon=":material/slideshow:", url_path="trinh-chieu"),
        st.Page("pages/report.py", title=t("rep_page_title", lang), icon=":material/description:", url_path="bao-cao"),
        st.Page("pages/data.py", title=t("page_data", lang), icon=":material/database:", url_path="du-lieu"),
        st.Page("pages/drilldown.py", title=t("drl_page", lang), icon=":material/account_tree:", url_path="chi-tiet"),
    ],
}
if access_view.shows_audit_log(user):
    PAGES[t("nav_tools", lang)].append(
        st.Page("pages/audit.py", title=t("page_audit", lang), icon=":material/policy:", url_path="nhat-ky"))
# the navigation in the top bar (its sections as menus): the sidebar holds only the filters, all of them
# in view at 1366x768, and no folded "View N more" (Streamlit's own English words) in a Vietnamese page
navigation = st.navigation(PAGES, position="top")
st.session_state["_domain_page"] = DOMAIN_OF_URL.get(navigation.url_path)
st.session_state["_page_url"] = navigation.url_path  # what an audited export names as its page
st.session_state["_ctx"] = build_context(user, version)
if user.local:
    st.info(t("acc_local_banner", lang), icon=":material/lock_open:")
else:
    for line in access_view.signed_in_lines(user, lang):
        st.sidebar.markdown(line)
    if st.sidebar.button(t("acc_signout_button", lang), icon=":material/logout:", key="acc_signout"):
        st.logout()
st.sidebar.caption(t("app_title", lang))
navigation.run()
