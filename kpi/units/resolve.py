"""Resolve what a person types to a unit key: a key, a GSO code or a name in any common spelling,
among the provinces in force at the period's end (Hà Nội of 2007 is `VN64-01`, of 2009 `VN-01`), or
in the province geography asked for (63 or 34)."""
from __future__ import annotations

import datetime as dt
import difflib
import weakref
from dataclasses import dataclass

import pandas as pd

from kpi.periods import MERGER_DATE, Period
from kpi.units.table import NATION, fold, name_key

NATION_NAMES = {"canuoc", "toanquoc", "vietnam", "wholecountry", "vn", "nation"}
ALIASES = {  # spellings in common use that the package's names do not cover
    "thuathienhue": "hue", "hcm": "hochiminh", "tphcm": "hochiminh", "saigon": "hochiminh",
    "bariavungtau": "bariavungtau", "brvt": "bariavungtau", "daklak": "daklak", "daclac": "daklak",
    "hn": "hanoi", "hagiang": "hagiang",
}


class UnitError(ValueError):
    pass


def _as_date(value) -> dt.date | None:
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _valid_on(units: pd.DataFrame, date: dt.date) -> pd.Series:
    begins, ends = units["valid_from"].map(_as_date), units["valid_to"].map(_as_date)
    return (begins.isna() | (begins.map(lambda d: d is None or d <= date))) \
        & (ends.isna() | (ends.map(lambda d: d is None or d >= date)))


def _candidates(units: pd.DataFrame, generation: int, period: Period | None = None) -> pd.DataFrame:
    """Units of the geography asked for; with a period (and no geography), the provinces valid at its end."""
    regions = units["generation"].isin([str(generation), "both"]) & (units["level"] == "region")
    if period is not None:
        provinces = (units["level"] == "province") & _valid_on(units, period.end_date)
    else:
        provinces = units["generation"].isin([str(generation), "both"]) & (units["level"] == "province")
    return units[provinces | regions | ~units["level"].isin(["province", "region"])]


@dataclass
class _Pool:
    """The units a text may name for one geography or date, as resolve_unit looks them up."""
    pool: pd.DataFrame
    names: dict[str, str]                   # name_key of a short or full name -> unit (full names win)
    provinces_by_code: dict[str, list[str]]  # GSO code -> the province units of the pool with it
    _others: dict[str, int] | None = None   # name_key -> position in `others` (units outside the pool)
    _other_rows: pd.DataFrame | None = None

    def others(self, units: pd.DataFrame) -> tuple[dict[str, int], pd.DataFrame]:
        """Units outside the pool by name_key (the later row of a name wins), built when first asked."""
        if self._others is None:
            self._other_rows = units[~units["unit"].isin(self.pool["unit"])]
            self._others = {name_key(n): i for i, n in enumerate(self._other_rows["name_vi"])}
        return self._others, self._other_rows


class _Tables:
    """What resolve_unit reads of one units table: its keys and a pool per geography or date."""

    def __init__(self, units: pd.DataFrame):
        self.shape = units.shape
        self.keys = set(units["unit"])
        self.pools: dict[tuple, _Pool] = {}

    def pool(self, units: pd.DataFrame, generation: int, period: Period | None) -> _Pool:
        at = (generation, period.end_date if period is not None else None)
        if at not in self.pools:
            pool = _candidates(units, generation, period)
            names = {name_key(n): u for n, u in zip(pool["name_vi"], pool["unit"])}
            names.update({name_key(n): u for n, u in zip(pool["name_full_vi"], pool["unit"])})
            codes: dict[str, list[str]] = {}
            for code, unit in zip(pool["gso_code"][pool["level"] == "province"],
                                  pool["unit"][pool["level"] == "province"]):
                codes.setdefault(code, []).append(unit)
            self.pools[at] = _Pool(pool, names, codes)
        return self.pools[at]


# the tables of each units table alive, by identity (a units table is read once per snapshot and never
# changed in place; its shape is checked all the same): built once, not on every call
_TABLES: dict[int, tuple[weakref.ref, _Tables]] = {}


def _forget(ref: weakref.ref, key: int) -> None:
    entry = _TABLES.get(key)
    if entry is not None and entry[0] is ref:
        del _TABLES[key]


def _tables(units: pd.DataFrame) -> _Tables:
    key = id(units)
    entry = _TABLES.get(key)
    if entry is not None and entry[0]() is units and entry[1].shape == units.shape:
        return entry[1]
    tables = _Tables(units)
    _TABLES[key] = (weakref.ref(units, lambda ref, key=key: _forget(ref, key)), tables)
    return tables


def resolve_unit(text: str, units: pd.DataFrame, period: Period | None = None,
                 geography: int | None = None) -> str:
    """Return the unit key; raise UnitError in Vietnamese, with the closest names, if none fits."""
    raw = str(text).strip()
    generation = geography or (period.generation if period else 34)
    tables = _tables(units)
    if raw in tables.keys:
        return raw
    key = name_key(raw)
    key = ALIASES.get(key, key)
    if key in NATION_NAMES:
        return NATION
    found = tables.pool(units, generation, None if geography else period)
    pool, names = found.pool, found.names
    if raw.isdigit():
        hits = found.provinces_by_code.get(raw.zfill(2), [])
        if len(hits) == 1:
            return hits[0]
    if key in names:
        return names[key]
    other_names, other = found.others(units)
    when = f"kỳ {period.label().lower()}" if period else f"địa giới {generation} tỉnh"
    if key in other_names:
        row = other.iloc[other_names[key]]
        ended, began = _as_date(row.get("valid_to")), _as_date(row.get("valid_from"))
        date = period.end_date if period is not None and not geography else None
        not_yet = date is not None and began is not None and date < began
        if isinstance(row.get("successor"), str) and ended is not None and not not_yet:
            successor = units.set_index("unit").loc[row["successor"], "name_vi"]
            day = ended + dt.timedelta(days=1)
            hint = " (dùng --geography 63 để xem theo địa giới cũ)" if day == MERGER_DATE else ""
            raise UnitError(f"'{raw}' không còn là đơn vị hành chính tại {when}: từ {day.day}/{day.month}/{day.year} "
                            f"đã hợp nhất vào tỉnh/thành phố {successor}{hint}")
        day = began or MERGER_DATE
        hint = "; dùng --geography 34 để xem theo địa giới mới" if day == MERGER_DATE else ""
        raise UnitError(f"'{raw}' chưa tồn tại tại {when} (tỉnh/thành phố từ {day.day}/{day.month}/{day.year}{hint})")
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    suggestion = ", ".join(pool.set_index("unit").loc[names[c], "name_vi"] for c in close)
    hint = f"; gần giống: {suggestion}" if suggestion else ""
    raise UnitError(f"Không tìm thấy đơn vị '{raw}' ({fold(raw)}){hint}")
