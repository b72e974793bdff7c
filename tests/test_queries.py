"""Named queries on a small fixture snapshot: provinces, regions, the nation, both geographies."""
import math

import pandas as pd
import pytest

from kpi import store
from kpi.figures import figures
from kpi.store import queries
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

# Cần Thơ (92), Hậu Giang (93), Sóc Trăng (94) became the new Cần Thơ (VN34-92) on 1 July 2025.
ROWS = [
    # indicator, unit, period, actual, plan, numerator, denominator
    ("jobs_created", "VN63-92", "2023", 30000, 29000, None, None),
    ("jobs_created", "VN63-93", "2023", 12000, 12500, None, None),
    ("jobs_created", "VN63-94", "2023", 20000, 19000, None, None),
    ("jobs_created", "VN63-92", "2022", 28000, None, None, None),
    ("jobs_created", "VN63-93", "2022", 11000, None, None, None),
    ("jobs_created", "VN63-94", "2022", 21000, None, None, None),
    ("jobs_created", "VN34-92", "2025", 66000, 64000, None, None),
    ("jobs_created", "VN-01", "2023", 160000, 150000, None, None),
    ("poor_household_rate", "VN63-92", "2023", 0.5, 0.6, 1000, 200000),
    ("poor_household_rate", "VN63-93", "2023", 4.0, 4.5, 4000, 100000),
    ("poor_household_rate", "VN63-94", "2023", 6.0, 5.0, 9000, 150000),
    ("trained_labour_rate", "VN63-92", "2023", 70.0, 69.0, None, None),
    ("trained_labour_rate", "VN63-93", "2023", 60.0, 61.0, 300000, 500000),
    ("trained_labour_rate", "VN63-94", "2023", 55.0, 55.0, 330000, 600000),
]


@pytest.fixture(scope="module")
def fixture_snapshot(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixture")
    facts = pd.DataFrame(ROWS, columns=["indicator", "unit", "period", "actual", "plan", "numerator", "denominator"])
    facts["source"] = "fixture"
    facts["note"] = None
    return store.write_snapshot(facts, build_units(), load_indicators(), created_by="test", data_dir=folder)


def _one(frame, unit, period, indicator):
    rows = frame[(frame.unit == unit) & (frame.period == period) & (frame.indicator == indicator)]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.unit
def test_every_query_file_is_loadable():
    assert {"facts_aggregate", "periods_available", "units_all", "indicators_all"} <= set(queries.names())


@pytest.mark.query
def test_single_province_keeps_its_figures(fixture_snapshot):
    frame = figures(fixture_snapshot, ["VN63-92"], ["2023"], ["jobs_created", "poor_household_rate"])
    jobs = _one(frame, "VN63-92", "2023", "jobs_created")
    assert jobs.actual == 30000 and jobs.plan == 29000 and jobs.status == "exceeded"
    assert jobs.change_pct == pytest.approx((30000 / 28000 - 1) * 100)
    assert _one(frame, "VN63-92", "2023", "poor_household_rate").status == "exceeded"


@pytest.mark.query
def test_new_province_re_expressed_before_merger(fixture_snapshot):
    frame = figures(fixture_snapshot, ["VN34-92"], ["2023", "2025"], ["jobs_created", "poor_household_rate",
                                                                      "trained_labour_rate"])
    jobs = _one(frame, "VN34-92", "2023", "jobs_created")
    assert jobs.actual == 62000 and jobs.plan == 60500 and jobs.complete and jobs.n_atoms == 3
    poor = _one(frame, "VN34-92", "2023", "poor_household_rate")
    assert poor.actual == pytest.approx(14000 / 450000 * 100)
    assert math.isnan(poor.plan)  # no honest aggregate of the parts' planned rates
    trained = _one(frame, "VN34-92", "2023", "trained_labour_rate")
    assert math.isnan(trained.actual) and not trained.comparable  # Cần Thơ lacks numerator/denominator
    after = _one(frame, "VN34-92", "2025", "jobs_created")
    assert after.actual == 66000 and after.n_atoms == 1
    assert math.isnan(after.previous)  # 2024 is absent from the fixture: missing, not zero


@pytest.mark.query
def test_former_province_after_merger_is_not_comparable(fixture_snapshot):
    frame = figures(fixture_snapshot, ["VN63-92"], ["2025"], ["jobs_created"])
    row = _one(frame, "VN63-92", "2025", "jobs_created")
    assert not row.comparable and math.isnan(row.actual)


@pytest.mark.query
def test_region_and_nation_are_incomplete_when_parts_are_missing(fixture_snapshot):
    frame = figures(fixture_snapshot, ["R63-MRD", "VN"], ["2023"], ["jobs_created"])
    region = _one(frame, "R63-MRD", "2023", "jobs_created")
    assert region.actual == 62000 and not region.complete and region.n_actual == 3 and region.n_atoms == 13
    assert math.isnan(region.achievement_pct)  # a partial sum is never compared with a plan
    nation = _one(frame, "VN", "2023", "jobs_created")
    assert nation.actual == 222000 and nation.n_atoms == 63 and not nation.complete


@pytest.mark.query
def test_missing_figure_is_missing_not_zero(fixture_snapshot):
    frame = figures(fixture_snapshot, ["VN-01"], ["2023"], ["workers_abroad"])
    row = _one(frame, "VN-01", "2023", "workers_abroad")
    assert math.isnan(row.actual) and not row.complete and row.status == ""
