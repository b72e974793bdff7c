"""The communes of today's provinces (3.321 xã, phường, đặc khu since 1 July 2025), from the
`vietnamadminunits` package: units rows (kpi.units.table.UNIT_COLUMNS) of level 'commune' whose
parent is the province. Keys are 'C' + the ward's GSO code (C08767), as benchmarks/commune_data.py
writes them."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from kpi.periods import MERGER_DATE
from kpi.units.table import UNIT_COLUMNS, build_units

COMMUNE = "commune"


@lru_cache(maxsize=1)
def _wards() -> pd.DataFrame:
    # heavy optional: the package loads its database on import (only building a snapshot needs it)
    from vietnamadminunits.database import query  # noqa: PLC0415

    return pd.DataFrame(query("SELECT wardCode, ward, provinceCode, wardLat, wardLon FROM admin_units "
                              "ORDER BY provinceCode, wardCode"))


def commune_count() -> int:
    """How many communes, wards and special zones there are since 1 July 2025 (3.321)."""
    return len(_wards())


def commune_units(provinces: list[str] | None = None) -> pd.DataFrame:
    """Units rows of the communes of `provinces` (unit keys of today's provinces; None: all 34)."""
    units = build_units()
    today = units[(units["level"] == "province") & units["generation"].isin(["34", "both"])]
    province_of_code = today.set_index("gso_code")["unit"]
    wards = _wards()
    keys = wards["provinceCode"].map(province_of_code)
    chosen = keys.notna() if provinces is None else keys.isin(list(provinces))
    wards, keys = wards[chosen], keys[chosen]
    frame = pd.DataFrame({
        "unit": "C" + wards["wardCode"], "name_vi": wards["ward"], "name_full_vi": wards["ward"],
        "level": COMMUNE, "parent": keys, "gso_code": wards["wardCode"], "generation": "34",
        "valid_from": MERGER_DATE, "valid_to": None, "successor": None, "region": None,
        "region_63": None, "region_34": None, "lat": wards["wardLat"].astype(float),
        "lon": wards["wardLon"].astype(float), "size_hint": None,
    })
    return frame[UNIT_COLUMNS].reset_index(drop=True)
