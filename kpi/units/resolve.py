"""Resolve what a person types to a unit key: a key, a GSO code or a name in any common spelling,
for the province generation in force at the period's date (or the one asked for)."""
from __future__ import annotations

import difflib

import pandas as pd

from kpi.periods import Period
from kpi.units.table import NATION, fold, name_key

NATION_NAMES = {"canuoc", "toanquoc", "vietnam", "wholecountry", "vn", "nation"}
ALIASES = {  # spellings in common use that the package's names do not cover
    "thuathienhue": "hue", "hcm": "hochiminh", "tphcm": "hochiminh", "saigon": "hochiminh",
    "bariavungtau": "bariavungtau", "brvt": "bariavungtau", "daklak": "daklak", "daclac": "daklak",
    "hn": "hanoi", "hagiang": "hagiang",
}


class UnitError(ValueError):
    pass


def _candidates(units: pd.DataFrame, generation: int) -> pd.DataFrame:
    mask = units["generation"].isin([str(generation), "both"]) | ~units["level"].isin(["province", "region"])
    return units[mask]


def resolve_unit(text: str, units: pd.DataFrame, period: Period | None = None,
                 geography: int | None = None) -> str:
    """Return the unit key; raise UnitError in Vietnamese, with the closest names, if none fits."""
    raw = str(text).strip()
    generation = geography or (period.generation if period else 34)
    if raw in set(units["unit"]):
        return raw
    key = name_key(raw)
    key = ALIASES.get(key, key)
    if key in NATION_NAMES:
        return NATION
    pool = _candidates(units, generation)
    if raw.isdigit():
        hits = pool[(pool["gso_code"] == raw.zfill(2)) & (pool["level"] == "province")]
        if len(hits) == 1:
            return hits.iloc[0]["unit"]
    names = {name_key(n): u for n, u in zip(pool["name_vi"], pool["unit"])}
    names.update({name_key(n): u for n, u in zip(pool["name_full_vi"], pool["unit"])})
    if key in names:
        return names[key]
    other = units[~units["unit"].isin(pool["unit"])]
    other_names = {name_key(n): r for n, (_, r) in zip(other["name_vi"], other.iterrows())}
    when = f"kỳ {period.label().lower()}" if period else f"địa giới {generation} tỉnh"
    if key in other_names:
        row = other_names[key]
        if isinstance(row.get("successor"), str):
            successor = units.set_index("unit").loc[row["successor"], "name_vi"]
            raise UnitError(f"'{raw}' không còn là đơn vị hành chính tại {when}: từ 1/7/2025 đã hợp nhất vào "
                            f"tỉnh/thành phố {successor} (dùng --geography 63 để xem theo địa giới cũ)")
        raise UnitError(f"'{raw}' chưa tồn tại tại {when} (tỉnh/thành phố mới từ 1/7/2025; "
                        f"dùng --geography 34 để xem theo địa giới mới)")
    close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.6)
    suggestion = ", ".join(pool.set_index("unit").loc[names[c], "name_vi"] for c in close)
    hint = f"; gần giống: {suggestion}" if suggestion else ""
    raise UnitError(f"Không tìm thấy đơn vị '{raw}' ({fold(raw)}){hint}")
