"""Importing figures: readers, resolution, validation, snapshots, diff, safety, CLI and the Dữ liệu page."""
from __future__ import annotations

import csv
import datetime as dt
import errno
import io
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import REPO, run_page
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import store
from kpi.cli import main as cli_main
from kpi.importing import merge
from kpi.importing.merge import (
    ImportFailed,
    commit_import,
    diff_counts,
    diff_csv,
    diff_facts,
    diff_snapshots,
    import_file,
    prepare_import,
    snapshot_history,
    summary_lines,
)
from kpi.importing.messages import Issue, Phrase
from kpi.importing.numbers import cell_forms, infer_decimal, parse_numbers
from kpi.importing.readers import CANONICAL, TEMPLATE_HEADERS
from kpi.importing.template import build_template
from kpi.importing.validate import KEY, resolve_indicator
from kpi.importing.xlsx import Number, Workbook
from kpi.periods import PeriodError, parse_period_text, parse_year_header
from kpi.reports.spreadsheet import set_cell
from kpi.screens import data as data_screen
from kpi.store import snapshot_write
from kpi.store.indicators import BOUND_COLUMNS, load_indicators, with_bounds
from kpi.store.storage import sha256_file
from kpi.text.texts_importing import TEXTS as IMPORTING_TEXTS
from kpi.units.table import build_units

BASE_FACTS = pd.DataFrame([
    {"indicator": "jobs_created", "unit": "VN63-83", "period": "2020", "actual": 18382.0, "plan": 18000.0,
     "numerator": None, "denominator": None, "source": "Báo Dân sinh", "note": ""},
    {"indicator": "poor_household_rate", "unit": "VN-01", "period": "2015", "actual": 1.5, "plan": 2.0,
     "numerator": 30.0, "denominator": 2000.0, "source": "test", "note": ""},
    {"indicator": "jobs_created", "unit": "VN-01", "period": "2020", "actual": 150000.0, "plan": 160000.0,
     "numerator": None, "denominator": None, "source": "test", "note": ""},
])


def _write_base(folder: Path) -> store.Snapshot:
    return store.write_snapshot(BASE_FACTS, build_units(), load_indicators(), created_by="tests", note="base",
                                data_dir=folder)


@pytest.fixture(scope="module")
def base_template_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    _write_base(folder)
    return folder


@pytest.fixture
def base_dir(base_template_dir, tmp_path) -> Path:
    """A small data folder with one snapshot of three facts (a copy per test: tests write into it)."""
    folder = tmp_path / "data"
    shutil.copytree(base_template_dir, folder)
    return folder


# the columns of the rows written below (a file need not carry plan_kind and plan_high)
BASIC = ["unit", "period", "indicator", "actual", "plan", "numerator", "denominator", "source", "note"]


def _csv(rows: list[list], header=BASIC, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _ids(folder: Path) -> list[str]:
    return [s.id for s in store.list_snapshots(folder)]


def _facts(folder: Path) -> pd.DataFrame:
    return store.read_table(store.get_snapshot(None, folder), "facts").set_index(KEY)


# --- periods (kpi.periods), numbers, indicators -----------------------------------------------

@pytest.mark.unit
@pytest.mark.parametrize("text, code", [
    ("2020", "2020"), ("Năm 2020", "2020"), ("2023-M06", "2023-M06"), ("2023-M6", "2023-M06"),
    ("6 tháng đầu năm 2023", "2023-M06"), ("6T/2023", "2023-M06"), ("6t/2023", "2023-M06"),
    ("9 tháng 2023", "2023-M09"), ("9 tháng năm 2023", "2023-M09"), ("12 tháng 2021", "2021"),
])
def test_period_spellings(text, code):
    assert parse_period_text(text).code == code


@pytest.mark.unit
@pytest.mark.parametrize("text, code", [
    ("Lũy kế 9 tháng năm 2021", "2021-M09"), ("luy ke 9 thang 2021", "2021-M09"), ("6 THÁNG ĐẦU NĂM 2023", "2023-M06"),
    ("6 thang dau nam 2023", "2023-M06"), ("8 tháng năm 2021", "2021-M08"), ("year 2019", "2019"),
    ("6 tha\u0301ng đầu năm 2023", "2023-M06"),  # decomposed accents (macOS) read as composed
])
def test_vietnamese_period_texts_are_read_by_kpi_periods(text, code):
    assert parse_period_text(text).code == code


@pytest.mark.unit
def test_year_headers_of_statistics_tables():
    assert [parse_year_header(h) for h in ("2015", "Prel. 2016", "Pre. 2016", "Sơ bộ 2016", "Cities", "1800")] == \
        [(2015, False), (2016, True), (2016, True), (2016, True), None, None]


@pytest.mark.unit
@pytest.mark.parametrize("text, fragment", [
    ("2023-M13", "không tồn tại"), ("13 tháng 2023", "không tồn tại"), ("0 tháng 2023", "không tồn tại"),
    ("1800", "không tồn tại"), ("quý 5", "không hiểu kỳ"),
])
def test_periods_that_do_not_exist(text, fragment):
    with pytest.raises(PeriodError) as raised:
        parse_period_text(text)
    assert fragment in str(raised.value)


@pytest.mark.unit
def test_number_spellings():
    values = pd.Series(["60.6", "60,6", "18382", "1.234.567", "1,234.5", "3,34%", "..", "", "abc", "1e400", "nan"],
                       dtype="str")
    numbers, bad = parse_numbers(values)
    assert list(numbers[:6]) == [60.6, 60.6, 18382.0, 1234567.0, 1234.5, 3.34]
    assert numbers[6:8].isna().all() and not bad[6:8].any()  # '..' and '' are missing, not errors
    assert list(bad[8:]) == [True, True, True]


@pytest.mark.unit
def test_indicator_by_code_name_and_without_diacritics():
    catalogue = load_indicators()
    assert resolve_indicator("poor_household_rate", catalogue) == ("poor_household_rate", None)
    assert resolve_indicator("Tỷ lệ hộ nghèo", catalogue)[0] == "poor_household_rate"
    assert resolve_indicator("ty le ho ngheo", catalogue)[0] == "poor_household_rate"
    code, message = resolve_indicator("Tỷ lệ hộ nghèoo", catalogue)
    assert code is None and "gần giống: Tỷ lệ hộ nghèo (poor_household_rate)" in message.text()
    assert "closest: Poor-household rate (poor_household_rate)" in message.text("en")


# --- GSO province-by-year tables ----------------------------------------------------------------

def _gso(reference_dir, name, indicator, folder):
    path = reference_dir / "gso" / name
    report = prepare_import([(name, path.read_bytes())], indicator=indicator, data_dir=folder)
    assert report.ok, [i.text() for i in report.errors]
    return report


@pytest.mark.unit
def test_gso_poverty_table(reference_dir, base_dir):
    report = _gso(reference_dir, "poverty_rate_by_province.csv", "poor_household_rate", base_dir)
    facts = report.facts.set_index(["unit", "period"])["actual"]
    # spot checks against the file
    assert facts[("VN63-02", "2010")] == 50.0          # Ha Giang
    assert facts[("VN64-01", "2006")] == 3.0           # Ha Noi of 2006, before Hà Tây joined it
    assert facts[("VN64-28", "2006")] == 12.4          # Ha Tay, a unit until 31 July 2008
    assert facts[("VN-01", "2008")] == 6.6             # Ha Noi since 1 August 2008
    assert facts[("VN63-74", "2014")] == 0.0           # Binh Duong: a real zero stays a zero
    assert facts[("VN63-96", "2016")] == 4.0           # Ca Mau, "Pre. 2016"
    assert ("VN63-79", "2016") not in facts.index      # Ho Chi Minh city: '..' is missing, not zero
    assert facts[("VN63-79", "2015")] == 0.0
    # every province in force has its value for every year present in the table (64 of them in 2006)
    provinces = set(build_units().query("level == 'province' and generation in ['63', 'both']")["unit"])
    in_2006 = provinces - {"VN-01", "VN63-26", "VN63-17"} | {"VN64-01", "VN64-28", "VN64-26", "VN64-17"}
    aggregates = {"VN"} | {f"R63-{r}" for r in ("RRD", "NMM", "NCC", "CH", "SE", "MRD")}  # published figures
    per_year = report.facts.groupby("period")["unit"].apply(set)
    assert list(per_year.index) == ["2006", "2008", "2010", "2012", "2013", "2014", "2015", "2016"]
    for year, units in per_year.items():
        expected = in_2006 if year == "2006" else provinces - {"VN63-79"} if year == "2016" else provinces
        assert units == expected | aggregates, year
    assert len(report.facts) == 64 + 63 * 7 - 1 + 7 * 8
    assert set(report.facts.loc[report.facts["period"] == "2016", "note"]) == {"Số liệu sơ bộ"}
    notices = " | ".join(i.message() for i in report.notices)
    assert "Hà Tây" not in notices and "WHOLE COUNTRY" in notices
    for region in ("Red River Delta", "Northern midlands and mountain areas", "Central Highlands",
                   "Northern Central area and Central coastal area", "South East", "Mekong River Delta"):
        assert f"vùng '{region}'" in notices
    source = report.facts.set_index(["unit", "period"]).loc[("VN63-02", "2010"), "source"]
    assert "poverty_rate_by_province.csv dòng 19" in source and "cột 2010" in source


@pytest.mark.query
def test_gso_trained_workers_table_writes_a_snapshot(reference_dir, base_dir):
    before = _ids(base_dir)
    report = _gso(reference_dir, "trained_employed_workers_pct_by_province.csv", "trained_labour_rate", base_dir)
    assert len(report.facts) == 63 * 9 + 7 * 9  # and the nation's and regions' published figures
    snapshot = commit_import(report, note="GSO", data_dir=base_dir)
    facts = store.read_table(snapshot, "facts").set_index(["indicator", "unit", "period"])["actual"]
    expected = {("VN63-19", "2016"): 29.4,   # "Thai  Nguyen" (two spaces), Prel. 2016
                ("VN63-79", "2008"): 31.1,   # Ho Chi Minh city
                ("VN-46", "2013"): 19.6,     # Thua Thien-Hue
                ("VN63-67", "2010"): 6.2,    # Dak Nong
                ("VN63-77", "2012"): 21.4,   # Ba Ria - Vung Tau
                ("VN63-66", "2015"): 12.9}   # Dak Lak
    for (unit, period), value in expected.items():
        assert facts[("trained_labour_rate", unit, period)] == value
    assert facts[("jobs_created", "VN63-83", "2020")] == 18382  # the parent's facts are carried over
    assert snapshot.manifest["parent"] == before[0]
    assert snapshot.manifest["sources"][0]["file"] == "trained_employed_workers_pct_by_province.csv"
    assert len(snapshot.manifest["sources"][0]["sha256"]) == 64
    assert _ids(base_dir) == [snapshot.id] + before


@pytest.mark.unit
def test_gso_table_needs_an_indicator(reference_dir, base_dir):
    path = reference_dir / "gso" / "poverty_rate_by_province.csv"
    report = prepare_import([(path.name, path.read_bytes())], data_dir=base_dir)
    assert not report.ok and "--indicator" in report.errors[0].message()


# --- the long format: CSV and the Excel template ------------------------------------------------

@pytest.mark.unit
def test_vietnamese_headers_semicolons_decimal_comma(base_dir):
    header = ["Đơn vị", "Kỳ báo cáo", "Chỉ tiêu", "Thực hiện", "Kế hoạch năm", "Nguồn"]
    data = ("\ufeff" + ";".join(header) + "\n"
            "Tỉnh Bến Tre;6 tháng đầu năm 2023;Giải quyết việc làm;9500;20000;Báo cáo 6 tháng\n"
            "\n"
            "83;9T/2023;giai quyet viec lam;14200;20000;\n"
            "TP. Hồ Chí Minh;2024;Tỷ lệ hộ nghèo;0,12;;\n").encode("utf-8")
    report = prepare_import([("so_lieu.csv", data)], data_dir=base_dir)
    assert report.ok, [i.text() for i in report.errors]
    facts = report.facts.set_index(["unit", "period", "indicator"])
    assert facts.loc[("VN63-83", "2023-M06", "jobs_created"), "actual"] == 9500
    assert facts.loc[("VN63-83", "2023-M09", "jobs_created"), "actual"] == 14200
    assert facts.loc[("VN63-79", "2024", "poor_household_rate"), "actual"] == 0.12
    assert facts.loc[("VN63-83", "2023-M09", "jobs_created"), "source"] == "so_lieu.csv dòng 4"  # blank line 3 counts
    assert report.counts == {"added": 3, "changed": 0, "unchanged": 0, "facts_before": 3, "facts_after": 6}


@pytest.mark.unit
def test_every_kind_of_error_named_by_file_row_and_column(base_dir):
    rows = [
        ["Bến Tre", "2020", "jobs_created", "18382", "", "", "", "", ""],           # 2: fine
        ["Bến Trê x", "2020", "jobs_created", "1", "", "", "", "", ""],             # 3: unknown unit
        ["83", "2021", "viec lam moi", "1", "", "", "", "", ""],                     # 4: unknown indicator
        ["83", "2021", "jobs_created", "nhiều", "", "", "", "", ""],                 # 5: text in a number
        ["83", "2021", "poor_household_rate", "120", "", "", "", "", ""],           # 6: rate above 100
        ["83", "2021", "trained_labour_rate", "", "", "700", "600", "", ""],        # 7: numerator > denominator
        ["Ben Tre", "2020", "Giải quyết việc làm", "5", "", "", "", "", ""],       # 8: duplicate of row 2
        ["83", "2021-M13", "jobs_created", "5", "", "", "", "", ""],                 # 9: no such period
        ["Bến Tre", "2026", "jobs_created", "5", "", "", "", "", ""],               # 10: merged on 1/7/2025
        ["VN34-86", "2024", "jobs_created", "5", "", "", "", "", ""],               # 11: did not exist yet
        ["83", "2022", "jobs_created", "18.382", "", "", "", "", ""],               # 12: ambiguous separator
    ]
    report = prepare_import([("loi.csv", _csv(rows))], data_dir=base_dir)
    assert not report.ok and report.facts is None
    found = {(i.row, i.column): i.message() for i in report.errors}
    assert all(i.file == "loi.csv" for i in report.errors)
    assert "Không tìm thấy đơn vị 'Bến Trê x'" in found[(3, "unit")] and "gần giống: Bến Tre" in found[(3, "unit")]
    assert "gần giống" in found[(4, "indicator")]
    assert "'nhiều' không phải là số" in found[(5, "actual")]
    assert "0-100" in found[(6, "actual")]
    assert "tử số lớn hơn mẫu số (700 > 600)" in found[(7, "numerator")]
    assert "trùng với loi.csv dòng 2" in found[(8, None)]
    assert "không tồn tại" in found[(9, "period")]
    assert "hợp nhất vào tỉnh/thành phố Vĩnh Long" in found[(10, "unit")]
    assert "chưa tồn tại" in found[(11, "unit")]
    assert "phân cách nghìn" in found[(12, "actual")]
    assert len(report.errors) == 10  # one per faulty row; row 2 is fine


@pytest.mark.unit
def test_template_has_headers_reference_and_drop_downs(base_dir):
    book = openpyxl.load_workbook(io.BytesIO(build_template(store.get_snapshot(None, base_dir))))
    figures, reference = book["Số liệu"], book["Danh mục"]
    assert [c.value for c in figures[1]] == [TEMPLATE_HEADERS[c] for c in CANONICAL]
    assert reference["A1"].value == "Mã chỉ tiêu" and reference["B1"].value == "Tên chỉ tiêu"
    codes = {reference.cell(row=r, column=1).value for r in range(2, len(load_indicators()) + 2)}
    assert codes == set(load_indicators()["code"])
    assert "Bến Tre" in {reference.cell(row=r, column=6).value for r in range(2, 100)}
    lists = {str(v.sqref): v.formula1 for v in figures.data_validations.dataValidation if v.type == "list"}
    assert lists["A2:A5000"].startswith("='Danh mục'!$F$2")
    assert lists["C2:C5000"].startswith("='Danh mục'!$B$2")


@pytest.mark.query
def test_filled_template_imports_and_formulas_stay_text(base_dir):
    book = openpyxl.load_workbook(io.BytesIO(build_template(store.get_snapshot(None, base_dir))))
    sheet = book["Số liệu"]
    # the template's columns: unit, period, indicator, actual, plan, plan_kind, plan_high, numerator,
    # denominator, source, note
    sheet.append(["Bến Tre", "6 tháng đầu năm 2023", "Giải quyết việc làm", 9000, 20000, None, None, None, None,
                  None, "@SUM(1)"])
    set_cell(sheet.cell(sheet.max_row, 10), "=HYPERLINK(\"http://x\")")  # text that looks like a formula
    sheet.append(["Hà Nội", "2015", "Tỷ lệ hộ nghèo", 1.4, None, None, None, 28, 2000, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = prepare_import([("mau.xlsx", buffer.getvalue())], data_dir=base_dir)
    assert report.ok, [i.text() for i in report.errors]
    assert report.counts["added"] == 1 and report.counts["changed"] == 1
    changed = report.changes.set_index("change").loc["changed"]
    assert (changed["actual_old"], changed["actual_new"], changed["plan_old"], changed["plan_new"]) == \
        (1.5, 1.4, 2.0, 2.0)
    snapshot = commit_import(report, data_dir=base_dir)
    facts = store.read_table(snapshot, "facts")
    assert facts.loc[facts["unit"] == "VN63-83", "note"].iloc[-1] == "@SUM(1)"
    assert facts.loc[facts["unit"] == "VN63-83", "source"].iloc[-1].startswith("=HYPERLINK(\"http://x\") (mau.xlsx")
    # exports: the diff CSV and any cell written by the template writer never start a formula
    diff = diff_facts(BASE_FACTS, facts).assign(note="=1+1", source="+cmd")
    exported = diff_csv(diff).decode("utf-8-sig")
    assert "'=1+1" in exported and "'+cmd" in exported and ",=1+1" not in exported


@pytest.mark.query
def test_template_writes_every_cell_as_text_never_a_formula(base_dir):
    """The template writes through kpi.reports.spreadsheet.set_cell: formula-like text is stored as
    text with Excel's quote prefix (in CSV the guard is a leading apostrophe, see the diff export)."""
    catalogue = load_indicators().copy()  # the catalogue is cached: never change it in place
    catalogue.loc[0, "name_vi"] = "=HYPERLINK(\"http://x\")"
    snapshot = store.write_snapshot(BASE_FACTS, build_units(), catalogue, created_by="tests", data_dir=base_dir)
    book = openpyxl.load_workbook(io.BytesIO(build_template(snapshot)))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type == "s" for c in cells)  # no formula, no number
    cell = next(c for c in cells if c.value == "=HYPERLINK(\"http://x\")")
    assert cell.quotePrefix and cell.value.startswith("=")
    sheet = openpyxl.Workbook().active
    set_cell(sheet.cell(1, 1), "@SUM(1)")
    assert sheet["A1"].data_type == "s" and sheet["A1"].quotePrefix


@pytest.mark.query
def test_plan_only_file_keeps_actuals(base_dir):
    data = _csv([["VN63-83", "2020", "jobs_created", "19000"]], header=["unit", "period", "indicator", "plan"])
    report, snapshot = import_file(_to_file(base_dir, "plan.csv", data), data_dir=base_dir)
    assert report.ok and snapshot is not None
    row = _facts(base_dir).loc[("jobs_created", "VN63-83", "2020")]
    assert (row["actual"], row["plan"]) == (18382, 19000)


@pytest.mark.query
def test_diff_between_snapshots(base_dir):
    first = store.get_snapshot(None, base_dir)
    changed = BASE_FACTS.copy()
    changed.loc[0, "actual"] = 18400.0
    changed = pd.concat([changed.iloc[[0, 1]], pd.DataFrame([{
        "indicator": "gratitude_houses", "unit": "VN63-92", "period": "2023-M06", "actual": 94.0}])])
    second = store.write_snapshot(changed, build_units(), load_indicators(), created_by="tests", data_dir=base_dir,
                                  parent=first.id)
    diff = diff_snapshots(first.id, second.id, base_dir)
    assert diff_counts(diff) == {"added": 1, "changed": 1, "removed": 1}
    row = diff.set_index("change").loc["changed"]
    assert (row["unit"], row["actual_old"], row["actual_new"]) == ("VN63-83", 18382.0, 18400.0)
    assert diff.set_index("change").loc["removed", "unit"] == "VN-01"
    history = snapshot_history(base_dir)
    assert list(history["id"]) == [second.id, first.id] and history.iloc[1]["note"] == "base"


# --- safety: size, non-workbooks, zip bombs ------------------------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


REFUSED = [
    ("bom.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                       "xl/worksheets/sheet1.xml": b"\0" * 30_000_000}), "bom nén"),
    ("khong_phai.xlsx", _zip({"hello.txt": b"hello"}), "không phải sổ tính Excel hợp lệ"),
    ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "không phải sổ tính Excel .xlsx"),
    ("hong.xlsx", b"PK\x03\x04" + b"garbage" * 50, "không phải sổ tính Excel hợp lệ"),
    ("gia.xlsx", _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<not-xml"}), "không phải sổ tính"),
    ("anh.csv", b"\x89PNG\r\n\x1a\n\0\0\0", "nhị phân"),
    ("latin.csv", "unit,period\nĐà Nẵng,2020\n".encode("cp1258", errors="replace") + b"\xe0\xe1,2020\n", "UTF-8"),
    ("rong.csv", b"   \n", "rỗng"),
]


@pytest.mark.unit
@pytest.mark.parametrize("name, data, fragment", REFUSED)
def test_refused_files(base_dir, name, data, fragment):
    report = prepare_import([(name, data)], data_dir=base_dir)
    assert not report.ok and fragment in report.errors[0].message(), report.errors[0].message()
    assert report.errors[0].file == name


@pytest.mark.unit
def test_size_limit(base_dir):
    data = _csv([["83", "2021", "jobs_created", "1", "", "", "", "", ""]] * 50)
    report = prepare_import([("lon.csv", data)], data_dir=base_dir, max_bytes=1000)
    assert not report.ok and "vượt giới hạn" in report.errors[0].message()


# --- malformed files, property-based ------------------------------------------------------------

TOKENS = ["Bến Tre", "83", "VN63-83", "VN34-86", "Ha Tay", "Red River Delta", "Cả nước", "Hà Nội", "", " ",
          "2020", "2023-M06", "6T/2023", "2023-M13", "9 tháng 2023", "2026", "jobs_created", "Tỷ lệ hộ nghèo",
          "poor_household_rate", "trained_labour_rate", "12", "60,6", "18.382", "-5", "120", "1e309", "nan",
          "=1+1", "..", '"', ";", ",", "\n", "\r", "abc", "0", "1.234.567", "Prel. 2016", "2015"]
HEADERS = CANONICAL + list(TEMPLATE_HEADERS.values()) + ["Cities, provincies", "2015",
                                                                          "Prel. 2016", "xyz", ""]
GSO_TEXT = ('\ufeff"Poverty rate by province"\r\n\r\n"Cities, provincies";"2014";"2015";"Prel. 2016"\r\n'
            '" WHOLE COUNTRY";8.4;7.0;5.8\r\n"Red River Delta";4.0;3.2;2.4\r\n"Ha Noi";2.3;1.8;1.3\r\n'
            '"Ha Tay";..;..;..\r\n"Thai  Nguyen";11.1;9.1;7.1\r\n"Ho Chi Minh city";0.0;0.0;..\r\n')


@st.composite
def malformed_files(draw):
    kind = draw(st.sampled_from(["long", "gso", "bytes", "xlsx"]))
    if kind == "long":
        header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10))
        cell = st.one_of(st.sampled_from(TOKENS), st.text(max_size=6))
        rows = draw(st.lists(st.lists(cell, max_size=11), max_size=6))
        delimiter = draw(st.sampled_from([",", ";", "\t"]))
        if draw(st.booleans()):
            buffer = io.StringIO()
            csv.writer(buffer, delimiter=delimiter).writerows([header] + rows)
            text = buffer.getvalue()
        else:
            text = "\n".join(delimiter.join(r) for r in [header] + rows)
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1258"]))
        return "tep.csv", text.encode(encoding, errors="replace")
    if kind == "gso":
        text = GSO_TEXT
        for _ in range(draw(st.integers(0, 4))):
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(['"', ";", "\n", "..", "x", "", "-3", "200", "Ha Tay"])) \
                + text[at + draw(st.integers(0, 3)):]
        return "gso.csv", text.encode("utf-8")
    if kind == "bytes":
        prefix = draw(st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xef\xbb\xbf"]))
        return draw(st.sampled_from(["x.csv", "x.xlsx", "x"])), prefix + draw(st.binary(max_size=300))
    data = bytearray(VALID_XLSX)
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    for _ in range(draw(st.integers(0, 3))):
        if data:
            at = draw(st.integers(0, len(data) - 1))
            data[at] = draw(st.integers(0, 255))
    return "mau.xlsx", bytes(data)


def _valid_xlsx() -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    book["Số liệu"].append(["Bến Tre", "2019", "jobs_created", 17000, 18000])
    book["Số liệu"].append(["Hà Nội", "6T/2024", "Tỷ lệ hộ nghèo", 0.5, None, 10, 2000])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


VALID_XLSX = _valid_xlsx()


@pytest.mark.slow
@pytest.mark.query
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow, HealthCheck.data_too_large])
@given(malformed_files())
def test_malformed_files_end_in_a_clear_error_or_a_correct_import(base_dir, upload):
    name, data = upload
    before = _ids(base_dir)
    report = prepare_import([(name, data)], indicator="poor_household_rate", data_dir=base_dir)
    if not report.ok:
        for issue in report.errors:
            assert issue.file == name and len(issue.message()) > 10 and "Traceback" not in issue.message()
        assert report.new_facts is None
        assert _ids(base_dir) == before  # never a new snapshot after an error
        return
    if not (report.counts["added"] or report.counts["changed"]):
        return
    snapshot = commit_import(report, data_dir=base_dir, accept_warnings=True)
    assert _ids(base_dir) == [snapshot.id] + before
    facts = store.read_table(snapshot, "facts").set_index(KEY)
    assert len(facts) == report.counts["facts_after"]
    for _, row in report.facts.iterrows():
        stored = facts.loc[(row["indicator"], row["unit"], row["period"])]
        if not math.isnan(row["actual"]):
            assert stored["actual"] == row["actual"]


# --- a crash or a kill during the write ---------------------------------------------------------

CHILD = """
import os, sys, time
sys.path.insert(0, sys.argv[4])
from kpi.store import snapshot_write as store
from kpi.importing.merge import import_file
point = sys.argv[1]
real_write, real_rename = store.pq.write_table, os.rename
def hold():
    print("READY", flush=True)
    time.sleep(120)
def write_table(table, path, **kwargs):
    real_write(table, path, **kwargs)
    if point == "after_" + os.path.basename(str(path)).split(".")[0]:
        hold()
def rename(a, b):
    if point == "before_rename":
        hold()
    real_rename(a, b)
store.pq.write_table = write_table
os.rename = rename
import_file(sys.argv[2], data_dir=sys.argv[3])
print("DONE", flush=True)
"""


def _snapshot_intact(snapshot: store.Snapshot) -> bool:
    for name, info in snapshot.manifest["files"].items():
        if sha256_file(snapshot.path / name) != info["sha256"]:
            return False
    return True


@pytest.mark.query
@pytest.mark.slow
@pytest.mark.parametrize("point", ["after_facts", "after_units", "after_indicators", "before_rename"])
def test_killed_import_leaves_previous_snapshots_and_no_half_snapshot(base_dir, tmp_path, point):
    data = _csv([["83", "2021", "jobs_created", "20000", "", "", "", "", ""]])
    file = _to_file(tmp_path, "kill.csv", data)
    before = store.list_snapshots(base_dir)
    child = subprocess.Popen([sys.executable, "-c", CHILD, point, str(file), str(base_dir), str(REPO)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.strip() == "READY", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert [s.id for s in store.list_snapshots(base_dir)] == [s.id for s in before]
    assert all(_snapshot_intact(s) for s in store.list_snapshots(base_dir))
    leftovers = [p.name for p in store.snapshots_dir(base_dir).iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) == 1  # the half-written folder is hidden and never listed
    # the next import works and builds on the intact snapshot
    report, snapshot = import_file(file, data_dir=base_dir)
    assert snapshot.manifest["parent"] == before[0].id


# --- command line -------------------------------------------------------------------------------

def _to_file(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.mark.unit
def test_cli_exit_codes(base_dir, tmp_path, capsys):
    good = _to_file(tmp_path, "tot.csv", _csv([["Bến Tre", "6T/2023", "jobs_created", "9000", "", "", "", "", ""]]))
    bad = _to_file(tmp_path, "xau.csv", _csv([["Bến Tre", "2023", "jobs_created", "abc", "", "", "", "", ""]]))
    before = _ids(base_dir)
    assert cli_main(["--data-dir", str(base_dir), "import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "tệp xau.csv, dòng 2, cột 'actual': 'abc' không phải là số" in err and "không ghi gì" in err
    assert cli_main(["--data-dir", str(base_dir), "import", str(tmp_path / "missing.csv")]) == 1
    assert cli_main(["--data-dir", str(base_dir), "import", str(good), "--dry-run"]) == 0
    assert "--dry-run" in capsys.readouterr().out
    assert _ids(base_dir) == before
    assert cli_main(["--data-dir", str(base_dir), "import", str(good), "--note", "6 tháng"]) == 0
    out = capsys.readouterr().out
    after = store.list_snapshots(base_dir)
    assert len(after) == 2 and after[0].id in out and after[0].manifest["note"] == "6 tháng"
    assert cli_main(["--data-dir", str(base_dir), "import", str(good)]) == 0  # same figures again: nothing to write
    assert "không tạo bản dữ liệu mới" in capsys.readouterr().out and len(_ids(base_dir)) == 2


@pytest.mark.unit
@pytest.mark.slow
def test_cli_in_a_subprocess(base_dir, tmp_path):
    bad = _to_file(tmp_path, "xau.csv", _csv([["Hà Nội", "2015", "poor_household_rate", "150", "", "", "", "", ""]]))
    result = subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(base_dir), "import", str(bad)],
                            cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "dòng 2, cột 'actual': tỷ lệ (%) phải nằm trong khoảng 0-100" in result.stderr


# --- messages in the interface language ----------------------------------------------------------

VIETNAMESE_MARKS = re.compile(r"[\u0300-\u036f]|[đĐ]")  # ă â ê ô ơ ư and the tones decompose into marks
# a bad file in English: every kind of row error and both kinds of notice (ASCII text, English headers)
BAD_ROWS = [
    ["Ben Tre x", "2020", "jobs_created", "1", "", "", "", "", ""],
    ["83", "2021", "viec lam moi", "1", "", "", "", "", ""],
    ["83", "2021", "jobs_created", "nhieu", "", "", "", "", ""],
    ["83", "2021", "poor_household_rate", "120", "", "", "", "", ""],
    ["83", "2021", "trained_labour_rate", "", "", "700", "600", "", ""],
    ["83", "2021", "trained_labour_rate", "", "", "0", "0", "", ""],
    ["83", "2021", "gratitude_houses", "-5", "", "", "", "", ""],
    ["83", "2021-M13", "jobs_created", "5", "", "", "", "", ""],
    ["83", "quy 5", "jobs_created", "5", "", "", "", "", ""],
    ["83", "1800", "jobs_created", "5", "", "", "", "", ""],
    ["Ben Tre", "2026", "jobs_created", "5", "", "", "", "", ""],
    ["VN34-86", "2024", "jobs_created", "5", "", "", "", "", ""],
    ["VN63-83", "2026", "jobs_created", "5", "", "", "", "", ""],
    ["83", "2022", "jobs_created", "18.382", "", "", "", "", ""],
    ["83", "2022", "jobs_created", "", "", "", "", "", "ghi chu"],
    ["83", "2023", "jobs_created", "1", "", "", "", "", ""],
    ["Ben Tre", "2023", "jobs_created", "2", "", "", "", "", ""],
    ["Ha Tay", "2010", "jobs_created", "2", "", "", "", "", ""],  # part of Hà Nội since 1 August 2008
    ["Red River Delta", "2020", "jobs_created", "2", "", "", "", "", ""],
    ["Whole country", "2020", "jobs_created", "2", "", "", "", "", ""],
    ["Ha Noi", "2015", "poor_household_rate", "3", "", "28", "2000", "", ""],
]


def _vietnamese_words(text: str) -> list[str]:
    """The words of `text` with Vietnamese letters, once the names of units and indicators are taken out;
    none for a cell that is one of the catalogue's units of measure (data: 'người', as on every page in English)."""
    units, catalogue = build_units(), load_indicators()
    if text.strip() in set(catalogue["unit_of_measure"]):
        return []
    names = set(units["name_vi"]) | set(units["name_full_vi"].dropna()) | set(catalogue["name_vi"]) | {"Hà Tây"}
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    return [w for w in text.split() if VIETNAMESE_MARKS.search(unicodedata.normalize("NFD", w))]


@pytest.mark.unit
def test_english_texts_of_the_importer_have_no_vietnamese_words():
    english = {key: en for key, (_vi, en) in IMPORTING_TEXTS.items()}
    assert {key: _vietnamese_words(text) for key, text in english.items() if _vietnamese_words(text)} == {}


@pytest.mark.unit
def test_issues_and_summary_in_english(base_dir):
    gso = prepare_import([("gso.csv", GSO_TEXT.encode("utf-8"))], indicator="poor_household_rate", data_dir=base_dir)
    bad = prepare_import([("bad.csv", _csv(BAD_ROWS))], data_dir=base_dir)
    refused = [prepare_import([(name, data)], data_dir=base_dir) for name, data, _ in REFUSED]
    big = prepare_import([("big.csv", _csv(BAD_ROWS))], data_dir=base_dir, max_bytes=100)
    issues = [i for report in [gso, bad, big] + refused for i in report.issues]
    keys = {i.key for i in issues}
    assert {"imp_unit_unknown", "imp_unknown_indicator_close", "imp_not_a_number", "imp_rate_range",
            "imp_numerator_above", "imp_zero_denominator", "imp_negative", "imp_period_months", "imp_period_form",
            "imp_period_year", "imp_unit_gone_successor", "imp_unit_not_yet", "imp_ambiguous_separator",
            "imp_no_value", "imp_duplicate", "imp_skipped_aggregate", "imp_rate_mismatch",
            "imp_gso_empty_cells", "imp_too_large", "imp_zip_ratio", "imp_not_utf8", "imp_empty_file"} <= keys
    lines = [i.text("en") for i in issues] + summary_lines(gso, "en") + summary_lines(bad, "en")
    assert {line: _vietnamese_words(line) for line in lines if _vietnamese_words(line)} == {}
    assert summary_lines(gso, "en")[0] == "File gso.csv (GSO province-by-year table, 14 valid figures)"
    assert summary_lines(gso, "en")[1] == ("File gso.csv: numbers read with '.' as the decimal mark (inferred from "
                                           "the numbers in the file)")
    assert summary_lines(gso, "en")[2].startswith("13 added, 1 changed, 0 unchanged figures")
    assert summary_lines(gso)[2].startswith("Thêm mới 13, thay đổi 1, giữ nguyên 0 số liệu")
    # numbers in messages follow the language
    found = {(i.row, i.key): i for i in bad.errors}
    assert found[(15, "imp_ambiguous_separator")].message("en").startswith("'18.382': unclear")
    assert found[(6, "imp_numerator_above")].message("en").endswith("(700 > 600)")


@pytest.mark.unit
def test_period_messages_of_the_importer_say_what_kpi_periods_says(base_dir):
    report = prepare_import([("ky.csv", _csv([["83", text, "jobs_created", "5", "", "", "", "", ""]
                                              for text in ("2023-M13", "quý 5", "1800")]))], data_dir=base_dir)
    for issue, text in zip(report.errors, ("2023-M13", "quý 5", "1800")):
        with pytest.raises(PeriodError) as raised:
            parse_period_text(text)
        assert issue.message() == str(raised.value)


# --- the Dữ liệu page ---------------------------------------------------------------------------

@pytest.mark.page
def test_page_upload_check_confirm_and_view(base_dir):
    at = run_page("pages/data.py", base_dir)
    assert not at.exception, [e.value for e in at.exception]
    first = _ids(base_dir)[0]
    bad = _csv([["Bến Tre", "2026", "jobs_created", "1", "", "", "", "", ""]])
    at.file_uploader[0].set_value(("xau.csv", bad, "text/csv")).run()
    assert not at.exception
    assert any("Chưa thể nhập" in e.value for e in at.error)
    assert "imp_confirm" not in [b.key for b in at.button]
    good = _csv([["Bến Tre", "2020", "jobs_created", "18500", "", "", "", "", ""],
                 ["Cần Thơ", "6 tháng đầu năm 2023", "Nhà tình nghĩa xây mới, sửa chữa", "94", "", "", "", "", ""]])
    at.file_uploader[0].set_value(("tot.csv", good, "text/csv")).run()
    assert not at.exception and not at.error
    preview = next(d.value for d in at.dataframe if "Thay đổi" in d.value.columns)  # the import tab comes first
    assert "Thêm mới" in set(preview.iloc[:, 0]) and "Thay đổi" in set(preview.iloc[:, 0])
    assert _ids(base_dir) == [first]  # nothing written before the confirmation
    at.button(key="imp_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    ids = _ids(base_dir)
    assert len(ids) == 2 and at.session_state["snap"] == ids[0]
    assert any(ids[0] in s.value for s in at.success)
    # choose the older snapshot as the view: nothing is deleted
    at.selectbox(key="imp_view_choice").set_value(first).run()
    at.button(key="imp_view").click().run()
    assert not at.exception and at.session_state["snap"] == first and _ids(base_dir) == ids
    assert any(first in c.value for c in at.caption)


@pytest.mark.page
def test_page_in_english_shows_import_errors_without_vietnamese(base_dir):
    at = run_page("pages/data.py", base_dir, {"lang": "en"})
    at.file_uploader[0].set_value(("bad.csv", _csv(BAD_ROWS), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Cannot import" in e.value for e in at.main.error)
    shown = [e.value for e in [*at.main.error, *at.main.markdown, *at.main.subheader, *at.main.caption]]
    for frame in at.main.dataframe:
        shown += [str(v) for v in frame.value.to_numpy().ravel()] + [str(c) for c in frame.value.columns]
    messages = next(d.value for d in at.main.dataframe if "Message" in d.value.columns)["Message"]
    assert len(messages) >= 20 and any("not a number" in m for m in messages)
    assert {text: _vietnamese_words(text) for text in shown if _vietnamese_words(text)} == {}


@pytest.mark.page
def test_page_beside_a_damaged_newest_snapshot(base_dir):
    _second_snapshot(base_dir)
    intact = store.get_snapshot(None, base_dir)
    _second_snapshot(base_dir)
    newest = store.list_snapshots(base_dir)[0]
    facts = newest.path / "facts.parquet"
    payload = bytearray(facts.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    facts.write_bytes(bytes(payload))
    at = run_page("pages/data.py", base_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert any(newest.id in e.value.replace("\\", "") and "bị hỏng" in e.value for e in at.error)
    history = next(d.value for d in at.dataframe if "Tình trạng" in d.value.columns)
    assert list(history["Tình trạng"]) == ["bị hỏng, không xem hay so sánh được: tệp facts.parquet không khớp mã băm "
                                           "SHA-256 ghi trong manifest.json", "", ""]
    choices = at.selectbox(key="imp_view_choice").options
    assert len(choices) == 2 and not any(newest.id in c for c in choices) and any(intact.id in c for c in choices)
    assert at.selectbox(key="imp_diff_new").value == intact.id


@pytest.mark.page
def test_page_on_empty_folder(empty_dir):
    at = run_page("pages/data.py", empty_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert any("Chưa có bản dữ liệu" in i.value for i in at.info)


# --- issue 15: plausibility bounds per indicator (the catalogue) ---------------------------------

COUNT_UNITS = {"người", "hộ", "căn", "lượt", "lượt người", "bộ", "thủ tục", "lớp", "sổ", "đồng/tháng"}


@pytest.mark.unit
def test_catalogue_holds_the_bounds_of_every_indicator():
    catalogue = load_indicators()
    assert set(BOUND_COLUMNS) <= set(catalogue.columns)
    for _, row in catalogue.iterrows():
        assert row["whole_number"] == (row["unit_of_measure"] in COUNT_UNITS), row["code"]
        assert row["min_value"] == 0 and 0 < row["max_value"] < 1e10, row["code"]
        if row["unit_of_measure"] == "%":
            assert row["max_value"] == 100 and row["parts_max"] > 0, row["code"]
    jobs = catalogue.set_index("code").loc["jobs_created"]
    assert jobs["max_value"] < 10_000_000  # more jobs than that for one province, or the nation, is impossible


@pytest.mark.unit
def test_old_snapshot_catalogues_get_the_bounds_by_code():
    old = load_indicators().drop(columns=BOUND_COLUMNS)
    old.loc[len(old)] = dict(old.iloc[0], code="custom_rate", unit_of_measure="%", decimals=2)
    filled = with_bounds(old).set_index("code")
    assert filled.loc["jobs_created", "max_value"] == load_indicators().set_index("code").loc["jobs_created",
                                                                                                "max_value"]
    assert filled.loc["custom_rate", "max_value"] == 100 and not filled.loc["custom_rate", "whole_number"]


@pytest.mark.query
def test_demo_counts_and_money_lie_within_the_bounds(demo_snapshot):
    """The bounds fit real province figures: every count and amount of the demo lies within them."""
    facts = store.read_table(demo_snapshot, "facts")
    meta = load_indicators().set_index("code")
    sized = facts[facts["indicator"].map(meta["unit_of_measure"]).ne("%")]
    for column in ("actual", "plan"):
        values = sized[column]
        low, high = sized["indicator"].map(meta["min_value"]), sized["indicator"].map(meta["max_value"])
        assert (values.isna() | values.between(low, high)).all(), column
    rates = facts[facts["indicator"].map(meta["unit_of_measure"]).eq("%")]
    assert (rates["denominator"].isna() | rates["denominator"].le(rates["indicator"].map(meta["parts_max"]))).all()


@pytest.mark.query
def test_demo_rates_and_counts_are_importable(demo_snapshot):
    """Inputs reproduce results: whole counts (and plans of them), rates within 0-100% that are
    numerator / denominator × 100 of two whole numbers, so the importer would take every figure."""
    facts = store.read_table(demo_snapshot, "facts")
    meta = load_indicators().set_index("code")
    rates = facts[facts["indicator"].map(meta["unit_of_measure"]).eq("%")]
    counts = facts[facts["indicator"].map(meta["whole_number"]).astype(bool)]
    assert (rates["actual"].dropna() <= 100).all() and (rates["plan"].dropna() <= 100).all()
    assert (rates["actual"].dropna() >= 0).all() and (rates["plan"].dropna() >= 0).all()
    assert (counts["actual"].dropna() % 1 == 0).all() and (counts["plan"].dropna() % 1 == 0).all()
    measured = rates[rates["actual"].notna()]
    assert measured["numerator"].notna().all() and measured["denominator"].notna().all()
    num, den, actual = measured["numerator"], measured["denominator"], measured["actual"]
    assert (num % 1 == 0).all() and (den % 1 == 0).all() and (den > 0).all() and (num <= den).all()
    # exactly, up to the last bit of a float (3,6% is 7.461 / 207.250 × 100 = 3.5999999999999996)
    assert ((num / den * 100 - actual).abs() <= 1e-12 * actual.abs().clip(lower=1)).all()


@pytest.mark.unit
def test_gso_reference_tables_lie_within_the_bounds(reference_dir, base_dir):
    for name, indicator in (("poverty_rate_by_province.csv", "poor_household_rate"),
                            ("trained_employed_workers_pct_by_province.csv", "trained_labour_rate")):
        report = _gso(reference_dir, name, indicator, base_dir)
        assert not report.errors and not report.warnings, name


ABSURD = [  # (indicator, column, cell, text key): each is an error naming file, row and column
    ("jobs_created", "actual", "1e28", "imp_above_max"),
    ("jobs_created", "actual", "1e300", "imp_above_max"),
    ("jobs_created", "actual", "123456789012345678901234567890", "imp_above_max"),
    ("jobs_created", "plan", "10000001", "imp_above_max"),
    ("jobs_created", "actual", "inf", "imp_not_a_number"),
    ("jobs_created", "actual", "-inf", "imp_not_a_number"),
    ("jobs_created", "actual", "nan", "imp_not_a_number"),
    ("jobs_created", "actual", "Infinity", "imp_not_a_number"),
    ("jobs_created", "actual", "1e400", "imp_not_a_number"),
    ("jobs_created", "actual", "1,5", "imp_not_whole"),
    ("heroic_mothers_cared", "plan", "2.5", "imp_not_whole"),
    ("jobs_created", "actual", "50%", "imp_percent_not_rate"),
    ("gratitude_fund", "actual", "12%", "imp_percent_not_rate"),
    ("gratitude_fund", "actual", "1e12", "imp_above_max"),
    ("poor_household_rate", "actual", "1e28", "imp_rate_range"),
    ("poor_household_rate", "numerator", "5%", "imp_percent_in_part"),
    ("poor_household_rate", "denominator", "1e20", "imp_part_above_max"),
]


@pytest.mark.unit
@pytest.mark.parametrize("indicator, column, cell, key", ABSURD)
def test_impossible_numbers_are_errors_and_nothing_is_written(base_dir, indicator, column, cell, key):
    row = {"unit": "Bến Tre", "period": "2021", "indicator": indicator, "actual": "", "plan": "", "numerator": "",
           "denominator": "", "source": "", "note": ""}
    row[column] = cell
    report = prepare_import([("so.csv", _csv([list(row.values())]))], data_dir=base_dir)
    assert not report.ok and report.new_facts is None
    assert [(i.file, i.row, i.column, i.key) for i in report.errors] == [("so.csv", 2, column, key)]
    assert f"'{cell}'" in report.errors[0].message() and f"'{cell}'" in report.errors[0].message("en")
    with pytest.raises(ImportFailed):
        commit_import(report, data_dir=base_dir)
    assert len(_ids(base_dir)) == 1


@pytest.mark.unit
def test_absurd_figure_on_the_command_line_names_row_and_column(base_dir, tmp_path, capsys):
    file = _to_file(tmp_path, "vl.csv", _csv([["Vĩnh Long", "2025", "jobs_created", "1e28", "", "", "", "", ""]]))
    assert cli_main(["--data-dir", str(base_dir), "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert "tệp vl.csv, dòng 2, cột 'actual': '1e28' vượt giới hạn hợp lý 5.000.000" in err and "không ghi gì" in err
    assert len(_ids(base_dir)) == 1


# --- issue 15: possible but unusual figures are warnings to confirm ------------------------------

UNUSUAL_ROWS = [
    ["83", "2021", "jobs_created", "40000", "", "", "", "", ""],          # 2: +118% on 2020 (18.382, in the snapshot)
    ["Hà Nội", "2020", "jobs_created", "", "1000000", "", "", "", ""],    # 3: plan 6,7 × the actual 150.000
    ["83", "2022", "gratitude_houses", "100", "", "", "", "", ""],
    ["83", "2023", "gratitude_houses", "250", "", "", "", "", ""],        # 5: +150% on row 4 of the same file
    ["83", "2019", "jobs_created", "5000", "", "", "", "", ""],           # 6: 2020 (in the snapshot) is +268%
    ["83", "2022-M01", "jobs_created", "1500", "18000", "", "", "", ""],  # January against the year plan: usual
    ["83", "2022", "workers_abroad", "300", "1400", "", "", "", ""],      # 4,7 × : usual
]


@pytest.mark.unit
def test_unusual_figures_are_warnings_in_the_report(base_dir):
    report = prepare_import([("la.csv", _csv(UNUSUAL_ROWS))], data_dir=base_dir)
    assert report.ok and report.counts["added"] + report.counts["changed"] == 7
    found = {(i.row, i.column, i.key): i for i in report.warnings}
    assert set(found) == {(2, "actual", "imp_warn_change"), (3, "plan", "imp_warn_plan"),
                          (5, "actual", "imp_warn_change"), (6, "actual", "imp_warn_change_next")}
    assert found[(2, "actual", "imp_warn_change")].message() == (
        "tăng 118% so với cùng kỳ năm trước (năm 2020: 18.382): có thể đúng nhưng bất thường, hãy kiểm tra")
    assert found[(3, "plan", "imp_warn_plan")].message("en").startswith(
        "the plan 1,000,000 is 6.67 times the actual 150,000")
    assert "năm 2020 (18.382) cao hơn số này 268%" in found[(6, "actual", "imp_warn_change_next")].message()
    assert all(i.file == "la.csv" and i.severity == "warning" for i in report.warnings)
    assert {"warning"} == set(report.issues_frame()["severity"])


@pytest.mark.query
def test_warnings_block_the_write_until_confirmed(base_dir):
    report = prepare_import([("la.csv", _csv(UNUSUAL_ROWS[:1]))], data_dir=base_dir)
    with pytest.raises(ImportFailed) as refused:
        commit_import(report, data_dir=base_dir)
    assert [i.key for i in refused.value.issues] == ["imp_warnings_unconfirmed"] and len(_ids(base_dir)) == 1
    snapshot = commit_import(report, data_dir=base_dir, accept_warnings=True)
    assert _ids(base_dir)[0] == snapshot.id
    assert _facts(base_dir).loc[("jobs_created", "VN63-83", "2021"), "actual"] == 40000


@pytest.mark.unit
def test_cli_warnings_exit_1_unless_accepted(base_dir, tmp_path, capsys):
    file = _to_file(tmp_path, "la.csv", _csv(UNUSUAL_ROWS[:1]))
    for extra in ([], ["--dry-run"]):
        assert cli_main(["--data-dir", str(base_dir), "import", str(file), *extra]) == 1
        err = capsys.readouterr().err
        assert "Cảnh báo: tệp la.csv, dòng 2, cột 'actual': tăng 118%" in err and "--accept-warnings" in err
    assert len(_ids(base_dir)) == 1
    assert cli_main(["--data-dir", str(base_dir), "import", str(file), "--dry-run", "--accept-warnings"]) == 0
    assert len(_ids(base_dir)) == 1
    assert cli_main(["--data-dir", str(base_dir), "import", str(file), "--accept-warnings"]) == 0
    assert "Đã chấp nhận 1 cảnh báo" in capsys.readouterr().out and len(_ids(base_dir)) == 2


@pytest.mark.page
def test_page_confirms_warnings_with_the_checkbox(base_dir):
    at = run_page("pages/data.py", base_dir)
    at.file_uploader[0].set_value(("la.csv", _csv(UNUSUAL_ROWS[:2]), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 cảnh báo" in w.value for w in at.warning)
    assert at.button(key="imp_confirm").disabled
    box = next(c for c in at.checkbox if c.label == "Tôi đã kiểm tra các cảnh báo")
    box.check().run()
    assert not at.button(key="imp_confirm").disabled
    at.button(key="imp_confirm").click().run()
    assert not at.exception and len(_ids(base_dir)) == 2


# --- issue 15: files read as the user sees them ----------------------------------------------------

def _workbook(sheets: list[tuple[str, str, list[list]]]) -> bytes:
    """(name, state, rows) per sheet, in order."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, state, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


LONG_HEADER = ["unit", "period", "indicator", "actual", "plan"]


@pytest.mark.unit
@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_is_never_read(base_dir, state):
    data = _workbook([("Số liệu", state, [LONG_HEADER, ["Bến Tre", "2021", "jobs_created", 99999, None]]),
                      ("Nhập", "visible", [LONG_HEADER, ["Bến Tre", "2021", "jobs_created", 20000, None]])])
    report = prepare_import([("an.xlsx", data)], data_dir=base_dir)
    assert report.ok, [i.text() for i in report.errors]
    assert list(report.facts["actual"]) == [20000]
    assert [i.message() for i in report.notices] == ["trang tính 'Số liệu' đang ẩn nên không được đọc; đã đọc trang "
                                                     "'Nhập'"]
    assert report.notices[0].message("en") == "the sheet 'Số liệu' is hidden and was not read; the sheet 'Nhập' was read"


@pytest.mark.unit
def test_workbook_without_a_visible_sheet_is_refused(base_dir):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Bến Tre", "2021", "jobs_created", 1, None]])])
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:  # Excel never writes this; a crafted file can
        for info in source.infolist():
            content = source.read(info.filename)
            target.writestr(info.filename, content.replace(b'state="visible"', b'state="hidden"')
                            if info.filename == "xl/workbook.xml" else content)
    data = buffer.getvalue()
    report = prepare_import([("an.xlsx", data)], data_dir=base_dir)
    assert [i.key for i in report.errors] == ["imp_no_visible_sheet"]


@pytest.mark.unit
def test_formula_without_a_computed_value_is_an_error_naming_the_cell(base_dir):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Bến Tre", "2020", "jobs_created", 18400, 18000],
                                              ["Hà Nội", "2020", "jobs_created", 150500, "=E2*8"]])])
    report = prepare_import([("ct.xlsx", data)], data_dir=base_dir)
    assert not report.ok and report.new_facts is None
    assert [(i.row, i.column, i.message()) for i in report.errors] == [
        (3, "plan", "ô E3: công thức chưa có giá trị đã tính (mở tệp trong Excel để Excel tính lại rồi lưu, hoặc nhập "
                    "giá trị)")]
    assert report.errors[0].message("en").startswith("cell E3: a formula without a computed value")


def _sheet_xml(data: bytes, edit) -> bytes:
    """The workbook with its first sheet's XML passed through `edit` (as Excel or another writer would write it)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    return buffer.getvalue()


@pytest.mark.unit
def test_formula_with_a_computed_value_is_read_as_that_value(base_dir):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Hà Nội", "2020", "jobs_created", 150500, "=E1*8"]])])
    data = _sheet_xml(data, lambda xml: xml.replace("<f>E1*8</f><v></v>", "<f>E1*8</f><v>160500</v>"))
    report = prepare_import([("ct.xlsx", data)], data_dir=base_dir)
    assert report.ok and list(report.facts["plan"]) == [160500]


@pytest.mark.unit
@pytest.mark.parametrize("stored", ["INF", "NaN", "1E+400", "1e28", "-1"])
def test_workbook_number_cells_that_no_figure_can_be_are_errors(base_dir, stored):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Hà Nội", "2020", "jobs_created", 150500, None]])])
    data = _sheet_xml(data, lambda xml: xml.replace("<v>150500</v>", f"<v>{stored}</v>"))
    report = prepare_import([("so.xlsx", data)], data_dir=base_dir)
    assert [(i.row, i.column) for i in report.errors] == [(2, "actual")] and report.new_facts is None


@pytest.mark.unit
def test_gso_table_as_a_workbook_of_typed_numbers(base_dir):
    rows = [["Poverty rate by province"], [], ["Cities, provincies", "2014", "2015", "Prel. 2016"],
            ["Ha Noi", 2.3, 1.8, 1.3], ["Thai  Nguyen", 11.1, 9.1, 7.1], ["Ho Chi Minh city", 0, 0, ".."]]
    report = prepare_import([("gso.xlsx", _workbook([("Sheet1", "visible", rows)]))], indicator="poor_household_rate",
                            data_dir=base_dir)
    assert report.ok, [i.text() for i in report.errors]
    facts = report.facts.set_index(["unit", "period"])["actual"]
    assert facts[("VN-01", "2015")] == 1.8 and facts[("VN63-19", "2016")] == 7.1 and facts[("VN63-79", "2015")] == 0
    assert ("VN63-79", "2016") not in facts.index
    assert "Tệp gso.xlsx: không có số nào cần dấu thập phân" in summary_lines(report)


@pytest.mark.unit
def test_a_date_typed_into_the_period_or_a_figure_is_an_error_not_a_crash(base_dir):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Bến Tre", dt.datetime(2023, 6, 1), "jobs_created", 9000,
                                                            None], ["Bến Tre", "2021", "jobs_created",
                                                                    dt.datetime(2021, 1, 2), None]])])
    report = prepare_import([("ngay.xlsx", data)], data_dir=base_dir)
    found = {(i.row, i.column): i.message() for i in report.errors}
    assert "2023-06-01T00:00:00" in found[(2, "period")] and "'2021-01-02T00:00:00' không phải là số" in found[(3, "actual")]


@pytest.mark.unit
@pytest.mark.parametrize("cells, mark", [(["3,5", "60.6", "2,5"], ","), (["3.5", "60,6"], None), (["18382", "1.234"], None),
                                         (["1.234.567"], ","), (["1,234,567.5"], ".")])
def test_the_decimal_mark_most_cells_show(cells, mark):
    assert infer_decimal([cell_forms(pd.Series(cells, dtype="str"))])[0] == mark


MONEY = "merit_allowance_spending"  # tỷ đồng, one decimal


@pytest.mark.unit
@pytest.mark.parametrize("cells, decimal, expected", [
    (["1.234"], None, None),                     # alone: no other number tells; an error asking for --decimal
    (["1,234"], None, None),
    (["1.234", "3,5"], None, [1234.0, 3.5]),     # the file writes decimals with a comma: 1.234 is 1234
    (["1,234", "3,5"], None, [1.234, 3.5]),
    (["1,234", "3.5"], None, [1234.0, 3.5]),     # the file writes decimals with a dot
    (["1.234", "0,5"], None, [1234.0, 0.5]),
    (["1.234", "1.000,5"], None, [1234.0, 1000.5]),  # dots as thousands before a decimal comma
    (["1.234"], ".", [1.234]),
    (["1.234"], ",", [1234.0]),
    (["1.234,5", "12"], None, [1234.5, 12.0]),
])
def test_money_follows_the_files_decimal_mark(base_dir, cells, decimal, expected):
    rows = [["Bến Tre", str(2010 + i), MONEY, cell, "", "", "", "", ""] for i, cell in enumerate(cells)]
    report = prepare_import([("tien.csv", _csv(rows))], decimal=decimal, data_dir=base_dir)
    if expected is None:
        assert [(i.row, i.column, i.key) for i in report.errors] == [(2, "actual", "imp_ambiguous_separator")]
        assert "--decimal" in report.errors[0].message() and report.new_facts is None
        return
    assert report.ok, [i.text() for i in report.errors]
    assert list(report.facts.sort_values("period")["actual"]) == expected
    how = "theo lựa chọn" if decimal else "suy ra từ các số trong tệp"
    assert any(line.startswith("Tệp tien.csv: đọc số với dấu thập phân") and how in line for line in
               summary_lines(report))


@pytest.mark.unit
def test_counts_and_money_share_one_rule_and_a_count_is_never_scaled(base_dir):
    rows = [["Bến Tre", "2010", MONEY, "3.5", "", "", "", "", ""],            # the file's decimal mark is a dot
            ["Bến Tre", "2011", "jobs_created", "18.000", "", "", "", "", ""],  # so this is 18.0: never 18 persons
            ["Bến Tre", "2012", "jobs_created", "18,000", "", "", "", "", ""],  # and this 18000
            ["Bến Tre", "2013", MONEY, "60,6", "", "", "", "", ""],             # a comma decimal contradicts the file
            ["Bến Tre", "2014", MONEY, "2.5", "", "", "", "", ""]]
    report = prepare_import([("mot.csv", _csv(rows))], data_dir=base_dir)
    found = {i.row: i for i in report.errors}
    assert set(found) == {3, 5}
    assert found[3].key == "imp_not_whole_mark" and "dùng '.' làm dấu thập phân" in found[3].message()
    assert found[5].key == "imp_decimal_conflict" and "'60,6'" in found[5].message()
    fixed = prepare_import([("mot.csv", _csv([r for r in rows if r[1] not in ("2011", "2013")]))], data_dir=base_dir)
    assert fixed.ok and list(fixed.facts.sort_values("period")["actual"]) == [3.5, 18000.0, 2.5]


@pytest.mark.unit
def test_typed_workbook_numbers_need_no_decimal_mark(base_dir):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Bến Tre", "2010", MONEY, 1.234, None],
                                              ["Bến Tre", "2011", MONEY, "1.234", None],
                                              ["Bến Tre", "2012", MONEY, "3,5", None]])])
    report = prepare_import([("so.xlsx", data)], data_dir=base_dir)
    assert report.ok and list(report.facts.sort_values("period")["actual"]) == [1.234, 1234.0, 3.5]


# the workbook reader against openpyxl, on workbooks as different writers write them

def _shared_strings(data: bytes) -> bytes:
    """openpyxl writes inline strings; Excel writes a shared-strings part: rewrite the first sheet so."""
    strings: list[str] = []

    def edit(xml: str) -> str:
        def shared(match):
            strings.append(match.group(2))
            return f'<c r="{match.group(1)}" t="s"><v>{len(strings) - 1}</v></c>'
        return re.sub(r'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared, xml)

    data = _sheet_xml(data, edit)
    source = zipfile.ZipFile(io.BytesIO(data))
    items = "".join(f"<si><r><t>{s[:1]}</t></r><r><t xml:space=\"preserve\">{s[1:]}</t></r><rPh><t>x</t></rPh></si>"
                    if "&" not in s else f"<si><t>{s}</t></si>" for s in strings)  # rich-text runs, phonetic run
    table = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}">{items}</sst>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                content = content.replace(b"</Relationships>", b'<Relationship Id="rIdS" Target="sharedStrings.xml" '
                                          b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                          b'sharedStrings"/></Relationships>')
            target.writestr(info.filename, content)
        target.writestr("xl/sharedStrings.xml", table)
    return buffer.getvalue()


def _prefixed(data: bytes) -> bytes:
    """The first sheet with the main namespace on a prefix (<x:c>), rows without r and cells in another order."""
    def edit(xml: str) -> str:
        xml = xml.replace('<worksheet xmlns="', '<x:worksheet xmlns:x="').replace("</worksheet>", "</x:worksheet>")
        xml = re.sub(r"<(/?)(sheetData|row|c|v|f|is|t|sheetPr|outlinePr|pageSetUpPr|sheetViews|sheetView|selection|"
                     r"sheetFormatPr|pageMargins|dimension|cols|col)\b", r"<\1x:\2", xml)
        xml = re.sub(r'<x:row r="\d+"', "<x:row", xml)
        return re.sub(r'<x:c r="([A-Z]+\d+)" t="(\w+)"', r'<x:c t="\2" r="\1"', xml)
    return _sheet_xml(data, edit)


CELL_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), max_size=12),
    st.sampled_from(["a & b", "<x>", "\"q\"", "'", "Bến Tre", " lề ", "=1+1", "1.234", "60,6%"]))


@pytest.mark.unit
@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.lists(CELL_VALUES, min_size=1, max_size=6), min_size=1, max_size=6),
       writer=st.sampled_from(["openpyxl", "shared", "prefixed"]))
def test_workbook_reader_reads_what_openpyxl_reads(rows, writer):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, as the one safe writer writes it
    buffer = io.BytesIO()
    book.save(buffer)
    data = {"openpyxl": lambda d: d, "shared": _shared_strings, "prefixed": _prefixed}[writer](buffer.getvalue())
    expected = {}
    for line in openpyxl.load_workbook(io.BytesIO(buffer.getvalue()), data_only=True).active.iter_rows():
        for cell in line:
            if cell.value not in (None, ""):
                expected[(cell.row, cell.column - 1)] = cell.value
    reader = Workbook(data)
    cells = reader.read_cells(reader.sheets[0], 60, 100)
    got = {(row, column): value for row, values in zip(cells.rows, cells.cells)
           for column, value in enumerate(values) if value is not None}
    assert set(got) == set(expected)
    for key, value in expected.items():
        if isinstance(value, bool):
            assert got[key] == str(value)
        elif isinstance(value, dt.datetime):
            assert got[key] == value.isoformat()
        elif isinstance(value, (int, float)):
            assert isinstance(got[key], Number) and float(got[key]) == value
        else:
            assert got[key] == value


@pytest.mark.unit
def test_workbook_parts_with_a_doctype_are_refused(base_dir):
    data = _workbook([("Số liệu", "visible", [LONG_HEADER, ["Bến Tre", "2021", "jobs_created", 1, None]])])
    data = _sheet_xml(data, lambda xml: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + xml)
    report = prepare_import([("dt.xlsx", data)], data_dir=base_dir)
    assert [i.key for i in report.errors] == ["imp_sheet_unreadable"] and "DOCTYPE" in report.errors[0].message()


# --- issue 15: a write that fails ends in a clear message and writes nothing ----------------------

def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in store.snapshots_dir(folder).iterdir() if p.name.startswith(".tmp-")]


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


GOOD_ROW = [["Bến Tre", "6T/2023", "jobs_created", "9000", "", "", "", "", ""]]


@pytest.mark.query
def test_full_disk_during_the_write_is_a_message_and_nothing_is_written(base_dir, monkeypatch):
    report = prepare_import([("tot.csv", _csv(GOOD_ROW))], data_dir=base_dir)
    monkeypatch.setattr(snapshot_write.pq, "write_table", _disk_full)
    with pytest.raises(ImportFailed) as failed:
        commit_import(report, data_dir=base_dir)
    [issue] = failed.value.issues
    folder = store.snapshots_dir(base_dir)
    assert issue.text() == f"Không ghi được bản dữ liệu mới vào {folder}: ổ đĩa đã đầy; không có gì thay đổi"
    assert issue.text("en") == f"Could not write the new snapshot to {folder}: the disk is full; nothing was changed"
    assert len(_ids(base_dir)) == 1 and _leftovers(base_dir) == []


@pytest.mark.query
def test_full_disk_on_the_command_line_is_one_line_and_exit_1(base_dir, tmp_path, monkeypatch, capsys):
    file = _to_file(tmp_path, "tot.csv", _csv(GOOD_ROW))
    monkeypatch.setattr(snapshot_write.pq, "write_table", _disk_full)
    assert cli_main(["--data-dir", str(base_dir), "import", str(file)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"Lỗi: Không ghi được bản dữ liệu mới vào {store.snapshots_dir(base_dir)}: ổ đĩa đã "
                                "đầy; không có gì thay đổi"]
    assert len(_ids(base_dir)) == 1 and _leftovers(base_dir) == []


def _read_only(folder: Path):
    """chmod the snapshot folder read-only; None (skip) when this user writes regardless (root)."""
    root = store.snapshots_dir(folder)
    root.chmod(0o555)
    try:
        (root / ".probe").mkdir()
    except PermissionError:
        return root
    (root / ".probe").rmdir()
    root.chmod(0o755)
    return None


@pytest.mark.query
def test_read_only_data_folder_is_a_message_and_nothing_is_written(base_dir, tmp_path, capsys):
    root = _read_only(base_dir)
    if root is None:
        pytest.skip("this user (root) writes into a read-only folder; see the test below, as another user")
    try:
        file = _to_file(tmp_path, "tot.csv", _csv(GOOD_ROW))
        assert cli_main(["--data-dir", str(base_dir), "import", str(file)]) == 1
        assert "không có quyền ghi vào thư mục; không có gì thay đổi" in capsys.readouterr().err
    finally:
        root.chmod(0o755)
    assert len(_ids(base_dir)) == 1 and _leftovers(base_dir) == []


@pytest.mark.query
@pytest.mark.skipif(not hasattr(os, "fork") or os.geteuid() != 0, reason="needs root to drop to another user")
def test_read_only_data_folder_as_an_unprivileged_user(tmp_path):
    """As root, permissions are not enforced: a forked child drops to 'nobody' and imports into a
    folder it may read but not write (the modules it needs are loaded before the fork)."""
    shared = Path(tempfile.mkdtemp(prefix="kpi-ro-"))
    try:
        shared.chmod(0o755)
        folder = shared / "data"
        _write_base(folder)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        report = prepare_import([("tot.csv", _csv(GOOD_ROW))], data_dir=folder)
        issue_text = Issue("", None, None, "imp_write_failed", {"folder": "", "reason": Phrase("imp_reason_verify")})
        issue_text.text()  # every module the failure path needs is loaded
        read, write = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child process
            os.close(read)
            try:
                os.setgid(65534)
                os.setuid(65534)
                try:
                    commit_import(report, data_dir=folder)
                    message = "WRITTEN"
                except ImportFailed as exc:
                    message = exc.issues[0].text()
            except BaseException as exc:  # noqa: BLE001 - reported to the parent
                message = f"{type(exc).__name__}: {exc}"
            os.write(write, message.encode("utf-8"))
            os._exit(0)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            message = pipe.read().decode("utf-8")
        os.waitpid(child, 0)
        assert message == (f"Không ghi được bản dữ liệu mới vào {store.snapshots_dir(folder)}: không có quyền ghi vào "
                           "thư mục; không có gì thay đổi")
        assert len(_ids(folder)) == 1 and _leftovers(folder) == []
    finally:
        shutil.rmtree(shared, ignore_errors=True)


@pytest.mark.page
def test_page_shows_a_failed_write_as_a_message(base_dir, monkeypatch):
    at = run_page("pages/data.py", base_dir)
    at.file_uploader[0].set_value(("tot.csv", _csv(GOOD_ROW), "text/csv")).run()
    monkeypatch.setattr(snapshot_write.pq, "write_table", _disk_full)
    at.button(key="imp_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [e.value for e in at.error] == [f"Không ghi được bản dữ liệu mới vào {store.snapshots_dir(base_dir)}: ổ đĩa "
                                           "đã đầy; không có gì thay đổi"]
    assert len(_ids(base_dir)) == 1 and _leftovers(base_dir) == []


# --- issue 15: the Dữ liệu page does its work once -------------------------------------------------

def _second_snapshot(folder: Path) -> None:
    changed = BASE_FACTS.copy()
    changed.loc[0, "actual"] = 18400.0
    store.write_snapshot(changed, build_units(), load_indicators(), created_by="tests", data_dir=folder,
                         parent=store.get_snapshot(None, folder).id)


@pytest.mark.query
def test_diff_once_per_pair_and_its_csv_only_when_downloaded(base_dir, monkeypatch):
    _second_snapshot(base_dir)
    new, old = store.list_snapshots(base_dir)
    calls = {"diff": 0, "csv": 0}
    real_diff, real_csv = merge.diff_facts, data_screen.diff_csv

    def counted_diff(*args):
        calls["diff"] += 1
        return real_diff(*args)

    def counted_csv(*args):
        calls["csv"] += 1
        return real_csv(*args)

    monkeypatch.setattr(merge, "diff_facts", counted_diff)
    monkeypatch.setattr(data_screen, "diff_csv", counted_csv)
    merge.diff_of.cache_clear()
    data_screen.diff_view_of.cache_clear()
    first = data_screen.diff_view_of(old, new, "vi")
    again = data_screen.diff_view_of(store.get_snapshot(old.id, base_dir), store.get_snapshot(new.id, base_dir), "vi")
    english = data_screen.diff_view_of(old, new, "en")
    assert again is first and english is not first
    assert calls == {"diff": 1, "csv": 0}
    assert b"18400" in first.csv() and calls["csv"] == 1


@pytest.mark.page
def test_page_reruns_recompute_neither_the_check_nor_the_diff(base_dir, monkeypatch):
    _second_snapshot(base_dir)
    calls = {"prepare": 0, "diff": 0, "csv": 0}
    real_prepare, real_diff, real_csv = merge.prepare_import, merge.diff_facts, data_screen.diff_csv

    def count(name, real):
        def counted(*args, **kwargs):
            calls[name] += 1
            return real(*args, **kwargs)
        return counted

    monkeypatch.setattr(merge, "prepare_import", count("prepare", real_prepare))
    monkeypatch.setattr(merge, "diff_facts", count("diff", real_diff))
    monkeypatch.setattr(data_screen, "diff_csv", count("csv", real_csv))
    merge.diff_of.cache_clear()
    data_screen.diff_view_of.cache_clear()
    at = run_page("pages/data.py", base_dir)
    at.file_uploader[0].set_value(("tot.csv", _csv(GOOD_ROW), "text/csv")).run()
    at.text_input(key="imp_note").input("ghi chú").run()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert calls == {"prepare": 1, "diff": 1, "csv": 0}


# --- issue 15: non-finite and huge numbers in every value column (property) ------------------------

NUMBER_TEXTS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda v: f"{v:e}"),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e12).map(lambda v: repr(v).replace(".", ",")),
    st.integers(-10**40, 10**40).map(str),
    st.sampled_from(["inf", "-inf", "Infinity", "NaN", "nan", "1e28", "1e300", "1e309", "-0", "0", "1,5", "50%",
                     "1.234", "1.234.567", "1,234.5", "99,9%", "100", "100,0001", "5000000", "5000001"]))
BOUNDED = ["jobs_created", "gratitude_fund", "poor_household_rate", "heroic_mothers_cared"]


def _readings(text: str) -> set[float]:
    """Every value a cell can honestly be read as: machine form, Vietnamese or English separators."""
    cleaned = text.strip().rstrip("%")
    out = set()
    for candidate in (cleaned, cleaned.replace(",", "."), cleaned.replace(".", "").replace(",", "."),
                      cleaned.replace(",", "")):
        try:
            out.add(float(candidate))
        except ValueError:
            continue
    return {v for v in out if math.isfinite(v)}


@pytest.mark.slow
@pytest.mark.query
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(indicator=st.sampled_from(BOUNDED), cells=st.fixed_dictionaries({c: NUMBER_TEXTS for c in
                                                                         ("actual", "plan", "numerator", "denominator")}),
       present=st.sets(st.sampled_from(["actual", "plan", "numerator", "denominator"]), min_size=1),
       workbook=st.booleans())
def test_non_finite_and_huge_numbers_never_raise_nor_store_a_wrong_number(base_dir, indicator, cells, present,
                                                                          workbook):
    row = {"unit": "Bến Tre", "period": "2021", "indicator": indicator}
    row.update({c: (cells[c] if c in present else "") for c in ("actual", "plan", "numerator", "denominator")})
    if workbook:  # finite machine-form texts as typed numbers (openpyxl writes inf and nan as empty cells)
        typed = {c: (float(v) if c in present and re.fullmatch(r"-?\d+(\.\d*)?(e[+-]?\d+)?", v, re.I)
                     and math.isfinite(float(v)) else v) for c, v in row.items()}
        data, name = _workbook([("Số liệu", "visible", [list(typed), list(typed.values())])]), "so.xlsx"
    else:
        data, name = _csv([list(row.values())], header=list(row)), "so.csv"
    report = prepare_import([(name, data)], data_dir=base_dir)
    meta = load_indicators().set_index("code").loc[indicator]
    if not report.ok:
        assert report.new_facts is None and all(i.file == name and i.row == 2 for i in report.errors)
        assert all(i.column in present for i in report.errors if i.column), [i.text() for i in report.errors]
        return
    stored = report.facts.iloc[0]
    for column in present:
        value = stored[column]
        assert math.isfinite(value), (column, cells[column], value)
        assert value >= 0
        # never scaled any other way (openpyxl writes a float with 16 significant digits: "%.16g")
        readings = _readings(cells[column]) | ({float(f"{float(cells[column]):.16g}")}
                                               if workbook and isinstance(typed[column], float) else set())
        assert value in readings, (column, cells[column], value)
        if column in ("actual", "plan"):
            assert meta["min_value"] <= value <= meta["max_value"]
            if meta["whole_number"]:
                assert value == int(value)
        else:
            assert value <= (meta["parts_max"] if not math.isnan(meta["parts_max"]) else meta["max_value"])
    for column in {"actual", "plan", "numerator", "denominator"} - present:
        assert math.isnan(stored[column])


@pytest.mark.unit
@pytest.mark.parametrize("year_2019, warned", [("9191", False), ("9190", True)])
def test_a_rise_of_just_over_double_is_warned_and_of_double_not(base_dir, tmp_path, year_2019, warned):
    """The rise is warned above CHANGE_WARNING_PCT and not at it, whether on a figure of the same file
    (2022 -> 2023 exactly +100%, 2023 -> 2024 +100,5%) or of the snapshot (2020 is 18.382: 9.191 makes
    it exactly double, 9.190 a little more)."""
    rows = [["83", "2022", "gratitude_houses", "100", "", "", "", "", ""],
            ["83", "2023", "gratitude_houses", "200", "", "", "", "", ""],
            ["83", "2024", "gratitude_houses", "401", "", "", "", "", ""]]
    report = prepare_import([("f.csv", _csv(rows))], data_dir=tmp_path)
    assert report.ok and [(i.row, i.key) for i in report.warnings] == [(4, "imp_warn_change")]
    report = prepare_import([("g.csv", _csv([["83", "2019", "jobs_created", year_2019, "", "", "", "", ""]]))],
                            data_dir=base_dir)
    assert report.ok and [(i.row, i.key) for i in report.warnings] == ([(2, "imp_warn_change_next")] if warned else [])
