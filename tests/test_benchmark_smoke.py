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


def test_every_peer_of_the_query_benchmark_gives_the_projects_answers(tmp_path):
    """bench_queries.py times the project against fair peers only after checking their answers; here
    at a tiny size, over years that cross the 2021 change of the poverty standard (last year's
    figure is then not comparable) and with the whole catalogue (counts, rates, 'none')."""
    import bench_queries
    import query_peers

    from kpi.store import lookup

    snapshot, communes = commune_data.write_benchmark_snapshot(tmp_path, limit=40, n_years=6)
    unit_atoms, target_cover = commune_data.atom_map(communes)
    database.load(snapshot, atom_map=(unit_atoms, target_cover))
    catalogue = figures.indicators(snapshot)
    periods = sorted(figures.available_periods(snapshot), key=lambda p: (p[:4], len(p) == 4, p))
    targets = sorted(set(communes["province"]) | set(communes["region"]) | {"VN"})
    meta = query_peers.metadata(snapshot, target_cover, targets, periods)
    assert not meta.comparable["comparable"].all()  # the poverty standard's break is in the data
    sums = queries_run_sums(snapshot)
    facts_path = snapshot.path / "facts.parquet"
    duck = query_peers.DuckDBParquet(facts_path, unit_atoms, meta)
    peers = {"pandas_sums": query_peers.PandasSums(sums, meta), "polars_sums": query_peers.PolarsSums(sums, meta),
             "polars_raw": query_peers.PolarsRaw(facts_path, unit_atoms, meta), "duckdb_parquet": duck}
    codes = list(catalogue["code"])
    checked = 0
    try:
        for i in range(12):
            for page, (who, when, which) in bench_queries.questions(communes, catalogue, periods, i).items():
                ours = figures.figures(snapshot, who, when, which or codes)
                assert len(ours) > 0
                for name, peer in peers.items():
                    result = query_peers.agree(ours, peer(who, when, which or codes))
                    assert result["ok"], (name, page, i, result)
                    checked += 1
                # the query the lookup replaced answers the same sums
                sql = lookup.query_parts(snapshot, who, bench_queries._wanted(when), which or codes)
                grid = lookup.grid(snapshot, who, bench_queries._wanted(when), which or codes).parts
                assert np.array_equal(sql["sum_actual"], grid["sum_actual"], equal_nan=True)
    finally:
        duck.close()
    assert checked == 12 * 3 * 4
    # and agreement can fail: a wrong figure is caught
    ours = figures.figures(snapshot, targets[:3], periods[-1:], codes)
    wrong = ours.assign(actual=ours["actual"] * 1.001)
    assert not query_peers.agree(ours, wrong)["ok"]


def queries_run_sums(snapshot) -> pd.DataFrame:
    from kpi.store import queries

    return queries.run("lookup_sums", snapshot)
