"""Reporting periods: cumulative from January, as the sector reports them.

`2020` is the whole year; `2023-M06` is "6 tháng đầu năm 2023" (January to June). Every reading
of a period, from the canonical code or from the texts people write in reports and spreadsheets
("6 tháng đầu năm 2023", "9T/2023", a yearbook's "Prel. 2016" column), happens here.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MERGER_DATE = dt.date(2025, 7, 1)  # Resolution 202/2025/QH15: 63 provinces become 34
_PERIOD_RE = re.compile(r"^(\d{4})(?:-M(\d{2}))?$")
# period texts, matched on _words(text); Vietnamese words with or without diacritics
_TEXT_PATTERNS = [
    (re.compile(r"^(?:năm |nam |year )?(\d{4})$"), lambda m: (int(m[1]), 12)),
    (re.compile(r"^(\d{4}) m(\d{1,2})$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(?:(?:lũy|luỹ|luy) (?:kế|ke) )?(\d{1,2}) ?(?:tháng|thang|t)(?: (?:đầu|dau))?(?: (?:năm|nam))? "
                r"(\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
]
_YEAR_HEADER = re.compile(r"^(?:(prel|pre|sơ bộ|so bo|sb) ?)?(\d{4})$")


class PeriodError(ValueError):
    """Why a period cannot be read or cannot exist. str() is the Vietnamese sentence (command line);
    `reason` ('months', 'year' or 'form') and `params` let a page say it in its own language."""

    def __init__(self, message: str, reason: str = "form", **params):
        super().__init__(message)
        self.reason = reason
        self.params = params


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

    def same_period_last_year(self) -> Period:
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
        raise PeriodError(f"số tháng phải từ 1 đến 12 (không có {months} tháng)", "months", months=months)
    if not 1945 <= year <= 2100:
        raise PeriodError(f"năm {year} ngoài khoảng 1945-2100", "year", year=year)
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


def _words(text) -> str:
    """Lower case, composed accents, punctuation as single spaces: '6T/2023' -> '6t 2023'."""
    text = unicodedata.normalize("NFC", str(text)).lower()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def parse_period_text(text: str) -> Period:
    """A period as people write it: '2020', 'Năm 2020', '2023-M06', '6 tháng đầu năm 2023', '6T/2023',
    '9 tháng 2023', 'lũy kế 9 tháng năm 2023' (with or without diacritics). PeriodError says why not."""
    words = _words(text)
    for pattern, parts in _TEXT_PATTERNS:
        match = pattern.match(words)
        if match:
            try:
                return make_period(*parts(match))
            except PeriodError as exc:
                raise PeriodError(f"kỳ '{text}' không tồn tại: {exc}", exc.reason, text=text, **exc.params) from None
    raise PeriodError(f"không hiểu kỳ báo cáo '{text}' (viết 2020, 2023-M06, '6 tháng đầu năm 2023', '6T/2023' "
                      "hoặc '9 tháng 2023')", "form", text=text)


def parse_year_header(text) -> tuple[int, bool] | None:
    """A year column of a statistics table: '2015' -> (2015, False); 'Prel. 2016', 'Pre. 2016' or
    'Sơ bộ 2016' -> (2016, True), a preliminary figure. None when the header is not a year."""
    match = _YEAR_HEADER.match(_words(text))
    if not match or not 1900 <= int(match[2]) <= 2100:
        return None
    return int(match[2]), bool(match[1])
