"""Reporting periods: cumulative from January, as the sector reports them.

`2020` is the whole year; `2023-M06` is "6 tháng đầu năm 2023" (January to June).
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

MERGER_DATE = dt.date(2025, 7, 1)  # Resolution 202/2025/QH15: 63 provinces become 34
_PERIOD_RE = re.compile(r"^(\d{4})(?:-M(\d{2}))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    months: int  # 12 for the whole year

    @property
    def code(self) -> str:
        return str(self.year) if self.months == 12 else f"{self.year}-M{self.months:02d}"

    @property
    def is_whole_year(self) -> bool:
        return self.months == 12

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.year, self.months, calendar.monthrange(self.year, self.months)[1])

    @property
    def generation(self) -> int:
        """Which province geography was in force at the end of the period (63 or 34)."""
        return 63 if self.end_date < MERGER_DATE else 34

    def same_period_last_year(self) -> "Period":
        return Period(self.year - 1, self.months)

    def label(self, lang: str = "vi") -> str:
        if lang == "en":
            return f"Year {self.year}" if self.is_whole_year else f"{self.months} months {self.year}"
        if self.is_whole_year:
            return f"Năm {self.year}"
        if self.months == 6:
            return f"6 tháng đầu năm {self.year}"
        return f"{self.months} tháng năm {self.year}"

    def __str__(self) -> str:
        return self.code


def make_period(year: int, months: int) -> Period:
    """The period of `months` cumulated months of `year`, or PeriodError saying why it cannot exist."""
    if not 1 <= months <= 12:
        raise PeriodError(f"số tháng phải từ 1 đến 12 (không có {months} tháng)")
    if not 1945 <= year <= 2100:
        raise PeriodError(f"năm {year} ngoài khoảng 1945-2100")
    return Period(year, months)


@lru_cache(maxsize=4096)
def parse_period(text: str) -> Period:
    """Parse the canonical form `2020` or `2023-M06`."""
    match = _PERIOD_RE.match(str(text).strip())
    if not match:
        raise PeriodError(f"Kỳ báo cáo không hợp lệ: {text!r} (dạng đúng: 2020 hoặc 2023-M06)")
    try:
        return make_period(int(match.group(1)), int(match.group(2)) if match.group(2) else 12)
    except PeriodError as exc:
        raise PeriodError(f"Kỳ báo cáo không hợp lệ: {text!r} ({exc})") from None


def period_label(code: str, lang: str = "vi") -> str:
    return parse_period(code).label(lang)


