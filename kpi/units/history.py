"""Province boundary changes before the 2025 merger (DESIGN section 2, "Units"), as data.

The units table starts with the 61 provinces of 1 January 1997. Since then:

- 1 January 2004 (Resolution 22/2003/QH11): Cần Thơ split into Cần Thơ city and Hậu Giang,
  Đắk Lắk into Đắk Lắk and Đắk Nông, Lai Châu into Lai Châu and Điện Biên (61 -> 64 provinces);
- 1 August 2008 (Resolution 15/2008/QH12): Hà Tây, Mê Linh district of Vĩnh Phúc and four communes
  of Lương Sơn district of Hòa Bình joined Hà Nội (64 -> 63). Vĩnh Phúc and Hòa Bình therefore
  changed territory too (GSO's Vĩnh Phúc labour force falls from 705,2 to 591,5 thousand in 2008);
- 1 July 2025 (Resolution 202/2025/QH15): 63 -> 34 (from `vietnamadminunits`, kpi.units.table).

A territory is a set of *pieces*: a province's GSO code of 2004-2025 stands for its territory of
1 August 2008 - 30 June 2025, plus the pieces it later lost or that later left it:
"01" Hà Nội before August 2008, "28" Hà Tây, "26-ML" Mê Linh, "17-LS" the four communes of Lương
Sơn. A unit key names one territory: `VN64-01` is Hà Nội as it was until 31 July 2008 (a former
unit of the 64-province list), `VN61-92` the province of Cần Thơ until 31 December 2003.
Periods before 1997 are read against the units of 1997 (earlier changes are not modelled).
"""
from __future__ import annotations

import datetime as dt

from kpi.periods import MERGER_DATE

SPLIT_DATE = dt.date(2004, 1, 1)        # 61 -> 64 provinces
HA_TAY_DATE = dt.date(2008, 8, 1)       # 64 -> 63 provinces

# the province lists in force, by the number of their provinces, and the day each one starts
GENERATION_STARTS: tuple[tuple[int, dt.date | None], ...] = (
    (61, None), (64, SPLIT_DATE), (63, HA_TAY_DATE), (34, MERGER_DATE),
)

# territories of the 2008-2025 provinces that are not just their own code
PIECES = {
    "01": ("01", "28", "26-ML", "17-LS"),   # Hà Nội since 1 August 2008
}

# units of the 2004-2025 list that started on one of the dates above (valid_from), by GSO code
STARTED = {"01": HA_TAY_DATE, "26": HA_TAY_DATE, "17": HA_TAY_DATE,
           "92": SPLIT_DATE, "93": SPLIT_DATE, "66": SPLIT_DATE, "67": SPLIT_DATE, "11": SPLIT_DATE,
           "12": SPLIT_DATE}

# former units: key, short name, full name, GSO code (that of the province keeping the name),
# last day, the code of the unit that keeps its name (its `successor`), pieces, region (GSO's six)
FORMER = (
    ("VN64-01", "Hà Nội", "Thành phố Hà Nội", "01", HA_TAY_DATE, "01", ("01",), "RRD"),
    ("VN64-28", "Hà Tây", "Tỉnh Hà Tây", "28", HA_TAY_DATE, "01", ("28",), "RRD"),
    ("VN64-26", "Vĩnh Phúc", "Tỉnh Vĩnh Phúc", "26", HA_TAY_DATE, "26", ("26", "26-ML"), "RRD"),
    ("VN64-17", "Hòa Bình", "Tỉnh Hòa Bình", "17", HA_TAY_DATE, "17", ("17", "17-LS"), "NMM"),
    ("VN61-92", "Cần Thơ", "Tỉnh Cần Thơ", "92", SPLIT_DATE, "92", ("92", "93"), "MRD"),
    ("VN61-66", "Đắk Lắk", "Tỉnh Đắk Lắk", "66", SPLIT_DATE, "66", ("66", "67"), "CH"),
    ("VN61-12", "Lai Châu", "Tỉnh Lai Châu", "12", SPLIT_DATE, "12", ("11", "12"), "NMM"),
)


def former_pieces() -> dict[str, tuple[str, ...]]:
    """Pieces of each former unit, by unit key."""
    return {key: pieces for key, *_rest, pieces, _region in FORMER}
