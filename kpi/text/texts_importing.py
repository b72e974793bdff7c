"""Texts of the importing messages that reach a page or the command line: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
