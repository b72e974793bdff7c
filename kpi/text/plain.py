"""Text from data shown as plain text: no markdown, no HTML from a file ever reaches a page.

Streamlit interprets markdown in st.markdown, st.caption, st.title, alerts and widget labels, so a
name or label from a data file goes through `markdown_escape` before it is placed there, and
through `html.escape` inside the few HTML snippets of the layout.
"""
from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")


def markdown_escape(text) -> str:
    """The text with every markdown and HTML special character escaped: shown exactly as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def html_text(text) -> str:
    """The text for an HTML snippet of the layout (tags and entities shown, not interpreted)."""
    return html.escape(str(text), quote=True)
