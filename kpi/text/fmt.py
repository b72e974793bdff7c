"""Number formatting for display (Babel): Vietnamese `18.382`, `102,1%`; English `18,382`.

Display never raises: a missing value is '–', an infinite one '∞', a value too large for a float
'⚠' (a marked placeholder), and a huge finite one is written out in full.
"""
from __future__ import annotations

import csv
import decimal
import math
from functools import lru_cache

from babel.numbers import format_decimal

from kpi.paths import CATALOGUE_DIR

MISSING = "–"
UNREADABLE = "⚠"
_LOCALES = {"vi": "vi_VN", "en": "en_US"}


def as_float(value) -> float | str:
    """The value as a float, or the text to show instead (MISSING, UNREADABLE)."""
    if value is None:
        return MISSING
    try:
        number_ = float(value)
    except OverflowError:
        return UNREADABLE
    except (TypeError, ValueError):
        return MISSING
    return MISSING if math.isnan(number_) else number_


def _is_missing(value) -> bool:
    return isinstance(as_float(value), str)


def number(value, decimals: int = 0, lang: str = "vi") -> str:
    """A figure with thousands separators and a fixed number of decimals."""
    number_ = as_float(value)
    if isinstance(number_, str):
        return number_
    if math.isinf(number_):
        return "∞" if number_ > 0 else "-∞"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    # Babel rounds in the current decimal context (28 digits by default): give huge values room
    digits = len(f"{abs(number_):.0f}") + max(decimals, 0) + 4
    with decimal.localcontext() as context:
        context.prec = max(28, digits)
        return format_decimal(number_, format=pattern, locale=_LOCALES.get(lang, "vi_VN"))


def exact(value, lang: str = "vi", max_decimals: int = 4) -> str:
    """A figure as a resolution writes it, with only the decimals it has: 3 -> '3', 0.78 -> '0,78'."""
    number_ = as_float(value)
    if isinstance(number_, str) or math.isinf(number_):
        return number(value, 0, lang)
    text = f"{number_:.{max_decimals}f}".rstrip("0")
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number(number_, decimals, lang)


def percent(value, decimals: int = 1, lang: str = "vi") -> str:
    """A value already in percent: 102.12 -> '102,1%'."""
    number_ = as_float(value)
    return number_ if isinstance(number_, str) else number(number_, decimals, lang) + "%"


def _sign(value: float) -> str:
    return "+" if value > 0 else "−" if value < 0 else "±"


def _signed(value: float, digits: str) -> str:
    """The sign of the printed digits: −0,004 printed as '0,00' is '±0,00', never '−0,00'."""
    return ("±" if not any(ch in "123456789∞" for ch in digits) else _sign(value)) + digits


def signed_percent(value, decimals: int = 1, lang: str = "vi") -> str:
    number_ = as_float(value)
    return number_ if isinstance(number_, str) else _signed(number_, percent(abs(number_), decimals, lang))


def signed_points(value, decimals: int = 2, lang: str = "vi") -> str:
    """A difference of rates in percentage points: '−0,28 điểm %'."""
    number_ = as_float(value)
    if isinstance(number_, str):
        return number_
    unit = "điểm %" if lang == "vi" else "pp"
    return f"{_signed(number_, number(abs(number_), decimals, lang))} {unit}"


@lru_cache(maxsize=1)
def units_of_measure() -> dict[str, str]:
    """Each unit of measure of the catalogue in English, from data/catalogue/indicators.csv
    (unit_of_measure -> unit_of_measure_en): 'người' -> 'people', 'tỷ đồng' -> 'billion VND'. One
    Vietnamese unit has one English name; a catalogue that gives two is refused."""
    english: dict[str, str] = {}
    with open(CATALOGUE_DIR / "indicators.csv", encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            vi, en = row["unit_of_measure"].strip(), (row.get("unit_of_measure_en") or "").strip()
            if not en:
                continue
            if english.setdefault(vi, en) != en:
                raise ValueError(f"indicators.csv: unit_of_measure {vi!r} has two English names: {english[vi]!r}, {en!r}")
    return english


def unit_of_measure(uom, lang: str = "vi") -> str:
    """A unit of measure in the language: 'người' in Vietnamese, 'people' in English; a unit the
    catalogue does not name in English, and an English one already, is returned as it is."""
    text = "" if uom is None or (isinstance(uom, float) and math.isnan(uom)) else str(uom)
    return units_of_measure().get(text, text) if lang == "en" else text


def figure(value, unit_of_measure_: str, decimals: int, lang: str = "vi") -> str:
    """A figure with its unit of measure in the language: '18.382 người', '18,382 people', '3,60%'."""
    number_ = as_float(value)
    if isinstance(number_, str):
        return number_
    if unit_of_measure_ == "%":
        return percent(number_, decimals, lang)
    return f"{number(number_, decimals, lang)} {unit_of_measure(unit_of_measure_, lang)}"
