"""Number formatting for display (Babel): Vietnamese `18.382`, `102,1%`; English `18,382`."""
from __future__ import annotations

import math

from babel.numbers import format_decimal

MISSING = "–"
_LOCALES = {"vi": "vi_VN", "en": "en_US"}


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def number(value, decimals: int = 0, lang: str = "vi") -> str:
    """A figure with thousands separators and a fixed number of decimals."""
    if _is_missing(value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(float(value), format=pattern, locale=_LOCALES.get(lang, "vi_VN"))


def percent(value, decimals: int = 1, lang: str = "vi") -> str:
    """A value already in percent: 102.12 -> '102,1%'."""
    if _is_missing(value):
        return MISSING
    return number(value, decimals, lang) + "%"


def signed_percent(value, decimals: int = 1, lang: str = "vi") -> str:
    if _is_missing(value):
        return MISSING
    text = percent(abs(float(value)), decimals, lang)
    return ("+" if float(value) > 0 else "−" if float(value) < 0 else "±") + text


def signed_points(value, decimals: int = 2, lang: str = "vi") -> str:
    """A difference of rates in percentage points: '−0,28 điểm %'."""
    if _is_missing(value):
        return MISSING
    unit = "điểm %" if lang == "vi" else "pp"
    sign = "+" if float(value) > 0 else "−" if float(value) < 0 else "±"
    return f"{sign}{number(abs(float(value)), decimals, lang)} {unit}"


def figure(value, unit_of_measure: str, decimals: int, lang: str = "vi") -> str:
    """A figure with its unit of measure: '18.382 người', '3,60%'."""
    if _is_missing(value):
        return MISSING
    if unit_of_measure == "%":
        return percent(value, decimals, lang)
    return f"{number(value, decimals, lang)} {unit_of_measure}"
