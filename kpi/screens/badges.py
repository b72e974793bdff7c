"""Badges beside a figure on a page, as HTML: its verdict and its kind (quoted, estimate). No
Streamlit here; a page writes them with st.markdown(..., unsafe_allow_html=True)."""
from __future__ import annotations

import html

from kpi import formulas
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


# Streamlit's bordered container and caption, drawn as one block of HTML (kpi.screens: no Streamlit)
_CARD = ("border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;padding:calc(1em - 1px);"
         "display:flex;flex-direction:column;gap:0.75rem")
_CAPTION = "font-size:0.875rem;color:rgba(49,51,63,0.6);line-height:1.5"


def card_grid(cards, lang: str, columns: int = 5) -> str:
    """A row of figure cards (kpi.screens.overview.Card: title, big figure, verdict badge or the verdict
    in words for a context-only figure, caption lines) as one HTML block: one element for the browser
    instead of five per card, drawn like Streamlit's bordered containers side by side."""
    cells = []
    for card in cards:
        verdict = (f"<div style='{_CAPTION}'>{html.escape(card.verdict_text)}</div>"
                   if card.verdict == formulas.CONTEXT_ONLY else f"<div>{verdict_badge(card.verdict, lang)}</div>")
        caption = "<br>".join(html.escape(line) for line in str(card.caption).split("  \n"))
        cells.append(f"<div style='{_CARD}'><div style='font-weight:700'>{html.escape(card.title)}</div>"
                     f"<div style='font-size:2rem;font-weight:700;line-height:1.2'>{html.escape(card.value)}</div>"
                     f"{verdict}<div style='{_CAPTION}'>{caption}</div></div>")
    grid = f"display:grid;grid-template-columns:repeat({max(1, min(len(cards), columns))},minmax(0,1fr));gap:1rem"
    return f"<div style='{grid}'>{''.join(cells)}</div>"
