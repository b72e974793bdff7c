"""Text from data shown as plain text: no markdown, no HTML from a file ever reaches a page.

Streamlit interprets markdown in st.markdown, st.caption, st.title, alerts and widget labels, so a
name or label from a data file goes through `markdown_escape` before it is placed there, and
through `html.escape` inside the few HTML snippets of the layout.
"""
from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~$:])")
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp)(?=:)|\bwww(?=\.)|@)")
WORD_JOINER = "\u2060"  # invisible: stops a bare address in data from becoming a link


def markdown_escape(text) -> str:
    """The text with every markdown and HTML special character escaped, and a word joiner after
    'http', 'www' and '@' (Streamlit turns bare addresses into links): shown exactly as written."""
    joined = _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, str(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", joined)


def html_text(text) -> str:
    """The text for an HTML snippet of the layout (tags and entities shown, not interpreted)."""
    return html.escape(str(text), quote=True)
