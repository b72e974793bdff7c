"""Where a figure comes from, said beside it (issue 11 item 8): its source, whether it is quoted from a
published report, its standing in that report (ước, sơ bộ, chính thức: facts.estimate_status) and
the note that came with it.

A figure's `sources` (kpi.figures) is the source of its one row, or the distinct sources of the rows
it sums joined by '; '. An import stores the file's own source column followed by where the row was
read, "report (file.xlsx dòng 5)"; with no source column only "file.xlsx dòng 5". The demo's
generated figures say "Dữ liệu minh họa (…)" (kpi/demo): they quote no report.
"""
from __future__ import annotations

import re

from kpi.text.i18n import t

GENERATED_PREFIX = "Dữ liệu minh họa"   # kpi.demo.provinces.DEMO_SOURCE, kpi.demo.agencies.SOURCE
STANDINGS = ("estimate", "preliminary", "official")   # facts.estimate_status (kpi.importing.validate)
# "report (file.xlsx dòng 5, cột B)" and "file.xlsx dòng 5": where an import read the row
_WHERE = r"[^()]*? dòng \d+(?:, cột [^()]*)?"
_TRAILING_WHERE = re.compile(rf"\s*\(({_WHERE})\)$")
_BARE_WHERE = re.compile(rf"^{_WHERE}$")


def _text(value) -> str:
    return "" if value is None or value != value else str(value).strip()


def source_parts(sources) -> list[str]:
    """The distinct sources of a figure, in order: 'A; B' -> ['A', 'B']; [] when none."""
    return [part.strip() for part in _text(sources).split("; ") if part.strip()]


def is_generated(part: str) -> bool:
    return part.startswith(GENERATED_PREFIX)


def report_name(part: str) -> str:
    """The report a source names, without where the import read it: 'Báo cáo số 12 (a.xlsx dòng 5)'
    -> 'Báo cáo số 12'; '' for a generated figure or a bare file location."""
    if is_generated(part) or _BARE_WHERE.match(part):
        return ""
    return _TRAILING_WHERE.sub("", part).strip()


def quoted_reports(sources) -> list[str]:
    """The published reports a figure is quoted from (its sources that name one)."""
    names = [report_name(part) for part in source_parts(sources)]
    return list(dict.fromkeys(name for name in names if name))


def is_quoted(sources) -> bool:
    return bool(quoted_reports(sources))


def _where_text(text: str, lang: str) -> str:
    """Where an import read the row, in the language: 'a.xlsx dòng 5, cột B' -> 'a.xlsx row 5, column B'."""
    if lang == "vi":
        return text
    return text.replace(" dòng ", " row ").replace(", cột ", ", column ")


def part_text(part: str, lang: str = "vi") -> str:
    """One source as shown: a generated one as the words 'dữ liệu minh họa (sinh tự động)', a
    report by its name, a file location in the language's words."""
    if is_generated(part):
        return t("src_generated", lang)
    return _where_text(part, lang)


def source_text(sources, lang: str = "vi") -> str:
    """Every source of a figure joined by '; ', each as part_text; '' when none."""
    return "; ".join(dict.fromkeys(part_text(part, lang) for part in source_parts(sources)))


def standing_text(status, lang: str = "vi") -> str:
    """'ước', 'sơ bộ', 'chính thức' (English 'estimate', 'preliminary', 'official'); '' when unknown."""
    status = _text(status)
    return t(f"src_standing_{status}", lang) if status in STANDINGS else ""


def kind_text(sources, status, lang: str = "vi") -> str:
    """What kind of figure it is, in a word or two for a table cell: 'trích báo cáo', 'ước',
    'trích báo cáo, ước', 'minh họa' (generated only); '' when nothing is known."""
    words = [t("src_quoted", lang).lower()] if is_quoted(sources) else []
    standing = standing_text(status, lang)
    if standing:
        words.append(standing)
    if not words and source_parts(sources) and all(is_generated(p) for p in source_parts(sources)):
        words.append(t("src_kind_generated", lang))
    return ", ".join(words)


def note_text(notes) -> str:
    """The note that came with the figure, as written (data, in the report's words); '' when none."""
    return _text(notes)


def caption(row, lang: str = "vi", with_standing: bool = True, quoted_words: bool = True, sep: str = " · ") -> str:
    """What is said under a figure about where it comes from: 'Số ước · Trích báo cáo: … · Ghi chú: …'
    (without the standing, and 'Nguồn: ' for a quoted report, where badges say them)."""
    parts = []
    standing = standing_text(row.get("estimate_status"), lang)
    if standing and with_standing:
        parts.append(t("src_standing_line", lang, standing=standing))
    reports = quoted_reports(row.get("sources"))
    if reports:
        parts.append(t("src_quoted_line" if quoted_words else "src_source_line", lang, **{
            "reports" if quoted_words else "source": "; ".join(reports)}))
    else:
        text = source_text(row.get("sources"), lang)
        if text:
            parts.append(t("src_source_line", lang, source=text))
    note = note_text(row.get("notes"))
    if note:
        parts.append(t("src_note_line", lang, note=note))
    return sep.join(parts)
