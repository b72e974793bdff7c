"""The indicator catalogue and the standards as data (data/catalogue/*.csv): every indicator well
formed and held by a department, the sector figures the reports quote present, the poverty
standards' breaks on a trend and in the comparability of a change (issue 10, items 4 and 5)."""
from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from kpi import cli, store
from kpi.charts import screen as charts
from kpi.paths import CATALOGUE_DIR
from kpi.screens.data import catalogue_table
from kpi.screens.trends import trend_screen
from kpi.store import standards
from kpi.store.indicators import DESCRIPTIVE_COLUMNS, departments, domains, load_indicators, with_descriptions
from kpi.units.table import build_units

VIETNAMESE_LETTERS = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]",
                                re.IGNORECASE)
# the sector figures the published reports quote that the catalogue could not hold (issue 10, item 4)
SECTOR_FIGURES = {
    "unemployment_insurance_beneficiaries": ("người", "sum"),
    "special_children_supported_rate": ("%", "ratio"),
    "social_assistance_coverage_rate": ("%", "ratio"),
    "merit_poor_households": ("hộ", "sum"),
    "vocational_classes": ("lớp", "sum"),
    "vocational_trained_labour_rate": ("%", "ratio"),
    "merit_housing_spending": ("tỷ đồng", "sum"),
    "labour_force": ("nghìn người", "sum"),
    "employment_share_agriculture": ("%", "ratio"),
    "employment_share_industry": ("%", "ratio"),
    "employment_share_services": ("%", "ratio"),
    "average_population": ("nghìn người", "sum"),
}
# codes the tests, the demo and the scorecards use: never renamed
STABLE_CODES = [
    "jobs_created", "workers_abroad", "urban_unemployment_rate", "vocational_enrolment", "trained_labour_rate",
    "certified_labour_rate", "rural_labour_trained", "poor_household_rate", "near_poor_household_rate",
    "ethnic_minority_poor_rate", "households_out_of_poverty", "merit_allowance_recipients",
    "merit_allowance_spending", "merit_convalescence", "gratitude_houses", "gratitude_fund", "heroic_mothers_cared",
    "merit_records_digitised", "social_assistance_recipients", "social_assistance_spending",
    "child_friendly_commune_rate", "children_u6_insured_rate", "procedures_on_time_rate", "online_public_services",
]
# who holds a domain since 2025
DEPARTMENT_OF_DOMAIN = {"employment": "noi_vu", "merit": "noi_vu", "training": "gd_dt", "social": "y_te",
                        "poverty": "nn_mt"}
POVERTY = ["poor_household_rate", "near_poor_household_rate", "ethnic_minority_poor_rate", "households_out_of_poverty",
           "merit_poor_households"]


@pytest.fixture(scope="module")
def catalogue() -> pd.DataFrame:
    return load_indicators()


# --------------------------------------------------------------------------- the catalogue

@pytest.mark.unit
def test_every_indicator_is_well_formed(catalogue):
    raw = pd.read_csv(CATALOGUE_DIR / "indicators.csv", dtype=str, keep_default_na=False)
    assert not raw["code"].duplicated().any()
    assert raw["code"].str.fullmatch(r"[a-z][a-z0-9_]*").all()
    assert set(catalogue["domain"]) <= set(domains()["domain"])
    assert set(catalogue["direction"]) <= {-1, 0, 1}
    for _, row in catalogue.iterrows():
        code = row["code"]
        assert row["name_vi"].strip() and row["name_en"].strip() and row["unit_of_measure"].strip(), code
        assert row["definition_vi"].strip() and row["definition_en"].strip(), code
        assert not VIETNAMESE_LETTERS.search(row["name_en"] + row["definition_en"]), code
        assert row["responsible_agency"] in set(departments()["department"]), code
        if row["unit_of_measure"] == "%":
            assert row["aggregation"] == "ratio" and row["max_value"] == 100 and not row["whole_number"], code
        if row["unit_of_measure"] in ("người", "hộ", "căn", "lượt", "lượt người", "lớp", "sổ", "bộ"):
            assert row["whole_number"] and row["aggregation"] == "sum", code


@pytest.mark.unit
def test_existing_codes_are_kept_in_their_order(catalogue):
    codes = list(catalogue["code"])
    assert [c for c in codes if c in STABLE_CODES] == STABLE_CODES


@pytest.mark.unit
def test_the_sector_figures_the_reports_quote_are_in_the_catalogue(catalogue):
    meta = catalogue.set_index("code")
    for code, (uom, aggregation) in SECTOR_FIGURES.items():
        assert code in meta.index, code
        assert (meta.loc[code, "unit_of_measure"], meta.loc[code, "aggregation"]) == (uom, aggregation), code
    # GSO's tables are in thousands of people, with one decimal, not whole numbers
    for code in ("labour_force", "average_population"):
        assert meta.loc[code, "decimals"] == 1 and not meta.loc[code, "whole_number"]
    # a standard of assistance is a level set by resolution: no honest sum over provinces
    assert meta.loc["social_assistance_base_rate", "aggregation"] == "none"


@pytest.mark.unit
def test_each_domain_is_held_by_its_department_since_2025(catalogue):
    for _, row in catalogue.iterrows():
        if row["domain"] in DEPARTMENT_OF_DOMAIN:
            assert row["responsible_agency"] == DEPARTMENT_OF_DOMAIN[row["domain"]], row["code"]
    names = departments().set_index("department")["name_vi"]
    assert names["noi_vu"] == "Sở Nội vụ" and names["nn_mt"] == "Sở Nông nghiệp và Môi trường"


@pytest.mark.unit
def test_an_older_snapshot_catalogue_gets_the_descriptions_by_code(catalogue):
    old = catalogue.drop(columns=DESCRIPTIVE_COLUMNS)
    old.loc[len(old)] = {**old.iloc[0].to_dict(), "code": "retired_code"}
    filled = with_descriptions(old).set_index("code")
    assert filled.loc["poor_household_rate", "responsible_agency"] == "nn_mt"
    assert filled.loc["retired_code", "responsible_agency"] == ""
    assert with_descriptions(catalogue) is catalogue


@pytest.mark.unit
def test_catalogue_table_in_both_languages(catalogue):
    vi = catalogue_table(catalogue, "vi")
    row = vi[vi["Mã chỉ tiêu"] == "special_children_supported_rate"].iloc[0]
    assert row["Cơ quan phụ trách (từ 2025)"] == "Sở Y tế"
    assert row["Chiều đánh giá"] == "cao hơn là tốt hơn"
    assert row["Tổng hợp vùng, cả nước"] == "tổng tử số / tổng mẫu số"
    en = catalogue_table(catalogue, "en")
    assert len(en) == len(catalogue)
    for column in ("Indicator", "Responsible department (since 2025)", "Definition", "Better direction"):
        leaking = [v for v in en[column] if VIETNAMESE_LETTERS.search(v)]
        assert leaking == [], column


@pytest.mark.unit
def test_indicators_command_names_the_responsible_department(tmp_path, capsys):
    assert cli.main(["--data-dir", str(tmp_path / "none"), "--create", "indicators", "--format", "json"]) == 0
    rows = {r["code"]: r for r in json.loads(capsys.readouterr().out)}
    assert len(rows) == len(load_indicators())
    assert rows["vocational_classes"]["responsible_agency"] == "gd_dt"
    assert rows["vocational_classes"]["responsible_agency_name"] == "Sở Giáo dục và Đào tạo"
    assert rows["labour_force"]["unit_of_measure"] == "nghìn người"


# --------------------------------------------------------------------------- poverty standards

@pytest.mark.unit
def test_the_poverty_standards_are_data_with_their_legal_basis():
    frame = standards.load_standards().set_index("code")
    basis = dict(zip(frame.index, frame["legal_basis_vi"]))
    assert basis["poverty_2016_2020"] == "Quyết định số 59/2015/QĐ-TTg"
    assert basis["poverty_2022_2025"] == "Nghị định số 07/2021/NĐ-CP"
    assert basis["poverty_2027_2030"] == "Nghị định số 351/2025/NĐ-CP"
    # in force: 2016-2020 through 2021, 2022-2025 kept through 2026, 2027-2030
    assert tuple(frame.loc["poverty_2016_2020", ["in_force_from", "in_force_to"]]) == (2016, 2021)
    assert tuple(frame.loc["poverty_2022_2025", ["in_force_from", "in_force_to"]]) == (2022, 2026)
    assert tuple(frame.loc["poverty_2027_2030", ["in_force_from", "in_force_to"]]) == (2027, 2030)
    for codes in frame["codes"]:
        assert set(POVERTY) <= set(codes)
    assert not VIETNAMESE_LETTERS.search(" ".join(frame["name_en"]) + " ".join(frame["legal_basis_en"]))


@pytest.mark.unit
def test_which_standard_measures_a_figure():
    codes = standards.standard_codes(
        ["poor_household_rate"] * 7 + ["jobs_created"],
        ["2020", "2021", "2021-M06", "2022-M06", "2025", "2026", "2026-M09", "2021"])
    assert list(codes) == ["poverty_2016_2020", "poverty_2022_2025",  # the end-2021 review: the new standard
                           "poverty_2016_2020", "poverty_2022_2025",  # 6 months: the list in force that year
                           "poverty_2022_2025", "poverty_2027_2030", "poverty_2022_2025", ""]
    assert list(standards.standard_codes("near_poor_household_rate", ["2010", "2014", "2015"])) == \
        ["poverty_2011_2015", "poverty_2011_2015", "poverty_2016_2020"]


@pytest.mark.unit
def test_a_change_across_a_standard_is_not_comparable():
    same = standards.same_standard(
        ["poor_household_rate"] * 5 + ["jobs_created", "poor_household_rate"],
        ["2021", "2022", "2021-M06", "2022-M06", "2016", "2021", "2022"],
        ["2020", "2021", "2020-M06", "2021-M06", "2015", "2020", None])
    # Cần Thơ's 0,8% at the end of 2021 and 0,52% at the end of 2022 are one standard
    assert same.tolist() == [False, True, True, False, True, True, True]
    assert same.dtype == bool
    # vectorised over many figures, one indicator or one period broadcast
    many = standards.same_standard("poor_household_rate", [str(y) for y in range(2016, 2031)],
                                   [str(y) for y in range(2015, 2030)])
    assert [2016 + i for i, ok in enumerate(many) if not ok] == [2021, 2026]


@pytest.mark.unit
def test_overlapping_standards_are_refused(tmp_path, monkeypatch):
    text = (CATALOGUE_DIR / "standards.csv").read_text(encoding="utf-8")
    (tmp_path / "standards.csv").write_text(text.replace(",2022,2026,2021,2025", ",2021,2026,2021,2025"),
                                            encoding="utf-8")
    monkeypatch.setattr(standards, "CATALOGUE_DIR", tmp_path)
    standards.load_standards.cache_clear()
    try:
        with pytest.raises(ValueError, match="overlap"):
            standards.load_standards()
    finally:
        monkeypatch.undo()
        standards.load_standards.cache_clear()
    assert len(standards.load_standards()) == 5


def _poverty_snapshot(folder) -> store.Snapshot:
    rows = []
    for year, rate in zip(range(2018, 2024), [4.1, 3.7, 3.6, 6.2, 5.1, 4.4]):
        rows.append({"indicator": "poor_household_rate", "unit": "VN63-83", "period": str(year), "actual": rate,
                     "plan": np.nan, "numerator": rate * 100, "denominator": 10000.0, "source": "test", "note": ""})
        rows.append({"indicator": "jobs_created", "unit": "VN63-83", "period": str(year), "actual": 18000.0 + year,
                     "plan": np.nan, "numerator": np.nan, "denominator": np.nan, "source": "test", "note": ""})
    return store.write_snapshot(pd.DataFrame(rows), build_units(), load_indicators(), created_by="tests",
                                data_dir=folder)


@pytest.mark.query
def test_trend_marks_the_change_of_poverty_standard(tmp_path):
    snapshot = _poverty_snapshot(tmp_path)
    units, catalogue = build_units(), load_indicators()
    periods = [str(y) for y in range(2018, 2024)]
    screen = trend_screen(snapshot, units, catalogue, ["VN63-83"], periods, 12, "poor_household_rate", "vi")
    assert [(b.before, b.after, b.standard) for b in screen.breaks] == [("2020", "2021", "poverty_2022_2025")]
    assert any("Từ năm 2021" in n and "Nghị định số 07/2021/NĐ-CP" in n and "năm 2020 không so sánh được" in n
               for n in screen.notes), screen.notes
    assert list(screen.frame["standard"]) == ["poverty_2016_2020"] * 3 + ["poverty_2022_2025"] * 3
    fig = charts.trend_lines(screen.frame, name_col="name", decimals=2, unit_of_measure="%", lang="vi")
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [s.x0 for s in lines] == [2020.5]
    assert [a.text for a in fig.layout.annotations] == ["Chuẩn nghèo đa chiều giai đoạn 2022-2025"]
    # the line is not drawn across the break: 2020 and 2021 are not joined
    actual = fig.data[0]
    assert list(actual.x) == [2018, 2019, 2020, 2020.5, 2021, 2022, 2023]
    assert actual.y[3] is None and list(actual.y[:3]) == [4.1, 3.7, 3.6]
    english = trend_screen(snapshot, units, catalogue, ["VN63-83"], periods, 12, "poor_household_rate", "en")
    assert any("Decree 07/2021/ND-CP" in n and "not comparable" in n for n in english.notes)
    assert not any(VIETNAMESE_LETTERS.search(n) for n in english.notes if "Decree" in n)
    # an indicator no standard measures has no break
    jobs = trend_screen(snapshot, units, catalogue, ["VN63-83"], periods, 12, "jobs_created", "vi")
    assert jobs.breaks == [] and charts.standard_break_marks(jobs.frame) == []
    assert not [s for s in charts.trend_lines(jobs.frame, name_col="name", decimals=0, unit_of_measure="người",
                                              lang="vi").layout.shapes if s.type == "line"]
