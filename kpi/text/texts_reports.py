"""Texts of the Word report page (Báo cáo), letterheads and drafted assessments: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
