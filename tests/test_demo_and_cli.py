"""The demo snapshot and the command line, end to end."""
import csv
import io
import subprocess
import sys

import pandas as pd
import pytest

from kpi import store
from kpi.demo.provinces import PUBLISHED, build_demo_facts
from kpi.figures import figures
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

REPO = __import__("pathlib").Path(__file__).resolve().parent.parent


def cli(*args, data_dir):
    return subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.unit
def test_demo_is_deterministic():
    first = build_demo_facts(build_units(), load_indicators())
    second = build_demo_facts(build_units(), load_indicators())
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.query
def test_demo_holds_published_figures(demo_snapshot):
    facts = store.read_table(demo_snapshot, "facts").set_index(["unit", "period", "indicator"])
    for (unit, period, code), (actual, plan, source, _note) in PUBLISHED.items():
        row = facts.loc[(unit, period, code)]
        assert round(row["actual"], 2) == actual  # as printed (90,36% is 75 / 83 communes)
        # the report's plan, or none: a real figure never meets an invented plan
        assert row["plan"] == plan if plan is not None else pd.isna(row["plan"])
        if plan is None:  # nor through the whole-year plan a cumulative period is measured against
            assert pd.isna(facts.loc[(unit, period[:4], code), "plan"])
        assert row["source"] == source
    generated = facts[~facts["source"].isin({v[2] for v in PUBLISHED.values()})]
    assert generated["source"].str.contains("minh họa").all()


@pytest.mark.query
def test_demo_is_plausible(demo_snapshot):
    provinces = store.read_table(demo_snapshot, "units").query("level == 'province' and generation in ['63', 'both']")
    frame = figures(demo_snapshot, list(provinces["unit"]), ["2016", "2024"],
                    ["jobs_created", "poor_household_rate", "trained_labour_rate"])
    jobs = frame[frame.indicator == "jobs_created"]["actual"]
    assert jobs.min() > 1000 and jobs.max() < 250000
    poor16 = frame[(frame.indicator == "poor_household_rate") & (frame.period == "2016")]["actual"]
    poor24 = frame[(frame.indicator == "poor_household_rate") & (frame.period == "2024")]["actual"]
    assert 0.2 < poor16.min() and poor16.max() < 25 and poor24.mean() < poor16.mean()
    trained = frame[frame.indicator == "trained_labour_rate"].pivot(index="unit", columns="period", values="actual")
    assert (trained["2024"] > trained["2016"]).all()
    # every rate carries numerator and denominator
    facts = store.read_table(demo_snapshot, "facts")
    rates = facts[facts.indicator.str.endswith("_rate") & facts.actual.notna()]
    assert rates.numerator.notna().all() and rates.denominator.notna().all()


@pytest.mark.query
def test_new_province_close_to_sum_of_predecessors(demo_snapshot):
    frame = figures(demo_snapshot, ["VN34-86"], ["2025-M09", "2024-M09"], ["jobs_created"])
    now = frame[frame.period == "2025-M09"].iloc[0]
    assert 0.8 < now.actual / now.previous < 1.25  # 2024-M09 is the sum of Vĩnh Long, Bến Tre, Trà Vinh


@pytest.mark.query
def test_cli_facts_ben_tre_2020(demo_dir):
    result = cli("facts", "--unit", "Bến Tre", "--period", "2020", "--format", "csv", data_dir=demo_dir)
    assert result.returncode == 0, result.stderr
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    jobs = rows["jobs_created"]
    assert float(jobs["actual"]) == 18382 and float(jobs["plan"]) == 18000
    assert float(jobs["achievement_pct"]) == pytest.approx(102.1222, abs=1e-4)
    assert jobs["status"] == "exceeded" and jobs["complete"] == "true"
    assert rows["urban_unemployment_rate"]["status"] == "met"
    assert rows["poor_household_rate"]["status"] == "exceeded"


@pytest.mark.query
def test_cli_facts_real_figures_without_a_plan_have_no_status(demo_dir):
    """Khánh Hòa's report gives 82% trained workers at 5 months of 2023 and no plan: no % of plan, no
    status (never 'vượt' against an invented plan), also through the plan of the whole year."""
    result = cli("facts", "--unit", "Khánh Hòa", "--period", "2023-M05", "--format", "csv", data_dir=demo_dir)
    assert result.returncode == 0, result.stderr
    rows = {r["indicator"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    trained = rows["trained_labour_rate"]
    assert float(trained["actual"]) == 82.0
    assert (trained["plan"], trained["achievement_pct"], trained["status"]) == ("", "", "")
    assert all(r["status"] == "" for r in rows.values())


@pytest.mark.query
def test_cli_facts_json_and_geography(demo_dir):
    result = cli("facts", "--unit", "Vĩnh Long", "--period", "2023", "--geography", "34", "--format", "json",
                 data_dir=demo_dir)
    assert result.returncode == 0, result.stderr
    import json
    rows = json.loads(result.stdout)
    assert rows[0]["unit"] == "VN34-86" and all(r["complete"] for r in rows if r["actual"] is not None)


@pytest.mark.query
@pytest.mark.parametrize("args, message", [
    (("facts", "--unit", "Bến Tre", "--period", "2025"), "Vĩnh Long"),
    (("facts", "--unit", "Ben Tee", "--period", "2020"), "Bến Tre"),
    (("facts", "--unit", "Bến Tre", "--period", "2020-M13"), "Kỳ báo cáo không hợp lệ"),
    (("facts", "--unit", "Bến Tre", "--period", "2010"), "không có trong bản dữ liệu"),
    (("facts", "--unit", "Bến Tre", "--period", "2020", "--snapshot", "nope"), "Không có bản dữ liệu"),
])
def test_cli_bad_input_exits_1(demo_dir, args, message):
    result = cli(*args, data_dir=demo_dir)
    assert result.returncode == 1
    assert message in result.stderr


@pytest.mark.unit
def test_cli_empty_data_dir(tmp_path):
    result = cli("facts", "--unit", "Bến Tre", "--period", "2020", data_dir=tmp_path)
    assert result.returncode == 1 and "python -m kpi demo" in result.stderr
    assert cli("snapshots", data_dir=tmp_path).returncode == 0


@pytest.mark.query
def test_cli_indicators_and_snapshots(demo_dir):
    result = cli("indicators", "--format", "csv", data_dir=demo_dir)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(load_indicators())
    assert {"code", "name_vi", "unit_of_measure", "direction", "aggregation", "responsible_agency"} <= set(rows[0])
    listed = cli("snapshots", "--format", "json", data_dir=demo_dir)
    assert listed.returncode == 0 and '"id"' in listed.stdout
