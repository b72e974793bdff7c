"""Texts of drill-down to communes and agencies, merger-aware messages and rank change: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
