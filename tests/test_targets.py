"""Targets as resolutions write them (DESIGN 4.1) and progress within the year: the rules, the
import of a plan in words, the whole-year plan reaching 3-, 6- and 9-month periods, and the
machine output of `python -m kpi facts`."""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import math

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import run_page
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kpi import formulas, store
from kpi.cli import main as cli_main
from kpi.figures import figures
from kpi.importing.merge import import_file, prepare_import
from kpi.importing.targets import KIND_CHOICES, parse_kind, split_phrase
from kpi.importing.template import build_template
from kpi.text import fmt
from kpi.text.figure_text import plan_text

nan = float("nan")

HEADER = "unit,period,indicator,actual,plan,plan_kind,plan_high\n"


def _import(folder, text: str, name: str = "kh.csv"):
    path = folder / name
    path.write_text(HEADER + text, encoding="utf-8")
    report, snapshot = import_file(path, data_dir=folder, accept_warnings=True, decimal=",")  # Vietnamese: 18.382, 3,34
    assert snapshot is not None, [i.text() for i in report.errors]
    return report, snapshot


def _facts(folder, unit: str, period: str) -> dict[str, dict]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert cli_main(["--data-dir", str(folder), "facts", "--unit", unit, "--period", period, "--format", "json"]) == 0
    return {row["indicator"]: row for row in json.loads(buffer.getvalue())}


# --------------------------------------------------------------------------- the rules (unit)

# (actual, plan, kind, plan_high, baseline, direction) -> (status, achievement %)
RULES = [
    ((18382, 18000, "level", nan, nan, 1), ("exceeded", 102.122)),   # Bến Tre 2020, jobs
    ((3.34, 3.34, "level", nan, nan, -1), ("met", 100.0)),           # urban unemployment = plan
    ((3.6, 4, "", nan, nan, -1), ("exceeded", 111.111)),             # poor households below plan
    ((3.0, 3, "below", nan, nan, -1), ("below", 100.0)),             # "dưới 3%": 3,0% is not below 3%
    ((2.9, 3, "below", nan, nan, -1), ("met", 103.448)),
    ((75, 75, "min", nan, nan, 1), ("met", 100.0)),                  # "từ 75% trở lên"
    ((76, 75, "min", nan, nan, 1), ("exceeded", 101.333)),
    ((74, 75, "min", nan, nan, 1), ("below", 98.667)),
    ((3, 3, "max", nan, nan, -1), ("met", 100.0)),                   # "không quá 3%"
    ((3.1, 3, "max", nan, nan, -1), ("below", 96.774)),
    ((96, 95, "above", nan, nan, 1), ("met", 101.053)),              # "trên 95%"
    ((95, 95, "above", nan, nan, 1), ("below", 100.0)),
    ((61, 60, "range", 62, nan, 1), ("met", 101.667)),               # "từ 60 đến 62%"
    ((63, 60, "range", 62, nan, 1), ("exceeded", 105.0)),
    ((59, 60, "range", 62, nan, 1), ("below", 98.333)),
    ((0.52, 0.28, "reduce_pp", nan, 0.8, -1), ("met", 100.0)),       # Cần Thơ: 0,8% -> 0,52%
    ((0.52, 0.78, "reduce_pp", nan, 1.12, -1), ("below", 76.923)),   # 0,6 of 0,78 points
    ((2.0, 1, "reduce_pp", 1.5, 3.2, -1), ("met", 120.0)),           # "giảm 1-1,5 điểm %"
    ((1.4, 1, "reduce_pp", 1.5, 3.2, -1), ("exceeded", 180.0)),
    ((90, 10, "reduce_pct", nan, 100, -1), ("met", 100.0)),          # "giảm 10% so với cùng kỳ"
    ((114, 14, "increase_pct", nan, 100, 1), ("met", 100.0)),        # "tăng 14% so với cùng kỳ"
    ((110, 14, "increase_pct", nan, 100, 1), ("below", 71.429)),
    ((2.0, 1, "reduce_pp", 1.5, nan, -1), ("", nan)),                # no baseline: missing, never zero
]


@pytest.mark.unit
@pytest.mark.parametrize("inputs, expected", RULES)
def test_every_plan_kind_follows_design_4_1(inputs, expected):
    actual, plan, kind, high, baseline, direction = inputs
    out = formulas.target_arrays(np.array([actual]), np.array([plan]), np.array([kind], dtype=object),
                                 np.array([high]), np.array([baseline]), np.array([direction]))
    status, achievement = expected
    assert out["status"][0] == status
    if math.isnan(achievement):
        assert math.isnan(out["achievement_pct"][0])
    else:
        assert round(out["achievement_pct"][0], 3) == achievement


@pytest.mark.unit
def test_level_plans_agree_with_the_rules_of_section_4():
    rng = np.random.default_rng(7)
    actual, plan = rng.uniform(0, 100, 500), rng.uniform(0.1, 100, 500)
    plan[::7] = actual[::7]  # exact ties
    direction = rng.choice([-1, 1], 500)
    out = formulas.target_arrays(actual, plan, np.full(500, None, dtype=object), nan, nan, direction)
    assert list(out["status"]) == list(formulas.status_array(actual, plan, direction))
    np.testing.assert_array_equal(out["achievement_pct"], formulas.achievement_array(actual, plan, direction))


@pytest.mark.unit
def test_progress_within_the_year_uses_the_units_own_pace_then_months():
    share = formulas.expected_share_arrays([9, 9, 6], [13000, nan, 9000], [18382, 18000, 8000])
    assert share["share_basis"].tolist() == ["profile", "months", "months"]  # 9000/8000 is not a share
    assert share["expected_share"][0] == pytest.approx(13000 / 18382) and share["expected_share"][1] == 0.75
    # 52.271 jobs at 9 months: 75% of an annual plan of 69.695 -> on schedule, not below
    progress = formulas.progress_arrays([52271, 40000, 60000, 52271], [69695, 69695, 69695, 69695],
                                        [None, None, None, "max"], [1, 1, 1, 1], [0.75] * 4, [True] * 4)
    assert progress["progress_status"].tolist() == ["on_schedule", "behind", "ahead", ""]
    verdict = formulas.verdict_array(["below"] * 3, [52271, 40000, 60000], True, True, 1, progress["progress_status"][:3])
    assert verdict.tolist() == ["on_schedule", "behind", "ahead"]


@pytest.mark.unit
@given(kind=st.sampled_from([k for k in formulas.PLAN_KINDS if k != formulas.LEVEL]),
       plan=st.decimals(min_value="0.01", max_value="99", places=2),
       width=st.decimals(min_value="0.01", max_value="20", places=2))
def test_a_written_target_reads_back_as_the_same_target(kind, plan, width):
    """plan_text writes what split_phrase reads: the surfaces and the importer speak one language."""
    high = float(plan + width) if kind == formulas.RANGE or (kind == formulas.REDUCE_PP and width > 5) else nan
    text = plan_text(float(plan), kind, high, "%", 2)
    read_kind, plan_cell, high_cell, error = split_phrase(text)
    assert error is None and read_kind == kind, text
    assert float(plan_cell.rstrip("%").replace(".", "").replace(",", ".")) == float(plan)
    if not math.isnan(high):
        assert float(high_cell.rstrip("%").replace(".", "").replace(",", ".")) == pytest.approx(high)


@pytest.mark.unit
def test_the_templates_choices_are_read_as_their_kinds():
    for kind, choice in KIND_CHOICES.items():
        assert parse_kind(choice) == kind
        assert parse_kind(kind) == kind
    assert parse_kind("giảm mạnh") is None


# --------------------------------------------------------------------------- import and facts (query)

@pytest.mark.query
def test_targets_import_as_written_and_come_back_from_kpi_facts(tmp_path):
    _import(tmp_path, "\n".join([
        "Bến Tre,2020,jobs_created,18.382,18.000,,",
        'Bến Tre,2020,urban_unemployment_rate,"3,34",dưới 3%,,',
        'Bến Tre,2020,trained_labour_rate,"60,6",60,từ … trở lên,',
        'Bến Tre,2020,certified_labour_rate,"30,95","từ 30 đến 32%",,',
        'Bến Tre,2019,poor_household_rate,"4,38",,,',
        'Bến Tre,2020,poor_household_rate,"3,6","giảm 0,78 điểm %",,',
    ]) + "\n")
    facts = _facts(tmp_path, "Bến Tre", "2020")
    jobs, unemployment = facts["jobs_created"], facts["urban_unemployment_rate"]
    assert (jobs["plan"], jobs["plan_kind"], jobs["plan_text"], jobs["status"]) == (18000, "level", "18.000 người", "exceeded")
    assert round(jobs["achievement_pct"], 1) == 102.1
    # "dưới 3%" typed as words: 3,34% is not below 3%
    assert (unemployment["plan"], unemployment["plan_kind"], unemployment["plan_text"]) == (3, "below", "dưới 3%")
    assert unemployment["status"] == "below"
    trained = facts["trained_labour_rate"]
    assert (trained["plan_kind"], trained["plan_text"], trained["status"]) == ("min", "từ 60% trở lên", "exceeded")
    certified = facts["certified_labour_rate"]
    assert (certified["plan"], certified["plan_high"], certified["plan_kind"]) == (30, 32, "range")
    assert certified["plan_text"] == "từ 30% đến 32%" and certified["status"] == "met"
    poverty = facts["poor_household_rate"]
    assert (poverty["plan_kind"], poverty["baseline"], poverty["plan_text"]) == ("reduce_pp", 4.38, "giảm 0,78 điểm %")
    assert poverty["status"] == "met" and round(poverty["achievement_pct"], 1) == 100.0  # 4,38 − 3,6 = 0,78


@pytest.mark.query
@pytest.mark.parametrize("row, column, words", [
    ('Bến Tre,2020,poor_household_rate,"3,6","giảm 0,78%",,', "plan", "điểm %"),     # points or relative?
    ("Bến Tre,2020,jobs_created,18382,18000,giảm mạnh,", "plan_kind", "không phải loại kế hoạch"),
    ('Bến Tre,2020,trained_labour_rate,"60,6",60,từ … đến …,', "plan_high", "mức trên"),
    ('Bến Tre,2020,trained_labour_rate,"60,6",62,range,60', "plan_high", "nhỏ hơn"),
    ('Bến Tre,2020,trained_labour_rate,"60,6",60,dưới,62', "plan_high", "chỉ dùng cho khoảng"),
    ('Bến Tre,2020,trained_labour_rate,"60,6",,dưới,', "plan", "Kế hoạch trống"),
    ('Bến Tre,2020,trained_labour_rate,"60,6",hơn sáu mươi,,', "plan", "không đọc được"),
    ('Bến Tre,2020,trained_labour_rate,"60,6",dưới 3%,min,', "plan", "không khớp"),
])
def test_a_target_that_cannot_be_read_is_an_error_naming_file_row_and_column(tmp_path, row, column, words):
    (tmp_path / "kh.csv").write_text(HEADER + row + "\n", encoding="utf-8")
    report = prepare_import([("kh.csv", (tmp_path / "kh.csv").read_bytes())], data_dir=tmp_path)
    assert not report.ok
    found = [(i.file, i.row, i.column, i.message()) for i in report.errors]
    assert any(f == "kh.csv" and r == 2 and c == column and words in m for f, r, c, m in found), found
    assert store.list_snapshots(tmp_path) == []


@pytest.mark.query
def test_a_whole_year_plan_reaches_every_cumulative_period_and_is_judged_on_pace(tmp_path):
    _import(tmp_path, "\n".join([
        "Bến Tre,2020-M09,jobs_created,13.000,,,",
        "Bến Tre,2020,jobs_created,18.382,18.000,,",
        "Bến Tre,2021,jobs_created,,18.500,,",
        "Bến Tre,2021-M09,jobs_created,13.700,,,",
        "Bến Tre,2021-M06,jobs_created,7.000,,,",
        "Bến Tre,2021-M03,workers_abroad,100,,,",
        "Bến Tre,2021,workers_abroad,,1.000,,",
    ]) + "\n")
    nine = _facts(tmp_path, "Bến Tre", "2021-M09")["jobs_created"]
    assert nine["plan"] == 18500 and nine["status"] == "below"  # machine status: against the whole year
    assert nine["expected_share"] == pytest.approx(13000 / 18382)  # the unit's own pace last year
    assert nine["progress_status"] == "on_schedule"  # 13.700 against 18.500 × 70,7% = 13.083 (+4,7%)
    six = _facts(tmp_path, "Bến Tre", "2021-M06")["jobs_created"]
    assert six["plan"] == 18500 and six["expected_share"] == 0.5  # no 6-month figure last year: months / 12
    assert six["progress_status"] == "behind"  # 7.000 < 95% of 9.250
    three = _facts(tmp_path, "Bến Tre", "2021-M03")["workers_abroad"]
    assert three["plan"] == 1000 and three["progress_status"] == "behind"  # 100 of 250 expected
    frame = figures(store.get_snapshot(None, tmp_path), ["VN63-83"], ["2021-M06"], ["jobs_created"])
    assert frame.loc[0, "verdict"] == "behind" and frame.loc[0, "share_basis"] == "months"


@pytest.mark.query
def test_only_level_plans_of_counts_add_up_over_units(tmp_path):
    rows = [f"{code},2020,jobs_created,100,{plan},{kind},"
            for code, plan, kind in (("83", "90", ""), ("86", "90", "min"))]
    _import(tmp_path, "\n".join(rows) + "\n")
    snapshot = store.get_snapshot(None, tmp_path)
    units = store.read_table(snapshot, "units")
    region = units.loc[units["unit"] == "VN63-83", "region"].iloc[0]
    frame = figures(snapshot, [region], ["2020"], ["jobs_created"])
    assert math.isnan(frame.loc[0, "plan"])  # a 'from … upwards' plan is no part of a summed plan


@pytest.mark.query
def test_a_snapshot_written_before_plan_kinds_loads_with_level_plans(tmp_path):
    _import(tmp_path, "Bến Tre,2020,jobs_created,18382,18000,,\nBến Tre,2020-M06,jobs_created,9000,,,\n")
    snapshot = store.get_snapshot(None, tmp_path)
    path = snapshot.path / "facts.parquet"
    legacy = pq.read_table(path).drop_columns(["plan_kind", "plan_high"])
    pq.write_table(legacy, path)
    manifest_path = snapshot.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["facts.parquet"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    assert pq.read_schema(path).get_field_index("plan_kind") == -1
    again = store.get_snapshot(None, tmp_path)  # never loaded before: read from the legacy file
    frame = figures(again, ["VN63-83"], ["2020", "2020-M06"], ["jobs_created"])
    assert frame["plan"].tolist() == [18000, 18000] and frame["plan_kind"].tolist() == ["level", "level"]
    assert list(store.read_table(again, "facts").columns) == store.FACT_COLUMNS


@pytest.mark.query
def test_the_template_offers_the_plan_kinds_and_a_filled_one_imports(tmp_path):
    book = load_workbook(io.BytesIO(build_template()))
    sheet = book["Số liệu"]
    headers = [c.value for c in sheet[1]]
    assert "Loại kế hoạch" in headers and "Kế hoạch mức trên" in headers
    choices = [c.value for c in book["Danh mục"]["M"][1:] if c.value]
    assert choices == list(KIND_CHOICES.values()) and "giảm … điểm %" in choices
    formulas_ = [v.formula1 for v in sheet.data_validations.dataValidation]
    assert any("$M$2" in (f or "") for f in formulas_)
    column = {h: i + 1 for i, h in enumerate(headers)}
    for name, value in (("Đơn vị", "Bến Tre"), ("Kỳ báo cáo", "2020"), ("Chỉ tiêu", "urban_unemployment_rate"),
                        ("Thực hiện", 3.34), ("Kế hoạch năm", 3), ("Loại kế hoạch", "dưới")):
        sheet.cell(row=2, column=column[name], value=value)
    buffer = io.BytesIO()
    book.save(buffer)
    (tmp_path / "mau.xlsx").write_bytes(buffer.getvalue())
    import_file(tmp_path / "mau.xlsx", data_dir=tmp_path)
    facts = _facts(tmp_path, "Bến Tre", "2020")["urban_unemployment_rate"]
    assert (facts["plan_kind"], facts["plan_text"], facts["status"]) == ("below", "dưới 3%", "below")


@pytest.mark.unit
def test_plan_text_writes_targets_as_a_resolution_does():
    assert plan_text(3, "below", nan, "%", 2) == "dưới 3%"
    assert plan_text(0.78, "reduce_pp", nan, "%", 2) == "giảm 0,78 điểm %"
    assert plan_text(1, "reduce_pp", 1.5, "%", 2) == "giảm 1-1,5 điểm %"
    assert plan_text(14, "increase_pct", nan, "người", 0) == "tăng 14% so với cùng kỳ"
    assert plan_text(75, "min", nan, "%", 1) == "từ 75% trở lên"
    assert plan_text(18000, None, nan, "người", 0, with_unit=True) == "18.000 người"
    assert plan_text(3, "below", nan, "%", 2, "en") == "below 3%"
    assert plan_text(nan, "below", nan, "%", 2) == "–"


@pytest.mark.page
@pytest.mark.parametrize("page", [None, "pages/compare.py", "pages/trends.py", "domain:employment",
                                  "pages/present.py", "pages/ranking.py", "pages/data.py"])
def test_a_snapshot_of_plans_only_shows_every_page_without_an_error(tmp_path, page):
    """Plans typed before any actual (the year's targets, imported in January): nothing to show yet."""
    _import(tmp_path, "Vĩnh Long,2027,jobs_created,,20.000,,\n")
    at = run_page(page, tmp_path)
    assert not at.exception, [e.value for e in at.exception]
    if page != "pages/data.py":
        assert any("chưa có số liệu thực hiện" in i.value for i in at.info), [i.value for i in at.info]


@pytest.mark.unit
def test_a_change_that_rounds_to_zero_is_written_without_a_sign():
    """−0,004 points is printed '±0,00 điểm %', never '−0,00' beside a rate that did not move."""
    assert fmt.signed_points(-0.004) == "±0,00 điểm %" and fmt.signed_points(-0.006) == "−0,01 điểm %"
    assert fmt.signed_percent(0.04) == "±0,0%" and fmt.signed_percent(-0.05, 1) in ("−0,1%", "±0,0%")


@pytest.mark.unit
def test_a_rate_mid_year_is_judged_on_the_path_from_last_years_end_to_the_target():
    # poverty 4,5% at the end of last year, target 4% ("còn 4%"): at 9 months the path is at 4,125%
    path = formulas.rate_path_arrays([4.1, 4.2, 4.1, 60.0], [4, 4, 4, 62], [None, None, None, "min"], [-1, -1, -1, 1],
                                     [9, 9, 9, 6], [4.5, 4.5, nan, 58.0], [True, True, True, True])
    assert path["progress_status"].tolist() == ["on_schedule", "behind", "", "on_schedule"]
    assert path["expected"][0] == pytest.approx(4.125) and path["expected"][3] == pytest.approx(60.0)


@pytest.mark.query
def test_a_rate_short_of_its_annual_target_at_nine_months_is_not_painted_as_failing(tmp_path):
    _import(tmp_path, "\n".join([
        'Bến Tre,2020,poor_household_rate,"4,5",,,',
        'Bến Tre,2021,poor_household_rate,,4,,',
        'Bến Tre,2021-M09,poor_household_rate,"4,1",,,',
        'Bến Tre,2021-M06,urban_unemployment_rate,"3,4",dưới 3%,,',
    ]) + "\n")
    snapshot = store.get_snapshot(None, tmp_path)
    frame = figures(snapshot, ["VN63-83"], ["2021-M09"], ["poor_household_rate"])
    row = frame.iloc[0]
    assert row["status"] == "below" and row["verdict"] == "on_schedule" and row["share_basis"] == "path"
    assert row["expected"] == pytest.approx(4.125)
    # no year-end figure last year: no path, compared with the target as it stands
    other = figures(snapshot, ["VN63-83"], ["2021-M06"], ["urban_unemployment_rate"]).iloc[0]
    assert other["verdict"] == "below"


@pytest.mark.unit
def test_empty_plan_kinds_read_as_level_whatever_marks_them_empty():
    kinds = np.array(["min", None, "", float("nan"), pd.NA, "range"], dtype=object)
    assert list(formulas.plan_kinds(kinds)) == ["min", "level", "level", "level", "level", "range"]
    assert list(formulas.plan_kinds(pd.Series(["max", None, pd.NA], dtype="string"))) == ["max", "level", "level"]
    assert list(formulas.plan_kinds("below", (2,))) == ["below", "below"]
