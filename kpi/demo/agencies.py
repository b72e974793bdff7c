"""Demo agencies of one department, so that a department can run its own internal emulation bloc.

The agencies (đơn vị sự nghiệp) under the labour department of Vĩnh Long: the employment
service centre, vocational schools, a rural-training centre and the convalescence and
social-protection centre. Each is its own single atom (kpi/geography.py), with parent the
province it belongs to today (VN34-86). Every agency reports its main professional target
(jobs placed, enrolment, trainees, convalescence trips), the share of dossiers settled on time
and the procedures it offers online. Deterministic, and labelled as demo data.

One deliberate gap: the vocational secondary school did not report its online procedures for
2024, so the agency scorecard shows how a missing figure is flagged.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.periods import Period

SEED = 20240086
PARENT = "VN34-86"
SOURCE = "Dữ liệu minh họa đơn vị sự nghiệp (sinh tự động bởi kpi/demo_agencies.py)"
FIRST_YEAR, LAST_YEAR = 2021, 2026
LAST_ACTUAL = Period(2026, 9)
MISSING = {("AG-86-TCN", "2024", "online_public_services")}

# key, name, main indicator, yearly size of the main target, dossiers a year, online procedures
AGENCIES = [
    ("AG-86-TTDVVL", "Trung tâm Dịch vụ việc làm tỉnh Vĩnh Long", "jobs_created", 6500, 9000, 12),
    ("AG-86-CDVL", "Trường Cao đẳng Vĩnh Long", "vocational_enrolment", 3400, 4200, 9),
    ("AG-86-CDKTKT", "Trường Cao đẳng Kinh tế - Kỹ thuật Vĩnh Long", "vocational_enrolment", 2700, 3300, 7),
    ("AG-86-TCN", "Trường Trung cấp nghề Vĩnh Long", "vocational_enrolment", 1500, 1700, 4),
    ("AG-86-TTDTN", "Trung tâm Đào tạo nghề nông thôn tỉnh Vĩnh Long", "rural_labour_trained", 1200, 1300, 3),
    ("AG-86-TTDD", "Trung tâm Điều dưỡng người có công và Bảo trợ xã hội tỉnh Vĩnh Long",
     "merit_convalescence", 1100, 2100, 5),
]


def agency_units() -> pd.DataFrame:
    """Units rows (kpi.units.UNIT_COLUMNS) for the demo agencies."""
    rows = [{
        "unit": key, "name_vi": name, "name_full_vi": name, "level": "agency", "parent": PARENT,
        "gso_code": None, "generation": "both", "valid_from": None, "valid_to": None, "successor": None,
        "region": None, "region_63": None, "region_34": None, "lat": None, "lon": None, "size_hint": None,
    } for key, name, *_ in AGENCIES]
    return pd.DataFrame(rows)


def agency_facts() -> pd.DataFrame:
    """Facts rows (kpi.store.FACT_COLUMNS) of the demo agencies, 2021 to 9 months of 2026."""
    rng = np.random.default_rng(SEED)
    rows = []
    for key, _name, main, size, dossiers, online in AGENCIES:
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            t = year - FIRST_YEAR
            growth = 1.03 ** t
            plan_main = float(round(size * growth * rng.uniform(0.97, 1.04), -1))
            actual_main = size * growth * rng.uniform(0.9, 1.1)
            dossiers_year = dossiers * growth * rng.uniform(0.9, 1.1)
            on_time = min(rng.uniform(94.5, 99.8) + 0.2 * t, 100.0)
            plan_on_time = 98.0 if year < 2024 else 99.0
            online_count = float(online + t + int(rng.integers(0, 3)))
            plan_online = float(online + t + 1)
            for months in (6, 9, 12):
                period = Period(year, months)
                share = months / 12 * rng.uniform(0.92, 1.04) if months < 12 else 1.0
                has_actual = period <= LAST_ACTUAL
                den = float(np.round(dossiers_year * months / 12))
                num = float(np.round(den * min(on_time + rng.uniform(-0.6, 0.4), 100.0) / 100))
                figures = {
                    main: (float(np.round(actual_main * share)), plan_main, np.nan, np.nan),
                    "procedures_on_time_rate": (num / den * 100, plan_on_time, num, den),
                    "online_public_services": (online_count, plan_online, np.nan, np.nan),
                }
                for code, (actual, plan, numerator, denominator) in figures.items():
                    if not has_actual or (key, period.code, code) in MISSING:
                        actual = numerator = denominator = np.nan
                    rows.append({"indicator": code, "unit": key, "period": period.code, "actual": actual,
                                 "plan": plan, "numerator": numerator, "denominator": denominator,
                                 "source": SOURCE, "note": None})
    return pd.DataFrame(rows)
