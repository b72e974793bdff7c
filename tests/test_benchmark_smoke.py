"""The benchmark's commune-scale generator at a tiny size: provinces and the nation are the sums
of their communes through the custom atom map, and DuckDB agrees with the plain pandas answer."""
from __future__ import annotations

import commune_data  # benchmarks/ is on pytest's pythonpath (pytest.ini)
import numpy as np
import pandas as pd
import pytest

from kpi import figures
from kpi.store import database

pytestmark = pytest.mark.query


def test_tiny_dataset_aggregates_match_pandas(tmp_path):
    snapshot, communes = commune_data.write_benchmark_snapshot(tmp_path, limit=50, n_years=2)
    assert snapshot.manifest["counts"]["facts"] == 50 * len(figures_catalogue()) * 2 * 3

    unit_atoms, target_cover = commune_data.atom_map(communes)
    per_province = communes["province"].value_counts()
    cover = target_cover[target_cover["generation"] == 34].set_index("target")["n_atoms"]
    assert cover["VN"] == 50
    assert all(cover[p] == n for p, n in per_province.items())

    database.load(snapshot, atom_map=(unit_atoms, target_cover))  # before any other query loads it
    catalogue = figures.indicators(snapshot)
    province = per_province.index[0]
    got = figures.figures(snapshot, [province, "VN"], ["2017"], ["jobs_created", "poor_household_rate"])
    got = got.set_index(["unit", "indicator"])

    # independent answer straight from the Parquet file
    facts = pd.read_parquet(snapshot.path / "facts.parquet")
    year = facts[facts["period"] == "2017"]
    in_province = year["unit"].isin(communes.loc[communes["province"] == province, "unit"])
    jobs = year[in_province & (year["indicator"] == "jobs_created")]
    assert got.loc[(province, "jobs_created"), "actual"] == jobs["actual"].sum()
    assert got.loc[(province, "jobs_created"), "plan"] == jobs["plan"].sum()
    poor = year[year["indicator"] == "poor_household_rate"]
    expected_rate = poor["numerator"].sum() / poor["denominator"].sum() * 100
    assert np.isclose(got.loc[("VN", "poor_household_rate"), "actual"], expected_rate, rtol=1e-12)
    assert bool(got.loc[("VN", "poor_household_rate"), "complete"])

    # the benchmark's pandas path answers the same
    plain = commune_data.pandas_figures(facts, commune_data.commune_map(communes), catalogue, [province, "VN"],
                                        ["2017"], ["jobs_created", "poor_household_rate"])
    plain = plain.set_index(["unit", "indicator"]).loc[got.index]
    assert np.allclose(plain["actual"], got["actual"], rtol=1e-12)
    assert np.allclose(plain["change_pct"], got["change_pct"], rtol=1e-9, equal_nan=True)


def test_generated_figures_are_plausible():
    communes = commune_data.communes(limit=20)
    facts = commune_data.build_facts(communes, figures_catalogue(), n_years=2)
    rates = facts[facts["denominator"].notna()]
    assert (rates["numerator"] <= rates["denominator"]).all()
    assert np.allclose(rates["actual"], rates["numerator"] / rates["denominator"] * 100)
    jobs = facts[facts["indicator"] == "jobs_created"].pivot_table(index=["unit"], columns="period", values="actual",
                                                                   observed=True)
    # cumulative from January: 6 months <= 9 months <= the whole year, for the sum over communes
    assert jobs["2016-M06"].sum() < jobs["2016-M09"].sum() < jobs["2016"].sum()


def figures_catalogue() -> pd.DataFrame:
    from kpi.store.indicators import load_indicators

    return load_indicators()
