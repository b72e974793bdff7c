"""Units: the nation, the 6 socio-economic regions and the provinces of both generations.

Names, GSO codes, centroids and the old-to-new mapping come from the `vietnamadminunits`
package (MIT); only the region of each former province is our own table
(data/catalogue/province_regions_63.csv, GSO's six socio-economic regions).

Unit keys tell territories apart across the 1 July 2025 merger:
  VN-01    a province whose territory did not change (one unit across both periods)
  VN63-15  a former province (valid until 30 June 2025): old code 15 is Yên Bái
  VN34-15  a province formed on 1 July 2025: new code 15 is Lào Cai (Lào Cai + Yên Bái)
  R63-RRD, R34-RRD  a region in the 63- or the 34-province geography
  VN       the nation
A new province takes the region of the former province whose name it keeps (documented in
the README): Bắc Ninh (with Bắc Giang) is Red River Delta, Tây Ninh (with Long An) is South East.

Earlier boundary changes (kpi.units.history) add the former units of 1997-2008:
  VN64-28  Hà Tây, VN64-01 / VN64-26 / VN64-17  Hà Nội, Vĩnh Phúc, Hòa Bình until 31 July 2008
  VN61-92, VN61-66, VN61-12  Cần Thơ, Đắk Lắk, Lai Châu before their splits of 1 January 2004
and the 2004-2025 units they became start on those days (`valid_from`).
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

from kpi.paths import CATALOGUE_DIR
from kpi.periods import MERGER_DATE
from kpi.units import history

NATION = "VN"
LAST_OLD_DAY = MERGER_DATE - dt.timedelta(days=1)

UNIT_COLUMNS = [
    "unit", "name_vi", "name_full_vi", "level", "parent", "gso_code", "generation",
    "valid_from", "valid_to", "successor", "region", "region_63", "region_34",
    "lat", "lon", "size_hint",
]


def fold(text: str) -> str:
    """Lower-case ASCII form of a Vietnamese name, for matching: 'Tỉnh Bến Tre' -> 'tinh ben tre'."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = re.sub(r"[^a-zA-Z0-9]+", " ", text).lower()
    return " ".join(text.split())


_PREFIXES = ("thanh pho ", "tinh ", "tp ", "t p ", "city of ", "province of ")


def name_key(text: str) -> str:
    """Matching key without administrative prefixes: 'TP. Hồ Chí Minh' -> 'hochiminh'."""
    folded = fold(text)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if folded.startswith(prefix):
                folded = folded[len(prefix):]
                changed = True
    for suffix in (" city", " province"):
        if folded.endswith(suffix):
            folded = folded[: -len(suffix)]
    return folded.replace(" ", "")


@lru_cache(maxsize=1)
def _package_provinces() -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    # heavy optional: the package loads its database (~35 MB) on import; only building the units
    # table (the demo, an import) needs it, not a page reading a snapshot
    import vietnamadminunits  # noqa: PLC0415
    from vietnamadminunits.database import query  # noqa: PLC0415

    cols = "province, provinceShort, provinceCode, provinceLat, provinceLon, provinceKey, provinceKeywords"
    old = pd.DataFrame(query(
        f"SELECT {cols}, COUNT(*) AS communes FROM admin_units_legacy GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY provinceCode"))
    new = pd.DataFrame(query(
        f"SELECT {cols}, COUNT(*) AS communes FROM admin_units GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY provinceCode"))
    mapping_file = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    new_to_old_keys = json.loads(mapping_file.read_text(encoding="utf-8"))["DICT_PROVINCE"]
    return old, new, new_to_old_keys


@lru_cache(maxsize=1)
def regions_catalogue() -> pd.DataFrame:
    return pd.read_csv(CATALOGUE_DIR / "regions.csv", dtype=str).assign(order=lambda d: d["order"].astype(int))


@lru_cache(maxsize=1)
def build_units() -> pd.DataFrame:
    """The units table of every snapshot: nation, regions (both geographies), provinces (both)."""
    old, new, new_to_old_keys = _package_provinces()
    region_of_old = pd.read_csv(CATALOGUE_DIR / "province_regions_63.csv", dtype=str).set_index("gso_code")["region"]
    old_key_to_code = dict(zip(old["provinceKey"], old["provinceCode"]))
    new_code_of_old: dict[str, str] = {}
    predecessors: dict[str, list[str]] = {}
    for _, row in new.iterrows():
        old_codes = sorted(old_key_to_code[k] for k in new_to_old_keys[row["provinceKey"]])
        predecessors[row["provinceCode"]] = old_codes
        for code in old_codes:
            new_code_of_old[code] = row["provinceCode"]

    def unchanged(new_code: str) -> bool:
        return predecessors[new_code] == [new_code]

    new_by_code = new.set_index("provinceCode")
    rows: list[dict] = []
    for _, row in old.iterrows():
        code = row["provinceCode"]
        new_code = new_code_of_old[code]
        is_same = unchanged(new_code)
        # the new province keeps the name (and so the region) of one of its predecessors
        rows.append({
            "unit": f"VN-{code}" if is_same else f"VN63-{code}",
            "name_vi": row["provinceShort"], "name_full_vi": row["province"],
            "level": "province", "parent": None, "gso_code": code,
            "generation": "both" if is_same else "63",
            "valid_from": history.STARTED.get(code), "valid_to": None if is_same else LAST_OLD_DAY,
            "successor": None if is_same else f"VN34-{new_code}",
            "region_63": region_of_old[code],
            "lat": row["provinceLat"], "lon": row["provinceLon"], "size_hint": int(row["communes"]),
        })
    for _, row in new.iterrows():
        code = row["provinceCode"]
        if unchanged(code):
            continue
        name_old = [c for c in predecessors[code] if name_key(old.set_index("provinceCode").loc[c, "provinceShort"])
                    == name_key(row["provinceShort"])]
        keeper = name_old[0] if name_old else predecessors[code][0]
        rows.append({
            "unit": f"VN34-{code}", "name_vi": row["provinceShort"], "name_full_vi": row["province"],
            "level": "province", "parent": None, "gso_code": code, "generation": "34",
            "valid_from": MERGER_DATE, "valid_to": None, "successor": None,
            "region_63": None, "region_34": region_of_old[keeper],
            "lat": new_by_code.loc[code, "provinceLat"], "lon": new_by_code.loc[code, "provinceLon"],
            "size_hint": int(sum(old.set_index("provinceCode").loc[c, "communes"] for c in predecessors[code])),
        })
    provinces = pd.DataFrame(rows)
    # a former province belongs, in the 34-province geography, to its successor's region
    region_34_of_new = provinces.dropna(subset=["region_34"]).set_index("unit")["region_34"]
    provinces["region_34"] = provinces.apply(
        lambda r: r["region_34"] if isinstance(r["region_34"], str)
        else (region_34_of_new.get(r["successor"]) if isinstance(r["successor"], str) else r["region_63"]), axis=1)
    provinces = pd.concat([provinces, _former_units(provinces)], ignore_index=True)
    provinces["region"] = provinces.apply(
        lambda r: f"R34-{r['region_34']}" if r["generation"] == "34" else f"R63-{r['region_63']}", axis=1)

    regions = regions_catalogue()
    region_rows = []
    for generation in ("63", "34"):
        for _, region in regions.iterrows():
            region_rows.append({
                "unit": f"R{generation}-{region['region']}", "name_vi": region["name_vi"],
                "name_full_vi": f"Vùng {region['name_vi']}", "level": "region", "parent": NATION,
                "gso_code": None, "generation": generation,
                "valid_from": MERGER_DATE if generation == "34" else None,
                "valid_to": LAST_OLD_DAY if generation == "63" else None,
                "successor": None, "region": None, "region_63": region["region"] if generation == "63" else None,
                "region_34": region["region"] if generation == "34" else None,
                "lat": None, "lon": None, "size_hint": None,
            })
    nation = [{
        "unit": NATION, "name_vi": "Cả nước", "name_full_vi": "Cả nước", "level": "nation", "parent": None,
        "gso_code": None, "generation": "both", "valid_from": None, "valid_to": None, "successor": None,
        "region": None, "region_63": None, "region_34": None, "lat": None, "lon": None, "size_hint": None,
    }]
    units = pd.concat([pd.DataFrame(nation), pd.DataFrame(region_rows), provinces], ignore_index=True)
    units["parent"] = units.apply(lambda r: r["region"] if r["level"] == "province" else r["parent"], axis=1)
    for col in ("valid_from", "valid_to"):
        units[col] = pd.to_datetime(units[col]).dt.date
    return units[UNIT_COLUMNS]


def _former_units(provinces: pd.DataFrame) -> pd.DataFrame:
    """The units of 1997-2008 that no longer exist (kpi.units.history): each names the unit that keeps
    its name as `successor`, and belongs to that unit's region in the 34-province geography."""
    current = provinces[provinces["generation"].isin(["63", "both"])].set_index("gso_code")
    rows = []
    for key, name, full_name, code, ended, successor_code, _pieces, region in history.FORMER:
        successor = current.loc[successor_code]
        rows.append({
            "unit": key, "name_vi": name, "name_full_vi": full_name, "level": "province", "parent": None,
            "gso_code": code, "generation": key[2:4], "valid_from": None, "valid_to": ended - dt.timedelta(days=1),
            "successor": successor["unit"], "region_63": region, "region_34": successor["region_34"],
            "lat": None, "lon": None, "size_hint": None,
        })
    return pd.DataFrame(rows)
