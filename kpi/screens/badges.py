"""Badges beside a figure on a page, as HTML: its verdict and its kind (quoted, estimate). No
Streamlit here; a page writes them with st.markdown(..., unsafe_allow_html=True)."""
from __future__ import annotations

import html

from kpi.charts.theme import VERDICT_COLOURS
from kpi.text.figure_text import verdict_text
from kpi.text.i18n import t


def verdict_badge(verdict: str, lang: str) -> str:
    """A figure's verdict (kpi.formulas, decided once in kpi.figures) as a coloured badge."""
    fg, bg, _solid = VERDICT_COLOURS[verdict]
    return (f"<span style='background:{bg};color:{fg};padding:2px 10px;border-radius:12px;"
            f"font-weight:600;font-size:0.95rem'>{html.escape(verdict_text(verdict, lang))}</span>")


def source_badges(quoted: bool, standing: str, lang: str) -> str:
    """A figure's "Trích báo cáo" and "Số ước" / "Số sơ bộ" marks (kpi.text.sources) as outlined badges."""
    style = ("display:inline-block;border:1.5px solid {c};color:{c};padding:0 8px;border-radius:10px;"
             "font-size:0.85rem;font-weight:600;margin:2px 6px 2px 0")
    badges = []
    if quoted:
        badges.append(f"<span style='{style.format(c='#0b5cad')}'>{html.escape(t('src_quoted', lang))}</span>")
    if standing:
        colour = "#1a7f37" if standing == t("src_standing_official", lang) else "#9a4d00"
        text = t("src_standing_line", lang, standing=standing)
        badges.append(f"<span style='{style.format(c=colour)}'>{html.escape(text)}</span>")
    return "".join(badges)
