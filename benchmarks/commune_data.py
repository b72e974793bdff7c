"""A synthetic national dataset at commune scale, for the benchmark (DESIGN section 9).

The 3,321 communes of the 34-province geography (vietnamadminunits) x the indicator catalogue x
10 years x 3 cumulative periods (whole year, 6 and 9 months): about 2.4M facts. With `scale` k
each commune is split into k synthetic reporting units, for k x as many facts.

Provinces, regions and the nation hold no facts of their own: they are the sums of their
communes, through a custom atom map (unit_atoms, target_cover) passed to
kpi.store.schema_for before the first query. The same questions are answered here in plain
pandas over the whole facts frame, the way a typical Streamlit app does it.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi import store
from kpi.periods import MERGER_DATE, parse_period
from kpi.store.indicators import load_indicators
from kpi.units.table import NATION, UNIT_COLUMNS, build_units

FIRST_YEAR, N_YEARS = 2016, 10
PERIOD_MONTHS = (6, 9, 12)
SOURCE = "Dữ liệu tổng hợp cho benchmark (benchmarks/commune_data.py)"
SEED = 3321

# Commune-level magnitudes for a commune of average size. Flows accumulate over the year
# (a 6-month figure is part of the year's); stocks are the same in every period of the year.
# Rates: (denominator of an average commune, rate in the first year, rate in the last year).
FLOWS = {"jobs_created": 500, "workers_abroad": 40, "vocational_enrolment": 420, "rural_labour_trained": 120,
         "households_out_of_poverty": 35, "merit_allowance_spending": 1.2, "merit_convalescence": 60,
         "gratitude_houses": 2, "gratitude_fund": 0.3, "heroic_mothers_cared": 1, "merit_records_digitised": 150,
         "social_assistance_spending": 2.1}
STOCKS = {"merit_allowance_recipients": 300, "social_assistance_recipients": 600, "online_public_services": 280}
RATES = {"urban_unemployment_rate": (9000, 3.0, 2.2), "trained_labour_rate": (15000, 52.0, 70.0),
         "certified_labour_rate": (15000, 21.0, 29.0), "poor_household_rate": (8000, 6.0, 1.9),
         "near_poor_household_rate": (8000, 5.0, 3.1), "ethnic_minority_poor_rate": (1500, 22.0, 11.0),
         "child_friendly_commune_rate": (1, 78.0, 92.0), "children_u6_insured_rate": (2200, 91.0, 98.5),
         "procedures_on_time_rate": (3000, 95.0, 99.2)}


def period_codes(first_year: int = FIRST_YEAR, n_years: int = N_YEARS) -> list[str]:
    """Period codes, year-major: 2016-M06, 2016-M09, 2016, 2017-M06, ..."""
    return [parse_period(f"{y}" if m == 12 else f"{y}-M{m:02d}").code
            for y in range(first_year, first_year + n_years) for m in PERIOD_MONTHS]


def communes(scale: int = 1, limit: int | None = None) -> pd.DataFrame:
    """Reporting units: commune key, name, 34-province key, R34 region key, lat, lon.

    `scale` k > 1 splits every commune into k synthetic parts; `limit` keeps the first communes
    (for small test datasets)."""
    from vietnamadminunits.database import query

    wards = pd.DataFrame(query(
        "SELECT wardCode, ward, provinceCode, wardLat, wardLon FROM admin_units ORDER BY provinceCode, wardCode"))
    if limit is not None:
        wards = wards.head(limit)
    units = build_units()
    provinces = units[(units["level"] == "province") & units["generation"].isin(["34", "both"])]
    province_of_code = provinces.set_index("gso_code")["unit"]
    region_of_province = provinces.set_index("unit")["region_34"]
    frame = pd.DataFrame({
        "ward_code": wards["wardCode"].to_numpy(),
        "name_vi": wards["ward"].to_numpy(),
        "province": wards["provinceCode"].map(province_of_code).to_numpy(),
        "lat": wards["wardLat"].astype(float).to_numpy(),
        "lon": wards["wardLon"].astype(float).to_numpy(),
    })
    if frame["province"].isna().any():
        raise ValueError("a commune's province code is not a 34-province unit")
    frame["region_34"] = frame["province"].map(region_of_province)
    if scale > 1:
        frame = frame.loc[frame.index.repeat(scale)].reset_index(drop=True)
        part = np.tile(np.arange(1, scale + 1), len(wards))
        frame["unit"] = "C" + frame["ward_code"] + "." + part.astype(str)
        frame["name_vi"] = frame["name_vi"] + " (" + part.astype(str) + ")"
    else:
        frame["unit"] = "C" + frame["ward_code"]
    frame["region"] = "R34-" + frame["region_34"]
    return frame[["unit", "ward_code", "name_vi", "province", "region", "region_34", "lat", "lon"]]


def units_with_communes(commune_frame: pd.DataFrame) -> pd.DataFrame:
    """kpi.units.build_units() plus one row per commune (level 'commune', parent its province)."""
    rows = pd.DataFrame({
        "unit": commune_frame["unit"], "name_vi": commune_frame["name_vi"], "name_full_vi": commune_frame["name_vi"],
        "level": "commune", "parent": commune_frame["province"], "gso_code": commune_frame["ward_code"],
        "generation": "34", "valid_from": MERGER_DATE, "valid_to": None, "successor": None,
        "region": commune_frame["region"], "region_63": None, "region_34": commune_frame["region_34"],
        "lat": commune_frame["lat"], "lon": commune_frame["lon"], "size_hint": None,
    })
    units = pd.concat([build_units(), rows[UNIT_COLUMNS]], ignore_index=True)
    for col in ("valid_from", "valid_to"):
        units[col] = [v if isinstance(v, dt.date) else None for v in units[col]]
    for col in ("lat", "lon", "size_hint"):
        units[col] = pd.to_numeric(units[col], errors="coerce").astype("float64")
    return units


def atom_map(commune_frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(unit_atoms, target_cover) making every province, region and the nation the sum of its
    communes, in both generations so that any period can be asked for."""
    atoms = commune_frame["unit"].to_numpy()
    targets = np.concatenate([atoms, commune_frame["province"].to_numpy(), commune_frame["region"].to_numpy(),
                              np.full(len(atoms), NATION, dtype=object)])
    one_generation = pd.DataFrame({"target": targets, "atom": np.tile(atoms, 4)})
    unit_atoms = pd.concat([one_generation.assign(generation=g) for g in (63, 34)], ignore_index=True)
    unit_atoms = unit_atoms[["target", "generation", "atom"]].astype({"generation": "int64"})
    target_cover = unit_atoms.groupby(["target", "generation"], sort=True).size().rename("n_atoms").reset_index()
    target_cover["n_atoms"] = target_cover["n_atoms"].astype("int64")
    target_cover["exact"] = True
    return unit_atoms, target_cover


def _facts_chunk(rng: np.random.Generator, n_units: int, codes: list[str], aggregation: dict, decimals: dict,
                 n_years: int) -> dict[str, np.ndarray]:
    """Figures of `n_units` units, shaped (unit, indicator, year, period) and flattened."""
    n_ind, n_per = len(codes), len(PERIOD_MONTHS)
    shape = (n_units, n_ind, n_years, n_per)
    size = rng.lognormal(0.0, 0.5, n_units)[:, None, None, None]
    trend = np.linspace(0.0, 1.0, n_years)[None, None, :, None]
    months = np.array(PERIOD_MONTHS, dtype=float)[None, None, None, :]
    actual = np.empty(shape)
    plan = np.empty(shape)
    numerator = np.full(shape, np.nan)
    denominator = np.full(shape, np.nan)
    for i, code in enumerate(codes):
        noise = rng.lognormal(0.0, 0.15, (n_units, 1, n_years, 1))
        if aggregation[code] == "ratio":
            den_base, start, end = RATES.get(code, (1000, 50.0, 55.0))
            rate_year = (start + (end - start) * trend) * rng.lognormal(0.0, 0.08, (n_units, 1, n_years, 1))
            rate_year = np.minimum(rate_year, 100.0)
            rate = np.minimum(rate_year * rng.normal(1.0, 0.02, (n_units, 1, n_years, n_per)), 100.0)
            if den_base == 1:   # a commune either meets the standard or not; the aggregate is a share
                den = np.ones((n_units, 1, n_years, n_per))
                num = (rng.random((n_units, 1, n_years, n_per)) * 100 < rate).astype(float)
            else:
                den = np.round(den_base * size * np.ones((1, 1, n_years, n_per)))
                num = np.round(rate / 100 * den)
            numerator[:, i:i + 1] = num
            denominator[:, i:i + 1] = den
            actual[:, i:i + 1] = num / den * 100
            plan[:, i:i + 1] = np.round(rate_year * rng.normal(1.0, 0.03, (n_units, 1, n_years, 1)), 2) \
                * np.ones((1, 1, 1, n_per))
        else:
            base = FLOWS.get(code, STOCKS.get(code, 100))
            year_value = base * size * noise * (1 + 0.04 * trend * n_years / 10)
            # cumulative from January: flows build up over the year, stocks stand
            share = months / 12 * rng.normal(1.0, 0.05, (n_units, 1, n_years, n_per)) if code not in STOCKS \
                else np.ones((1, 1, 1, n_per))
            share[..., -1] = 1.0
            digits = decimals[code]
            actual[:, i:i + 1] = np.round(year_value * share, digits)
            plan[:, i:i + 1] = np.round(year_value * rng.normal(1.0, 0.06, (n_units, 1, n_years, 1)), digits) \
                * np.ones((1, 1, 1, n_per))
    return {"actual": actual.ravel(), "plan": plan.ravel(), "numerator": numerator.ravel(),
            "denominator": denominator.ravel()}


def build_facts(commune_frame: pd.DataFrame, catalogue: pd.DataFrame, n_years: int = N_YEARS,
                chunk_units: int = 500, seed: int = SEED) -> pd.DataFrame:
    """The facts frame (units x indicators x years x periods), generated vectorised in chunks of
    units; string columns are categoricals (codes into the unit, indicator and period lists)."""
    rng = np.random.default_rng(seed)
    codes = list(catalogue["code"])
    aggregation = dict(zip(catalogue["code"], catalogue["aggregation"]))
    decimals = dict(zip(catalogue["code"], catalogue["decimals"].astype(int)))
    periods = period_codes(FIRST_YEAR, n_years)
    n_units, n_ind, n_per = len(commune_frame), len(codes), len(periods)
    per_unit = n_ind * n_per
    n_rows = n_units * per_unit
    columns = {name: np.empty(n_rows) for name in ("actual", "plan", "numerator", "denominator")}
    for start in range(0, n_units, chunk_units):
        stop = min(start + chunk_units, n_units)
        chunk = _facts_chunk(rng, stop - start, codes, aggregation, decimals, n_years)
        for name, values in chunk.items():
            columns[name][start * per_unit: stop * per_unit] = values
    unit_codes = np.repeat(np.arange(n_units, dtype=np.int32), per_unit)
    indicator_codes = np.tile(np.repeat(np.arange(n_ind, dtype=np.int32), n_per), n_units)
    period_idx = np.tile(np.arange(n_per, dtype=np.int32), n_units * n_ind)
    return pd.DataFrame({
        "indicator": pd.Categorical.from_codes(indicator_codes, categories=codes),
        "unit": pd.Categorical.from_codes(unit_codes, categories=list(commune_frame["unit"])),
        "period": pd.Categorical.from_codes(period_idx, categories=periods),
        **columns,
        "source": pd.Categorical.from_codes(np.zeros(n_rows, dtype=np.int8), categories=[SOURCE]),
        "note": pd.Categorical.from_codes(np.full(n_rows, -1, dtype=np.int8), categories=["-"]),
    })


def benchmark_catalogue(n_indicators: int | None = None) -> pd.DataFrame:
    """The indicator catalogue, or its first `n_indicators` rows (24: the issue's 2,39M facts at
    scale 1, 23,9M at scale 10)."""
    catalogue = load_indicators()
    if n_indicators is not None:
        if not 1 <= n_indicators <= len(catalogue):
            raise ValueError(f"n_indicators must be between 1 and {len(catalogue)}, not {n_indicators}")
        catalogue = catalogue.head(n_indicators).reset_index(drop=True)
    return catalogue


def write_benchmark_snapshot(data_dir: Path | str, scale: int = 1, limit: int | None = None,
                             n_years: int = N_YEARS, n_indicators: int | None = None
                             ) -> tuple[store.Snapshot, pd.DataFrame]:
    """Generate the dataset and write it with kpi.store.write_snapshot; returns (snapshot, communes).

    The facts go to the writer as an Arrow table whose string columns stay dictionary-encoded (the
    categoricals of build_facts, converted without copying the figures): about 60 bytes a fact
    instead of the ~500 of a DataFrame of plain strings normalised and sorted (12,8 GB at 24M)."""
    commune_frame = communes(scale, limit)
    catalogue = benchmark_catalogue(n_indicators)
    facts = pa.Table.from_pandas(build_facts(commune_frame, catalogue, n_years), preserve_index=False)
    snapshot = store.write_snapshot(
        facts, units_with_communes(commune_frame), catalogue, created_by="benchmarks/commune_data.py",
        note=f"Benchmark: {len(commune_frame)} reporting units x {len(catalogue)} indicators x {n_years} years x 3 periods",
        sources=[{"file": "benchmarks/commune_data.py", "seed": SEED, "scale": scale, "indicators": len(catalogue)}],
        data_dir=data_dir)
    return snapshot, commune_frame


def load_communes(snapshot: store.Snapshot) -> pd.DataFrame:
    """The commune frame of a benchmark snapshot, from its units table (for the atom map)."""
    units = store.read_table(snapshot, "units")
    rows = units[units["level"] == "commune"]
    return pd.DataFrame({"unit": rows["unit"].to_numpy(), "province": rows["parent"].to_numpy(),
                         "region": rows["region"].to_numpy()})


# --- the same questions in plain pandas over the whole frame (a typical Streamlit app) --------

def commune_map(commune_frame: pd.DataFrame) -> pd.DataFrame:
    """commune -> province and region, as a typical app keeps it beside the facts."""
    return commune_frame[["unit", "province", "region"]].rename(columns={"unit": "commune"})


def pandas_figures(facts: pd.DataFrame, communes_map: pd.DataFrame, catalogue: pd.DataFrame,
                   targets: list[str], periods: list[str], indicator_codes: list[str]) -> pd.DataFrame:
    """Filter the whole frame, merge with the commune map, group-by sum, ratio of sums, then
    achievement of plan and change on the same period last year."""
    previous = {p: parse_period(p).same_period_last_year().code for p in periods}
    wanted = sorted(set(periods) | set(previous.values()))
    rows = facts[facts["period"].isin(wanted) & facts["indicator"].isin(indicator_codes)]
    merged = rows.merge(communes_map, left_on="unit", right_on="commune", how="inner")
    value_cols = ["actual", "plan", "numerator", "denominator"]
    parts = []
    for level in ("province", "region"):
        chosen = merged[merged[level].isin(targets)]
        if len(chosen):
            parts.append(chosen.groupby([level, "period", "indicator"], observed=True)[value_cols]
                         .sum(min_count=1).reset_index().rename(columns={level: "unit"}))
    if NATION in targets:
        parts.append(merged.groupby(["period", "indicator"], observed=True)[value_cols]
                     .sum(min_count=1).reset_index().assign(unit=NATION))
    sums = pd.concat(parts, ignore_index=True)
    sums["period"] = sums["period"].astype(str)
    sums["indicator"] = sums["indicator"].astype(str)
    meta = catalogue.set_index("code")[["aggregation", "direction"]]
    sums = sums.join(meta, on="indicator")
    is_ratio = sums["aggregation"] == "ratio"
    sums["actual"] = sums["actual"].where(~is_ratio, sums["numerator"] / sums["denominator"] * 100)
    sums["plan"] = sums["plan"].where(~is_ratio)
    # 'aggregation = none' (a base rate in đồng/tháng): no honest sum over communes, as kpi.formulas
    no_sum = sums["aggregation"] == "none"
    sums.loc[no_sum, ["actual", "plan"]] = np.nan
    current = sums[sums["period"].isin(periods)].copy()
    prev = sums[["unit", "period", "indicator", "actual"]].rename(columns={"actual": "previous", "period": "prev_period"})
    current["prev_period"] = current["period"].map(previous)
    current = current.merge(prev, on=["unit", "prev_period", "indicator"], how="left")
    current["achievement_pct"] = np.where(current["direction"] < 0, current["plan"] / current["actual"],
                                          current["actual"] / current["plan"]) * 100
    current["change_pct"] = (current["actual"] / current["previous"] - 1) * 100
    return current.drop(columns=["prev_period"])
