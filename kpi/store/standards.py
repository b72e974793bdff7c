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


def _parsed(periods: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(year, is_whole_year) of period codes or Period objects; year -1 for an empty period.
    Each distinct period is parsed once (figures repeat a handful of periods)."""
    codes, uniques = pd.factorize(pd.Series(periods, dtype=object))  # None and NaN: code -1
    parsed = [u if isinstance(u, Period) else (parse_period(str(u)) if str(u) else None) for u in uniques]
    years = np.array([q.year if q else -1 for q in parsed] + [-1], dtype="int64")
    whole = np.array([q.is_whole_year if q else True for q in parsed] + [True], dtype=bool)
    return years[codes], whole[codes]  # code -1 picks the last, empty entry


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

    Vectorised over the figures: `indicators` and `periods` (codes such as '2021', '2023-M06') are
    sequences of the same length, or one of them a single value."""
    indicators, periods = _aligned(indicators, periods)
    indicator_codes, indicator_names = pd.factorize(pd.Series(indicators, dtype=object))
    years, whole = _parsed(periods)
    out = np.full(len(indicators), "", dtype=object)
    for _, row in load_standards().iterrows():
        measured = np.isin(indicator_codes, np.flatnonzero(np.isin(np.asarray(indicator_names, dtype=object), row["codes"])))
        if not measured.any():
            continue
        low = np.where(whole, row["year_end_from"], row["in_force_from"])
        high = np.where(whole, row["year_end_to"], row["in_force_to"])
        out[measured & (years >= low) & (years <= high)] = row["code"]
    return out


def measured_by_standard(indicators) -> np.ndarray:
    """True for the indicators some standard measures."""
    codes = {c for codes in load_standards()["codes"] for c in codes}
    return pd.Series(_column(indicators), dtype=object).isin(codes).to_numpy()


def same_standard(indicators, periods, other_periods) -> np.ndarray:
    """True where a figure and the figure it is compared with (same indicator, `other_periods`,
    e.g. the same period last year) are measured by the same standard, so a change between them
    is comparable; False across a change of standard. An indicator no standard measures, or an
    empty other period, is always True. Vectorised (arrays of equal length)."""
    indicators, periods, other_periods = _aligned(indicators, periods, other_periods)
    own = standard_codes(indicators, periods)
    other = standard_codes(indicators, other_periods)
    empty_other = _parsed(other_periods)[0] < 0
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
