"""Texts of the presentation mode and the PowerPoint deck: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
