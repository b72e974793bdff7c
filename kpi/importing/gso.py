"""GSO's own province-by-year tables (kpi.importing.readers finds them): years as columns, possibly
in column groups (Total / Male / Female / Urban / Rural, "Total 2005" or years over sub-columns on
the next line), the group the user names read (DEFAULT_COLUMN_GROUP by default), the unit of measure
the table states kept for validation."""
from __future__ import annotations

import re

import pandas as pd

from kpi.importing.messages import Refused
from kpi.importing.xlsx import Number, cell_text, number_text
from kpi.periods import parse_year_header
from kpi.units.table import fold

DEFAULT_COLUMN_GROUP = "Total"
_YEAR_TOKEN = r"(?:(?:prel|pre|sơ bộ|so bo|sb)\.?\s*)?\d{4}"
_GROUP_THEN_YEAR = re.compile(rf"^(?P<group>.*?\S)[\s,;:/-]+(?P<year>{_YEAR_TOKEN})$", re.IGNORECASE)
_YEAR_THEN_GROUP = re.compile(rf"^(?P<year>{_YEAR_TOKEN})[\s,;:/-]+(?P<group>\S.*)$", re.IGNORECASE)
# units of measure a table states (in a group "Total (Thous. pers.)" or a line "Đơn vị tính: Nghìn người"),
# compared after fold(): the catalogue's unit_of_measure they mean
STATED_UNITS = {
    "thous pers": "nghìn người", "thous persons": "nghìn người", "thousand persons": "nghìn người",
    "nghin nguoi": "nghìn người", "1000 nguoi": "nghìn người", "1 000 nguoi": "nghìn người",
    "pers": "người", "persons": "người", "person": "người", "nguoi": "người", "percent": "%",
}
_STATED_LINE = re.compile(r"(?:don vi tinh|dvt|unit)\s+(.+)$")


def group_year(cell) -> tuple[str, int, bool] | None:
    """A year column of a statistics table, with its column group: '2015' -> ('', 2015, False);
    'Total 1995' -> ('Total', 1995, False); 'Total (Thous. pers.) Prel. 2016' -> ('Total (Thous. pers.)',
    2016, True); '2005 Male' -> ('Male', 2005, False). None when the header is not a year."""
    text = " ".join(str(cell).split())
    plain = parse_year_header(text)
    if plain:
        return "", plain[0], plain[1]
    for pattern in (_GROUP_THEN_YEAR, _YEAR_THEN_GROUP):
        match = pattern.match(text)
        if match and (parsed := parse_year_header(match["year"])) and parse_year_header(match["group"]) is None:
            return match["group"].strip(), parsed[0], parsed[1]
    return None


# column groups as GSO's Vietnamese tables name them ("Tổng số - Total"), after fold()
GROUP_ALIASES = {"tong so": "total", "tong": "total", "nu": "female", "thanh thi": "urban", "nong thon": "rural"}


def _group_keys(group: str) -> set[str]:
    """The names a column group answers to: 'Tổng số - Total (Nghìn người)' -> {'tong so - total', 'total'}."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", group)
    keys = {fold(part) for part in [text, *re.split(r"\s+-\s+|/", text)] if fold(part)}
    return keys | {GROUP_ALIASES.get(key, key) for key in keys}


def answers_to(group: str, wanted: str) -> bool:
    """Whether a table's column group is the one named `wanted` ('Tổng số - Total' answers to 'Total')."""
    return fold(group) == fold(wanted) or bool(_group_keys(group) & _group_keys(wanted))


def stated_unit(text: str) -> str:
    """The catalogue unit a header or title states: '(Thous. pers.)' -> 'nghìn người', else ''."""
    for part in re.findall(r"\((.*?)\)", str(text)):
        if "%" in part:
            return "%"
        if fold(part) in STATED_UNITS:
            return STATED_UNITS[fold(part)]
    match = _STATED_LINE.search(fold(text))
    return STATED_UNITS.get(match[1].strip(), "") if match else ""


def _sub_header(body: pd.DataFrame, header: list[str]) -> list[str] | None:
    """Year groups with sub-columns: a header of years over merged cells ('2005', '', '') and, on the
    next line, the sub-columns ('Total', 'Male', 'Female') with an empty first cell. Returns the
    combined headers ('2005 Total', '2005 Male'...), or None when the table has no such line."""
    if body.empty:
        return None
    first = [cell_text(body.iloc[0][position]) for position in range(1, len(header))]
    if cell_text(body.iloc[0][0]) or not any(first) or any(parse_year_header(c) for c in first) \
            or any(re.fullmatch(r"[-+]?[\d.,\s]+", c) for c in first if c):
        return None
    combined, year = [str(header[0])], ""
    for cell, sub in zip(header[1:], first):
        cell = str(cell).strip()
        year = cell if parse_year_header(cell) else (year if not cell else "")
        combined.append(f"{year} {sub}".strip() if year and sub else cell)
    return combined


def melt_wide(body: pd.DataFrame, header: list[str], column_group: str | None = None):
    """A GSO province-by-year table -> (one row per (province, year) cell with its column header,
    labels, the column group read or '', the table's groups, the unit its headers state or '')."""
    combined = _sub_header(body, header)
    if combined is not None:
        body, header = body.iloc[1:], combined
    columns = {}
    for position, cell in enumerate(header[1:], start=1):
        parsed = group_year(cell)
        if parsed is None:
            if str(cell).strip() or body[position].map(cell_text).ne("").any():
                raise Refused("imp_gso_year_header", column=cell)
            continue
        columns[position] = (parsed, str(cell).strip())
    groups = list(dict.fromkeys(p[0][0] for p in columns.values()))
    group = ""
    if groups != [""]:
        wanted = column_group or DEFAULT_COLUMN_GROUP
        matches = [g for g in groups if fold(g) == fold(wanted)] or [g for g in groups
                                                                      if _group_keys(g) & _group_keys(wanted)]
        if len(matches) != 1:
            raise Refused("imp_gso_column_group", choices=tuple(g for g in groups if g), group=wanted,
                          groups=", ".join(g or "-" for g in groups))
        group = matches[0]
        columns = {k: v for k, v in columns.items() if v[0][0] == group}
    if len({p[0][1] for p in columns.values()}) != len(columns):
        raise Refused("imp_gso_year_twice")
    units = body[0].map(cell_text) if body[0].dtype == object else body[0].astype(str).str.strip()
    parts = []
    for position, ((_group, year, preliminary), label) in columns.items():
        values = body[position].map(number_text)
        parts.append(pd.DataFrame({
            "row": body["row"].to_numpy(), "unit": units.to_numpy(), "period": str(year),
            "actual": values.astype(str).str.strip().to_numpy(), "_column": label,
            "note": "Số liệu sơ bộ" if preliminary else "",
            "estimate_status": "sơ bộ" if preliminary else "",  # the column header's "Sơ bộ" (kpi.importing.validate)
            "_actual_typed": body[position].map(lambda v: isinstance(v, Number)).to_numpy(dtype=bool),
        }))
    frame = pd.concat(parts, ignore_index=True).sort_values(["row", "period"], kind="stable").reset_index(drop=True)
    labels = {"unit": str(header[0]).strip(), "period": "", "actual": ""}
    return frame, labels, group, [g for g in groups if g], stated_unit(group)
