"""Texts of the indicator colour table and the reporting-completeness view: key -> (Vietnamese, English)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
}
