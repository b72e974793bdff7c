"""Names of units as people read them, and the lists of units a screen offers (no Streamlit here)."""
from __future__ import annotations

import weakref

import pandas as pd

from kpi.memo import shared
from kpi.units.table import NATION, fold, regions_catalogue

# one dict per units table (the snapshot's, loaded once): a name is a dict lookup, not a scan of
# 3,400 rows per call (a page names hundreds of units per run); dropped with the table
_INDEXES: dict[int, tuple[weakref.ref, dict[str, dict]]] = {}


def _rows(units: pd.DataFrame) -> dict[str, dict]:
    """unit key -> its row as a dict, for this units table (built once per table object)."""
    key = id(units)
    hit = _INDEXES.get(key)
    if hit is not None and hit[0]() is units:
        return hit[1]
    rows = {record["unit"]: record for record in units.to_dict("records")}
    _INDEXES[key] = (weakref.ref(units, lambda _ref, key=key: _INDEXES.pop(key, None)), rows)
    return rows


def unit_row(units: pd.DataFrame, unit: str) -> dict | None:
    """The unit's row of this units table as a dict (None if it has none), looked up, not scanned."""
    return _rows(units).get(unit)


def unit_name(units: pd.DataFrame, unit: str, lang: str = "vi") -> str:
    row = _rows(units).get(unit)
    if row is None:
        return unit
    if row["level"] == "nation":
        return "Cả nước" if lang == "vi" else "Whole country"
    if row["level"] == "region":
        if lang == "vi":
            return "Vùng " + row["name_vi"]
        code = row["region_63"] if isinstance(row["region_63"], str) else row["region_34"]
        return regions_catalogue().set_index("region")["name_en"].get(code, row["name_vi"])
    return row["name_vi"]


def units_of_geography(units: pd.DataFrame, geography: int, levels=("nation", "region", "province")) -> list[str]:
    """Nation, then the regions, then the provinces (alphabetical) of the 34- or 63-province map."""
    return list(_units_of_geography(units, geography, tuple(levels)))


@shared(maxsize=64)  # per units table: every page run asks for the same lists
def _units_of_geography(units: pd.DataFrame, geography: int, levels: tuple[str, ...]) -> tuple[str, ...]:
    gen = {str(geography), "both"}
    ordered = []
    if "nation" in levels:
        ordered.append(NATION)
    if "region" in levels:
        regions = units[(units["level"] == "region") & units["generation"].isin(gen)]
        ordered += list(regions["unit"])
    if "province" in levels:
        provinces = units[(units["level"] == "province") & units["generation"].isin(gen)].copy()
        provinces["sort"] = provinces["name_vi"].map(_sort_key)
        ordered += list(provinces.sort_values("sort")["unit"])
    return tuple(ordered)


def _sort_key(name: str) -> str:
    return fold(name)


def region_of(units: pd.DataFrame, unit: str, geography: int) -> str | None:
    row = _rows(units).get(unit)
    if row is None or row["level"] != "province":
        return None
    code = row[f"region_{geography}"]
    return f"R{geography}-{code}" if isinstance(code, str) else None


def full_name(units: pd.DataFrame, unit: str, lang: str = "vi") -> str:
    """The unit as a sentence names it: 'tỉnh Vĩnh Long', 'thành phố Hà Nội', 'cả nước'."""
    row = _rows(units).get(unit)
    if row is None:
        return unit
    if lang != "vi":
        return unit_name(units, unit, lang)
    text = str(row["name_full_vi"] or row["name_vi"])
    return text[:1].lower() + text[1:]
