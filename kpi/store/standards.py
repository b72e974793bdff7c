"""Standards that measure an indicator, and their changes, as data (data/catalogue/standards.csv).

The poverty standard (chuẩn nghèo) changes by period: 2006-2010 (Quyết định 170/2005/QĐ-TTg),
2011-2015 (Quyết định 09/2011/QĐ-TTg), 2016-2020 (Quyết định 59/2015/QĐ-TTg, in force through 2021),
2022-2025 (Nghị định 07/2021/NĐ-CP, kept through 2026), 2027-2030 (Nghị định 351/2025/NĐ-CP). A
poverty rate measured by one standard is not comparable with one measured by another: a trend
draws a break between them and a change across it is *không so sánh được*. Adding a standard, or
an indicator it measures, is a row or a code in the file, never code.

Which standard measures a figure, per row of the file:

- `indicators`: the catalogue codes the standard measures (space-separated);
- `in_force_from`..`in_force_to`: the years the standard is in force. A 3-, 6- or 9-month figure of
  a year (2022-M06) counts the poor households of the list in force that year;
- `year_end_from`..`year_end_to`: the years whose whole-year figure it measures. The sector's
  whole-year figure is the year-end review (rà soát cuối năm), which draws up the list of the
  following year by the standard in force then: the review at the end of 2021 was made by the
  2022-2025 standard and is that period's baseline (Cần Thơ: 0,8% at the end of 2021, 0,52% at the
  end of 2022, one standard). GSO's survey figures may follow another convention: their source says.

An indicator no standard measures is comparable across all years; a year outside every standard of
an indicator that has some is measured by none (not comparable with a year that has one).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from kpi.paths import CATALOGUE_DIR
from kpi.periods import Period, parse_period
from kpi.store.indicators import load_indicators

YEAR_COLUMNS = ["in_force_from", "in_force_to", "year_end_from", "year_end_to"]


@dataclass(frozen=True)
class StandardBreak:
    """A change of standard between two consecutive periods of a series."""
    before: str        # the last period measured by the earlier standard (or by none)
    after: str         # the first period measured by `standard`
    standard: str      # code of the standard from `after` on ('' where none measures it)


def _ranges_overlap(frame: pd.DataFrame, low: str, high: str) -> list[tuple[str, str, str]]:
    """(indicator, standard, standard) pairs whose year ranges overlap."""
    clashes = []
    rows = frame.explode("codes")
    for code, part in rows.groupby("codes"):
        part = part.sort_values(low)
        for (_, a), (_, b) in zip(part.iloc[:-1].iterrows(), part.iloc[1:].iterrows()):
            if b[low] <= a[high]:
                clashes.append((code, a["code"], b["code"]))
    return clashes


@lru_cache(maxsize=1)
def load_standards() -> pd.DataFrame:
    """The standards, one row each, with `codes` (a tuple of indicator codes) and integer years."""
    frame = pd.read_csv(CATALOGUE_DIR / "standards.csv", dtype=str, keep_default_na=False)
    if frame["code"].duplicated().any() or (frame["code"].str.strip() == "").any():
        raise ValueError("standards.csv: every standard needs a unique code")
    for column in YEAR_COLUMNS:
        years = pd.to_numeric(frame[column], errors="coerce")
        if years.isna().any() or (years % 1 != 0).any():
            raise ValueError(f"standards.csv: {column} must be a year (codes {frame.loc[years.isna(), 'code'].tolist()})")
        frame[column] = years.astype(int)
    for low, high in (("in_force_from", "in_force_to"), ("year_end_from", "year_end_to")):
        bad = frame.loc[frame[low] > frame[high], "code"].tolist()
        if bad:
            raise ValueError(f"standards.csv: {low} after {high} (codes {bad})")
    frame["codes"] = [tuple(text.split()) for text in frame["indicators"]]
    known = set(load_indicators()["code"])
    unknown = sorted({c for codes in frame["codes"] for c in codes} - known)
    if unknown:
        raise ValueError(f"standards.csv: indicators not in indicators.csv ({unknown})")
    for low, high in (("in_force_from", "in_force_to"), ("year_end_from", "year_end_to")):
        clashes = _ranges_overlap(frame, low, high)
        if clashes:
            raise ValueError(f"standards.csv: {low}..{high} of two standards overlap for one indicator ({clashes})")
    return frame


_DERIVED: dict = {}  # the rules read from load_standards()'s frame, and the frame they were read from


def _rules() -> tuple[tuple[str, frozenset, int, int, int, int], ...]:
    """The standards as (code, indicators, year_end_from, year_end_to, in_force_from, in_force_to),
    read again (and the decisions of _code_of forgotten) whenever load_standards() reads the file again."""
    frame = load_standards()
    if _DERIVED.get("frame") is not frame:
        rules = tuple((str(code), frozenset(codes), int(ye_from), int(ye_to), int(if_from), int(if_to))
                      for code, codes, ye_from, ye_to, if_from, if_to in zip(
                          frame["code"], frame["codes"], frame["year_end_from"], frame["year_end_to"],
                          frame["in_force_from"], frame["in_force_to"]))
        _code_of.cache_clear()
        _DERIVED.update(frame=frame, rules=rules, measured=frozenset(c for rule in rules for c in rule[1]))
    return _DERIVED["rules"]


def _measured() -> frozenset:
    _rules()
    return _DERIVED["measured"]


def _period_of(value) -> Period | None:
    """A period code or Period as a Period; None for an empty period (None, NaN, '')."""
    if isinstance(value, Period):
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or str(value) == "":
        return None
    return parse_period(str(value))


@lru_cache(maxsize=65536)
def _code_of(indicator, period) -> str:
    """The standard measuring one figure; '' where none does (the last matching row of the file)."""
    parsed = _period_of(period)
    if parsed is None:
        return ""
    found = ""
    for code, measured, year_end_from, year_end_to, in_force_from, in_force_to in _rules():
        if indicator in measured:
            low, high = (year_end_from, year_end_to) if parsed.is_whole_year else (in_force_from, in_force_to)
            if low <= parsed.year <= high:
                found = code
    return found


def _key(value):
    """A hashable stand-in for a cell (NaN and pd.NA are not usable as dictionary keys)."""
    return value if isinstance(value, (str, Period)) else (None if _period_of(value) is None else str(value))


def _column(values) -> np.ndarray:
    if isinstance(values, (str, Period)) or values is None:
        return np.array([values], dtype=object)
    return np.asarray(values, dtype=object).ravel()


def _aligned(*columns) -> list[np.ndarray]:
    """Columns of equal length; a single value is repeated to the length of the others."""
    arrays = [_column(c) for c in columns]
    n = max(len(a) for a in arrays)
    return [np.broadcast_to(a, (n,)) if len(a) == 1 else a for a in arrays]


def standard_codes(indicators, periods) -> np.ndarray:
    """The code of the standard that measures each figure (indicator, period), '' where none does.

    `indicators` and `periods` (codes such as '2021', '2023-M06') are sequences of the same length,
    or one of them a single value. Each distinct (indicator, period) is decided once; figures repeat
    a handful of them."""
    indicators, periods = _aligned(indicators, periods)
    _rules()  # current with the file
    keys = list(zip([_key(i) for i in indicators.tolist()], [_key(p) for p in periods.tolist()]))
    table = {key: _code_of(*key) for key in set(keys)}
    out = np.empty(len(keys), dtype=object)
    out[:] = [table[key] for key in keys]
    return out


def measured_by_standard(indicators) -> np.ndarray:
    """True for the indicators some standard measures."""
    measured = _measured()
    values = _column(indicators).tolist()
    return np.fromiter((_key(v) in measured for v in values), dtype=bool, count=len(values))


def same_standard(indicators, periods, other_periods) -> np.ndarray:
    """True where a figure and the figure it is compared with (same indicator, `other_periods`,
    e.g. the same period last year) are measured by the same standard, so a change between them
    is comparable; False across a change of standard. An indicator no standard measures, or an
    empty other period, is always True. Vectorised (arrays of equal length)."""
    indicators, periods, other_periods = _aligned(indicators, periods, other_periods)
    own = standard_codes(indicators, periods)
    other = standard_codes(indicators, other_periods)
    others = other_periods.tolist()
    empty_other = np.fromiter((_period_of(p) is None for p in others), dtype=bool, count=len(others))
    return (own == other) | ~measured_by_standard(indicators) | empty_other


def standard_label(code: str, lang: str = "vi", with_basis: bool = True) -> str:
    """'Chuẩn nghèo đa chiều giai đoạn 2022-2025 (Nghị định số 07/2021/NĐ-CP)', without the legal
    basis when `with_basis` is false (a chart's mark); '' for no standard."""
    if not code:
        return ""
    row = load_standards().set_index("code").loc[code]
    suffix = "vi" if lang == "vi" else "en"
    name = str(row[f"name_{suffix}"])
    return f"{name} ({row[f'legal_basis_{suffix}']})" if with_basis else name


def standard_breaks(indicator: str, periods) -> list[StandardBreak]:
    """The changes of standard between consecutive periods of one indicator's series (periods in
    the order of the series, oldest first), none for an indicator no standard measures."""
    periods = list(periods)
    if len(periods) < 2 or not measured_by_standard(indicator)[0]:
        return []
    codes = standard_codes(indicator, periods)
    return [StandardBreak(periods[i - 1], periods[i], str(codes[i]))
            for i in range(1, len(periods)) if codes[i] != codes[i - 1]]
