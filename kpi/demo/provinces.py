"""The demo snapshot (python -m kpi demo): deterministic, plausible, and labelled as demo data.

The indicators of `_annual` (a catalogue may hold more: they have no demo figures) for all 63
former provinces for 2016 to mid-2025 and the 34 provinces from the 2025 merger on;
whole years plus the cumulative 6- and 9-month periods of 2021-2026. Counts of a new
province are close to the sum of its predecessors'; every rate carries numerator and
denominator. Where a published report gives a real figure (Bến Tre 2020, Cần Thơ first half
2023, Khánh Hòa 2021-2023) the demo holds that figure and its `source` names the report, with
the report's plan where it gives one and no plan otherwise (never an invented plan beside a real
figure, not even through the whole-year plan a cumulative period is measured against).

Inputs reproduce results: counts of people, households, houses and trips (catalogue
`whole_number`) are whole numbers, plans of them too; every rate is numerator / denominator × 100
of two whole numbers, within 0-100%.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from kpi import store
from kpi.demo.agencies import agency_facts, agency_units
from kpi.demo.communes import commune_facts
from kpi.periods import Period, parse_period
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

SEED = 20250701
FIRST_YEAR, LAST_YEAR = 2016, 2026
CUMULATIVE_FROM = 2021          # 6- and 9-month periods from this year on
LAST_ACTUAL = Period(2026, 9)   # nothing after "9 tháng năm 2026" has actual figures yet
DEMO_SOURCE = "Dữ liệu minh họa (sinh tự động bởi kpi/demo.py)"

SRC_BEN_TRE = ("Báo Dân sinh 08/12/2021, 'Ngành LĐ-TB&XH tỉnh Bến Tre: Hoàn thành vượt các chỉ tiêu "
               "năm 2020, xác định 5 nhiệm vụ trọng tâm năm 2021'")
SRC_CAN_THO = ("Báo Cần Thơ 28/08/2023, phỏng vấn bà Trần Thị Xuân Mai, Giám đốc Sở LĐ-TB&XH TP Cần Thơ "
               "(6 tháng đầu năm 2023)")
SRC_KHANH_HOA = ("Báo Khánh Hòa 06/2023, 'Sở Lao động - Thương binh và Xã hội: Gắn thi đua với thực hiện "
                 "hiệu quả nhiệm vụ'")

# Published figures: (unit, period, indicator) -> (actual, plan or None when the report gives none, source, note)
PUBLISHED: dict[tuple[str, str, str], tuple] = {
    ("VN63-83", "2020", "jobs_created"): (18382, 18000, SRC_BEN_TRE, "đạt 102,1% (KH 18.000 người)"),
    ("VN63-83", "2020", "urban_unemployment_rate"): (3.34, 3.34, SRC_BEN_TRE, "ước đạt 3,34% (KH 3,34%)"),
    ("VN63-83", "2020", "trained_labour_rate"): (60.6, 60.0, SRC_BEN_TRE, "60,6% (KH 60%)"),
    ("VN63-83", "2020", "certified_labour_rate"): (30.95, 30.0, SRC_BEN_TRE, "30,95% (KH 30%)"),
    ("VN63-83", "2020", "poor_household_rate"): (3.6, 4.0, SRC_BEN_TRE, "ước còn 3,6% (KH 4%)"),
    ("VN63-92", "2023-M06", "merit_allowance_recipients"): (62520, None, SRC_CAN_THO, "chi trả trợ cấp hằng tháng 62.520 lượt"),
    ("VN63-92", "2023-M06", "merit_allowance_spending"): (108, None, SRC_CAN_THO, "kinh phí trên 108 tỉ đồng"),
    ("VN63-92", "2023-M06", "merit_convalescence"): (317, None, SRC_CAN_THO, "4 đợt, 317 lượt điều dưỡng tập trung"),
    ("VN63-92", "2023-M06", "heroic_mothers_cared"): (23, None, SRC_CAN_THO, "23 Mẹ VNAH được nhận phụng dưỡng"),
    ("VN63-92", "2023-M06", "gratitude_fund"): (8, None, SRC_CAN_THO, "vận động trên 8 tỉ đồng"),
    ("VN63-92", "2023-M06", "gratitude_houses"): (94, None, SRC_CAN_THO, "xây dựng, sửa chữa 94 căn"),
    ("VN63-92", "2023-M06", "social_assistance_recipients"): (246000, None, SRC_CAN_THO, "trên 246.000 lượt"),
    ("VN63-92", "2023-M06", "social_assistance_spending"): (138, None, SRC_CAN_THO, "kinh phí trên 138 tỉ đồng"),
    ("VN63-92", "2023-M06", "child_friendly_commune_rate"): (90.36, None, SRC_CAN_THO, "90,36% xã, phường, thị trấn"),
    ("VN63-92", "2023-M06", "children_u6_insured_rate"): (100.0, None, SRC_CAN_THO, "100% trẻ em dưới 6 tuổi"),
    ("VN63-92", "2023-M06", "procedures_on_time_rate"): (100.0, None, SRC_CAN_THO, "100% TTHC đúng và trước hạn"),
    ("VN63-92", "2021", "poor_household_rate"): (0.8, None, SRC_CAN_THO, "tỷ lệ hộ nghèo 0,8%"),
    ("VN63-92", "2022", "poor_household_rate"): (0.52, None, SRC_CAN_THO, "cuối năm 2022 giảm từ 0,8% còn 0,52%"),
    ("VN63-56", "2021", "vocational_enrolment"): (29496, None, SRC_KHANH_HOA, "tuyển sinh 29.496 người"),
    ("VN63-56", "2022", "vocational_enrolment"): (29550, None, SRC_KHANH_HOA, "tuyển sinh 29.550 người"),
    ("VN63-56", "2023-M05", "vocational_enrolment"): (12507, None, SRC_KHANH_HOA, "5 tháng đầu năm 2023: 12.507 người"),
    ("VN63-56", "2023-M05", "trained_labour_rate"): (82.0, None, SRC_KHANH_HOA, "tỷ lệ lao động qua đào tạo 82%"),
    ("VN63-56", "2023-M05", "certified_labour_rate"): (27.6, None, SRC_KHANH_HOA, "có bằng cấp, chứng chỉ 27,6%"),
}
# Numerator and denominator of a published rate where the report's figure is a rounded ratio of known
# parts: Cần Thơ had 83 communes, wards and townships in 2023, and 75 / 83 = 90,36%.
PUBLISHED_PARTS = {("VN63-92", "2023-M06", "child_friendly_commune_rate"): (75, 83)}
# Bến Tre's 2021 targets from the same report (kế hoạch năm 2021)
PUBLISHED_PLANS = {
    ("VN63-83", 2021, "jobs_created"): 20000,
    ("VN63-83", 2021, "workers_abroad"): 1500,
    ("VN63-83", 2021, "urban_unemployment_rate"): 3.32,
    ("VN63-83", 2021, "trained_labour_rate"): 62.0,
    ("VN63-83", 2021, "certified_labour_rate"): 32.0,
}

POOR_BASE_2016 = {"NMM": (10, 18), "CH": (7, 12), "NCC": (4, 9), "MRD": (3, 7), "RRD": (1.5, 4), "SE": (0.4, 1.5)}
ETHNIC_SHARE = {"NMM": 0.65, "CH": 0.35, "NCC": 0.08, "MRD": 0.08, "RRD": 0.03, "SE": 0.04}


def demo_periods() -> list[Period]:
    periods = [Period(y, 12) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
    periods += [Period(y, m) for y in range(CUMULATIVE_FROM, LAST_YEAR + 1) for m in (6, 9)]
    return sorted(periods)


def _province_base(rng: np.random.Generator, size: float, region: str) -> dict:
    """Stable characteristics of one former province."""
    scale = size / 150
    return {
        "scale": scale,
        "jobs": scale * 22000 * rng.uniform(0.7, 1.3),
        "abroad": scale * 1400 * rng.uniform(0.3, 1.8) * (2.2 if region == "NCC" else 1.0),
        "urban_lf": scale * 180000 * rng.uniform(0.3, 1.0),
        "unemp": rng.uniform(1.8, 3.8),
        "enrol": scale * 18000 * rng.uniform(0.7, 1.3),
        "employed": scale * 550000 * rng.uniform(0.85, 1.15),
        "trained0": rng.uniform(42, 62),
        "certified0": rng.uniform(15, 24),
        "rural_trained": scale * 3500 * rng.uniform(0.6, 1.4),
        "households": scale * 190000 * rng.uniform(0.85, 1.15),
        "poor0": rng.uniform(*POOR_BASE_2016[region]),
        "ethnic_share": ETHNIC_SHARE[region] * rng.uniform(0.5, 1.3),
        "merit_monthly": scale * 8000 * rng.uniform(0.6, 1.4),
        "convalescence": scale * 550 * rng.uniform(0.6, 1.4),
        "houses": scale * 70 * rng.uniform(0.4, 1.6),
        "fund": scale * 7 * rng.uniform(0.5, 1.5),
        "mothers": max(3, scale * 30 * rng.uniform(0.5, 1.5)),
        "records": scale * 9000 * rng.uniform(0.7, 1.3),
        "social_monthly": scale * 14000 * rng.uniform(0.7, 1.3),
        "communes": size,
        "child_friendly0": rng.uniform(55, 80),
        "children_u6": scale * 75000 * rng.uniform(0.8, 1.2),
        "insured0": rng.uniform(93, 99),
        "dossiers": scale * 6000 * rng.uniform(0.6, 1.4),
        "on_time0": rng.uniform(95, 99.5),
        "online0": rng.uniform(20, 60),
    }


def _annual(base: dict, year: int, rng: np.random.Generator) -> dict:
    """Whole-year latent figures of one former province: counts and (numerator, denominator)."""
    t = year - FIRST_YEAR
    covid = 0.88 if year in (2020, 2021) else 1.0
    noise = lambda spread=0.06: rng.uniform(1 - spread, 1 + spread)  # noqa: E731
    if year <= 2020:  # 2016-2020 poverty standard
        poor = base["poor0"] * 0.80 ** t
    else:  # multidimensional standard 2021-2025 raised measured poverty, then it falls again
        poor = base["poor0"] * 0.80 ** 5 * 1.7 * 0.78 ** (year - 2021)
    poor = max(poor * noise(0.04), 0.08)
    households = base["households"] * (1 + 0.012 * t)
    employed = base["employed"] * (1 + 0.01 * t)
    urban_lf = base["urban_lf"] * (1 + 0.02 * t)
    unemp = base["unemp"] * (1.25 if year in (2020, 2021) else 1.0) * noise(0.05)
    ethnic_households = households * base["ethnic_share"]
    ethnic_poor = min(poor * 2.6 * noise(0.08), 45.0)
    records = base["records"] if year >= 2020 else np.nan
    return {
        "jobs_created": base["jobs"] * (1.025 ** t) * covid * noise(),
        "workers_abroad": base["abroad"] * (1.04 ** t) * (0.45 if year in (2020, 2021) else 1.0) * noise(0.15),
        "urban_unemployment_rate": (urban_lf * unemp / 100, urban_lf),
        "vocational_enrolment": base["enrol"] * (1.02 ** t) * covid * noise(),
        "trained_labour_rate": (employed * min(base["trained0"] + 1.6 * t, 88) / 100, employed),
        "certified_labour_rate": (employed * min(base["certified0"] + 0.9 * t, 45) / 100, employed),
        "rural_labour_trained": base["rural_trained"] * (0.98 ** t) * noise(0.1),
        "poor_household_rate": (households * poor / 100, households),
        "near_poor_household_rate": (households * max(poor * 0.75 + 0.8, 0.3) * noise(0.05) / 100, households),
        "ethnic_minority_poor_rate": (ethnic_households * ethnic_poor / 100, ethnic_households),
        "households_out_of_poverty": households * poor / 100 * 0.28 * noise(0.1),
        "merit_allowance_recipients": base["merit_monthly"] * 12 * (0.985 ** t),
        "merit_allowance_spending": base["merit_monthly"] * 12 * (0.985 ** t) * 0.00125 * (1.055 ** t),
        "merit_convalescence": base["convalescence"] * noise(0.12),
        "gratitude_houses": base["houses"] * noise(0.25),
        "gratitude_fund": base["fund"] * (1.03 ** t) * noise(0.15),
        "heroic_mothers_cared": base["mothers"] * (0.9 ** t),
        "merit_records_digitised": records * noise(0.2) if year >= 2020 else np.nan,
        "social_assistance_recipients": base["social_monthly"] * 12 * (1.02 ** t),
        "social_assistance_spending": base["social_monthly"] * 12 * (1.02 ** t) * 0.00045 * (1.05 ** t),
        "child_friendly_commune_rate": (base["communes"] * min(base["child_friendly0"] + 2.5 * t, 99) / 100,
                                        base["communes"]),
        "children_u6_insured_rate": (base["children_u6"] * min(base["insured0"] + 0.3 * t, 100) / 100,
                                     base["children_u6"]),
        "procedures_on_time_rate": (base["dossiers"] * (1.08 ** t) * min(base["on_time0"] + 0.2 * t, 100) / 100,
                                    base["dossiers"] * (1.08 ** t)),
        "online_public_services": base["online0"] * (1.12 ** t),
    }


STOCKS = {"heroic_mothers_cared", "online_public_services"}  # a level at a date, not a flow


def _cumulative(annual: dict, previous: dict, months: int, rng: np.random.Generator) -> dict:
    """Figures cumulated from January to `months` of the same year."""
    out = {}
    share = months / 12
    for code, value in annual.items():
        if isinstance(value, tuple):  # a rate: interpolate between last year and this year
            num, den = value
            prev_num, prev_den = previous[code]
            w = share * rng.uniform(0.85, 1.05)
            rate = (1 - w) * prev_num / prev_den + w * num / den
            out[code] = (rate * den, den)
        elif code in STOCKS:
            out[code] = value
        else:
            out[code] = value * share * rng.uniform(0.9, 1.05)
    return out


def _integer_counts(figures: dict, catalogue: pd.DataFrame) -> dict:
    decimals = catalogue.set_index("code")["decimals"]
    out = {}
    for code, value in figures.items():
        if isinstance(value, tuple):
            out[code] = (float(np.round(value[0])), float(np.round(value[1])))
        else:
            out[code] = float(np.round(value, int(decimals[code]))) if not np.isnan(value) else np.nan
    return out


def _round_plan(value: float, whole: bool) -> float:
    """A plan as a department writes it: hundreds above 1.000, whole numbers of people, houses..."""
    if np.isnan(value):
        return np.nan
    if value >= 1000:
        return float(round(value, -2))
    if value >= 10 or whole:
        return float(round(value))
    return float(round(value, 1))


def _rate_plan(value: float, direction: int) -> float:
    """A rate's plan: 2 decimals for lower-is-better rates, 1 otherwise, within 0-100%."""
    return round(min(max(value, 0.05 if direction < 0 else 0.0), 100.0), 2 if direction < 0 else 1)


def _plan_for(code: str, actual_year, direction: int, whole: bool, rng: np.random.Generator):
    """A whole-year plan a department would plausibly have set."""
    if isinstance(actual_year, tuple):
        rate = actual_year[0] / actual_year[1] * 100
        if direction < 0:
            return _rate_plan(rate + rng.normal(0.08, 0.25), direction)
        return _rate_plan(rate + rng.normal(-0.2, 1.0), direction)
    if np.isnan(actual_year):
        return np.nan
    if direction == 0 and code not in ("merit_allowance_spending", "social_assistance_spending"):
        return np.nan
    return _round_plan(actual_year * rng.uniform(0.93, 1.05), whole)


def build_demo_facts(units: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    provinces = units[units["level"] == "province"].sort_values("unit")
    old = provinces[provinces["generation"].isin(["63", "both"])]
    meta = catalogue.set_index("code")
    periods = demo_periods()

    # latent whole-year and cumulative figures of every former province, 2016-2026
    latent: dict[str, dict[str, dict]] = {}
    plans: dict[str, dict[int, dict]] = {}
    for _, prov in old.iterrows():
        base = _province_base(rng, float(prov["size_hint"]), prov["region_63"])
        years = {y: _annual(base, y, rng) for y in range(FIRST_YEAR - 1, LAST_YEAR + 1)}
        series = {}
        for period in periods:
            annual = years[period.year]
            figures = annual if period.is_whole_year else _cumulative(annual, years[period.year - 1], period.months, rng)
            series[period.code] = _integer_counts(figures, catalogue)
        latent[prov["unit"]] = series
        plans[prov["unit"]] = {
            y: {code: _plan_for(code, years[y][code], int(meta.loc[code, "direction"]),
                                bool(meta.loc[code, "whole_number"]), rng)
                for code in years[y]}
            for y in range(FIRST_YEAR, LAST_YEAR + 1)
        }

    _calibrate_to_published(latent, plans, meta)
    rows = []

    def emit(unit: str, period: Period, figures: dict, plan_of_year: dict, source: str = DEMO_SOURCE):
        for code, value in figures.items():
            plan = plan_of_year.get(code, np.nan)
            if isinstance(value, tuple):
                num, den = value
                actual = num / den * 100 if den else np.nan
            else:
                num = den = np.nan
                actual = value
            if period > LAST_ACTUAL:
                actual = num = den = np.nan
            if np.isnan(actual) and np.isnan(plan):
                continue
            # the latest period's figures are still estimates (ước) when a department reports them
            status = "estimate" if period.code == LAST_ACTUAL.code and not np.isnan(actual) else None
            rows.append({"indicator": code, "unit": unit, "period": period.code, "actual": actual, "plan": plan,
                         "numerator": num, "denominator": den, "source": source, "note": None,
                         "estimate_status": status})

    for _, prov in old.iterrows():
        unit = prov["unit"]
        for period in periods:
            if prov["generation"] == "63" and period.generation == 34:
                continue  # the former province no longer reports after 1 July 2025
            emit(unit, period, latent[unit][period.code], plans[unit][period.year])

    # provinces formed on 1 July 2025: close to the sum of their predecessors
    for _, prov in provinces[provinces["generation"] == "34"].iterrows():
        parts = list(old.loc[old["successor"] == prov["unit"], "unit"])
        for period in periods:
            if period.generation != 34:
                continue
            merged, plan = {}, {}
            for code in latent[parts[0]][period.code]:  # the indicators the demo generates
                values = [latent[p][period.code][code] for p in parts]
                if isinstance(values[0], tuple):
                    den = sum(v[1] for v in values)
                    num = min(sum(v[0] for v in values) * rng.uniform(0.97, 1.03), den)  # a rate stays <= 100%
                    merged[code] = (float(np.round(num)), float(den))
                    part_plans = [plans[p][period.year][code] for p in parts]
                    weights = [v[1] for v in values]
                    decimals = 2 if int(meta.loc[code, "direction"]) < 0 else 1
                    plan[code] = round(float(np.average(part_plans, weights=weights)), decimals)
                else:
                    total = sum(values) * rng.uniform(0.97, 1.03)
                    merged[code] = float(np.round(total, int(meta.loc[code, "decimals"])))
                    part_plans = [plans[p][period.year][code] for p in parts]
                    total = sum(part_plans)
                    whole = bool(meta.loc[code, "whole_number"])
                    plan[code] = np.nan if any(np.isnan(part_plans)) else \
                        float(round(total, -1)) if total > 100 else _round_plan(total, whole)
            emit(prov["unit"], period, merged, plan)

    facts = pd.DataFrame(rows)
    _apply_published(facts)
    _resolution_targets(facts)
    return facts


# Some provinces write their targets as resolutions do (DESIGN 4.1): "tỷ lệ thất nghiệp thành thị
# dưới 3%", "tỷ lệ lao động qua đào tạo từ 60% trở lên"; the others a level. Every fourth former
# province (by GSO code) from 2021 on, never a province quoted from a report.
RESOLUTION_TARGETS = {"urban_unemployment_rate": ("below", np.ceil), "trained_labour_rate": ("min", np.floor)}
RESOLUTION_FROM = 2021


def _resolution_targets(facts: pd.DataFrame) -> None:
    """Give the chosen provinces' plans their resolution kind, the plan rounded to the whole percent
    a resolution writes (a plan of 2,62% becomes "dưới 3%", 58,3% "từ 58% trở lên")."""
    facts["plan_kind"] = None
    quoted = {unit for unit, _period, _code in PUBLISHED} | {unit for unit, _year, _code in PUBLISHED_PLANS}
    code = facts["unit"].str.extract(r"^VN(?:63)?-(\d+)$", expand=False).astype(float)
    chosen = (code % 4 == 1) & ~facts["unit"].isin(quoted) & facts["plan"].notna() & \
        facts["period"].str[:4].astype(int).ge(RESOLUTION_FROM)
    for indicator, (kind, rounding) in RESOLUTION_TARGETS.items():
        rows = chosen & facts["indicator"].eq(indicator)
        facts.loc[rows, "plan"] = rounding(facts.loc[rows, "plan"]).astype(float)
        facts.loc[rows, "plan_kind"] = kind


def _calibrate_to_published(latent: dict, plans: dict, meta: pd.DataFrame) -> None:
    """Scale a province's generated series so it passes through its published figures, so that
    the years around a real figure stay consistent with it (no jump to or from the report).
    Counts stay whole numbers and rates stay within 0-100% (a numerator never above its denominator)."""
    factors: dict[tuple[str, str], list[float]] = {}
    for (unit, period, code), (actual, *_rest) in PUBLISHED.items():
        if period not in latent[unit]:
            # a period the demo does not generate (5 months): a rate is calibrated against the nearest
            # period of the same year (a level moves little in a month); a count has nothing to match
            wanted = parse_period(period)
            near = [p for p in latent[unit] if parse_period(p).year == wanted.year]
            if not near or not isinstance(latent[unit][near[0]][code], tuple):
                continue
            period = min(near, key=lambda p: abs(parse_period(p).months - wanted.months))
        generated = latent[unit][period][code]
        value = generated[0] / generated[1] * 100 if isinstance(generated, tuple) else generated
        factors.setdefault((unit, code), []).append(float(actual) / value)
    for (unit, code), ratios in factors.items():
        factor = float(np.mean(ratios))
        decimals = int(meta.loc[code, "decimals"])
        whole = bool(meta.loc[code, "whole_number"])
        direction = int(meta.loc[code, "direction"])
        for figures in latent[unit].values():
            value = figures[code]
            figures[code] = (min(float(np.round(value[0] * factor)), value[1]), value[1]) \
                if isinstance(value, tuple) else float(np.round(value * factor, decimals))
        for plan_of_year in plans[unit].values():
            plan = plan_of_year[code] * factor
            plan_of_year[code] = _rate_plan(plan, direction) if code.endswith("_rate") else _round_plan(plan, whole)


def _exact_parts(rate: float, denominator_hint: float) -> tuple[float, float]:
    """Whole numerator and denominator, the denominator near `denominator_hint`, whose ratio × 100 is
    the published rate exactly: 3,34% of 5.000-multiples, 60,6% of 500-multiples, 100% of any."""
    share = Fraction(str(rate)) / 100
    step = share.denominator
    multiple = max(1, round(denominator_hint / step))
    return float(share.numerator * multiple), float(step * multiple)


def _apply_published(facts: pd.DataFrame) -> None:
    """Put the published figures in place of generated ones; `source` names the report. A figure
    the report gives no plan for has none, and neither has the whole year it belongs to (the plan a
    cumulative period is measured against), so that a real figure never meets an invented plan."""
    index = {key: i for i, key in enumerate(zip(facts["unit"], facts["period"], facts["indicator"]))}
    unplanned = set()
    for (unit, period, code), (actual, plan, source, note) in PUBLISHED.items():
        row = index.get((unit, period, code))
        is_rate = code.endswith("_rate")
        if row is None:  # a period the demo does not generate (Khánh Hòa, 5 months 2023)
            facts.loc[len(facts)] = {"indicator": code, "unit": unit, "period": period, "actual": np.nan,
                                     "plan": np.nan, "numerator": np.nan, "denominator": np.nan,
                                     "source": source, "note": note}
            row = len(facts) - 1
            year_row = index.get((unit, period[:4], code))
            if year_row is not None:
                facts.loc[row, "denominator"] = facts.loc[year_row, "denominator"]
        if is_rate:
            parts = PUBLISHED_PARTS.get((unit, period, code))
            num, den = parts if parts else _exact_parts(actual, float(facts.loc[row, "denominator"]))
            # the report's figure as printed, or the ratio of the known parts it was rounded from
            value = num / den * 100 if parts else float(actual)
            facts.loc[row, ["actual", "numerator", "denominator"]] = [value, float(num), float(den)]
        else:
            facts.loc[row, "actual"] = float(actual)
        facts.loc[row, "plan"] = np.nan if plan is None else float(plan)
        if plan is None:
            unplanned.add((unit, int(period[:4]), code))
        facts.loc[row, "source"] = source
        facts.loc[row, "estimate_status"] = "estimate" if note.startswith("ước") else None  # "ước đạt 3,34%"
        facts.loc[row, "note"] = note + ("" if plan is not None else "; báo cáo không nêu kế hoạch") + (
            "; tử số, mẫu số: minh họa" if is_rate else "")
    published = {(unit, period, code) for (unit, period, code) in PUBLISHED}
    for unit, year, code in unplanned:
        for period in (str(year), f"{year}-M06", f"{year}-M09"):
            row = index.get((unit, period, code))
            if row is not None and (unit, period, code) not in published:
                facts.loc[row, "plan"] = np.nan
    for (unit, year, code), plan in PUBLISHED_PLANS.items():
        for period in (str(year), f"{year}-M06", f"{year}-M09"):
            row = index.get((unit, period, code))
            if row is not None:
                facts.loc[row, "plan"] = float(plan)
                facts.loc[row, "note"] = f"kế hoạch năm {year}: {SRC_BEN_TRE}"


def build_demo(data_dir=None) -> store.Snapshot:
    units = build_units()
    catalogue = load_indicators()
    facts = build_demo_facts(units, catalogue)
    # the agencies of one department, for an internal emulation bloc (kpi/demo_agencies.py)
    units = pd.concat([units, agency_units()], ignore_index=True)
    facts = pd.concat([facts, agency_facts()], ignore_index=True)
    # the communes of two provinces, split from their figures (kpi/demo/communes.py): the drill-down
    communes, commune_rows = commune_facts(facts)
    units = pd.concat([units, communes], ignore_index=True)
    facts = pd.concat([facts, commune_rows], ignore_index=True)
    return store.write_snapshot(
        facts, units, catalogue, created_by="python -m kpi demo", note="Dữ liệu minh họa (demo)",
        demo=True, data_dir=data_dir,
        sources=[{"file": "kpi/demo.py", "seed": SEED, "published_reports": [SRC_BEN_TRE, SRC_CAN_THO, SRC_KHANH_HOA]}],
    )
