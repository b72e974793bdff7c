"""Numbers as people type them (DESIGN 4.2; issue 10, item 1), as a property of the whole import.

Random counts, amounts and rates are written the Vietnamese way (`18.382`, `3,34`, `1.234,5`) or
the English way (`18,382`, `3.34`), with or without thousands separators (dots, commas, spaces),
with or without a % sign, in CSV files and in workbooks (where a cell may also be a number typed
in Excel), several files of either convention in one import. The import either reads every
intended number exactly, or refuses with errors that each name the file, the row and the column
and quote the cell; it never reads a number off by a power of ten. It refuses exactly when a file
holds a cell such as `18.000` (one separator before three digits) and no cell of that file shows
the decimal mark; given the decimal mark (`--decimal`), it never refuses a file written that way.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import store
from kpi.importing.merge import prepare_import
from kpi.periods import parse_period
from kpi.store.indicators import load_indicators
from kpi.units.resolve import resolve_unit
from kpi.units.table import build_units

HEADER = ["unit", "period", "indicator", "actual", "plan", "numerator", "denominator", "source", "note"]
UNITS = ["Bến Tre", "Cần Thơ", "Khánh Hòa", "Hà Nội", "Đà Nẵng", "An Giang", "Long An", "Nghệ An"]
YEARS = list(range(2016, 2025))
# indicator -> what it holds: a count of people, an amount of money (1 decimal), a rate with its parts
COUNTS = {"jobs_created": 5_000_000, "workers_abroad": 1_000_000, "vocational_enrolment": 5_000_000}
MONEY = {"gratitude_fund": 50_000, "merit_allowance_spending": 200_000}
RATES = ["urban_unemployment_rate", "poor_household_rate", "trained_labour_rate"]
AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}[.,]\d{3}%?$")  # 18.000, 1,234: thousands or decimals?
SHOWS_MARK = re.compile(r"[.,]")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    """A data folder with one small snapshot (its units and catalogue are what an import reads)."""
    folder = tmp_path_factory.mktemp("typed")
    facts = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN63-83", "period": "2015", "actual": 15000.0,
                           "plan": None, "numerator": None, "denominator": None, "source": "test", "note": ""}])
    store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests", note="base", data_dir=folder)
    return folder


@pytest.fixture(scope="module")
def unit_keys(data_dir) -> dict[str, str]:
    units = store.read_table(store.get_snapshot(None, data_dir), "units")
    return {name: resolve_unit(name, units, parse_period("2020")) for name in UNITS}


# --------------------------------------------------------------------------- writing a number

def write_number(value: Decimal, places: int, convention: str, grouping: str, percent: str = "") -> str:
    """`value` with `places` decimals as a person of `convention` ('vi' or 'en') types it; grouping:
    '' none, 'mark' the convention's thousands separator, ' ' or '\u00a0' a space."""
    text = f"{value:,.{places}f}" if grouping else f"{value:.{places}f}"
    if convention == "vi":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    if grouping and grouping != "mark":
        thousands = "." if convention == "vi" else ","
        text = text.replace(thousands, grouping)
    return text + percent


@st.composite
def typed(draw, value: Decimal, least_places: int, convention: str, percent_allowed: bool = False):
    """A cell holding `value`: text in the convention, or (in a workbook) a number typed in Excel."""
    # a whole number mostly without decimals ('18.382', sometimes '18.382,00'), others as needed or more
    places = draw(st.sampled_from([0, 0, 0, 0, 2])) if least_places == 0 and not percent_allowed else \
        draw(st.integers(least_places, max(least_places, 2)))
    grouping = draw(st.sampled_from(["", "mark", "mark", " ", "\u00a0"]))
    percent = draw(st.sampled_from(["", "%", " %"])) if percent_allowed else ""
    return write_number(value, places, convention, grouping, percent)


def sizes(top: int):
    """Whole numbers of every size: below a thousand, one group of thousands (18.382), millions."""
    bands = ((0, 999), (1000, 999_999), (1_000_000, top))
    return st.one_of(*[st.integers(low, min(high, top)) for low, high in bands if low <= top])


def places_of(value: Decimal) -> int:
    return max(0, -value.normalize().as_tuple().exponent)


@st.composite
def figure_rows(draw, convention: str, keys: list[tuple[str, int, str]]):
    """Rows of one file (cells as text) and the numbers they mean, one row per key."""
    rows, meant = [], []
    for unit, year, code in keys:
        cells = {"unit": unit, "period": str(year), "indicator": code, "actual": "", "plan": "", "numerator": "",
                 "denominator": "", "source": "thử", "note": ""}
        values = {}
        if code in COUNTS:
            for column in ("actual", "plan"):
                number = Decimal(draw(sizes(COUNTS[code])))
                values[column] = number
                cells[column] = draw(typed(number, 0, convention))
        elif code in MONEY:
            for column in ("actual", "plan"):
                # tenths mostly; thousandths as reports print them ("30,028 tỷ đồng": 30.028 or 30028?)
                scale = draw(st.sampled_from([10, 10, 1000]))
                number = Decimal(draw(sizes(MONEY[code] - 1))) + Decimal(draw(st.integers(0, scale - 1))) / scale
                values[column] = number
                cells[column] = draw(typed(number, places_of(number), convention))
        else:
            denominator = draw(sizes(5_000_000).filter(bool))
            numerator = draw(st.integers(0, denominator))
            actual = (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.01"))
            plan = Decimal(draw(st.integers(0, 10_000))) / 100
            values.update(actual=actual, plan=plan, numerator=Decimal(numerator), denominator=Decimal(denominator))
            cells["actual"] = draw(typed(actual, places_of(actual), convention, percent_allowed=True))
            cells["plan"] = draw(typed(plan, places_of(plan), convention, percent_allowed=True))
            cells["numerator"] = draw(typed(Decimal(numerator), 0, convention))
            cells["denominator"] = draw(typed(Decimal(denominator), 0, convention))
        rows.append(cells)
        meant.append(((unit, str(year), code), values))
    return rows, meant


@st.composite
def imports(draw, workbooks: bool, convention: str | None = None):
    """1-3 files of random conventions (or all of `convention`); keys (unit, year, indicator) distinct
    across the import."""
    n_files = draw(st.integers(1, 3))
    indicators = 3 * list(COUNTS) + list(MONEY) + RATES  # files of counts only are the hard case
    keys = draw(st.lists(st.tuples(st.sampled_from(UNITS), st.sampled_from(YEARS), st.sampled_from(indicators)),
                         min_size=n_files, max_size=3 * n_files + 3, unique=True))
    files = []
    for i in range(n_files):
        part = keys[i::n_files]
        written = convention or draw(st.sampled_from(["vi", "en"]))
        rows, meant = draw(figure_rows(written, part))
        kind = "xlsx" if workbooks and draw(st.booleans()) else "csv"
        # in a workbook some number cells are numbers typed in Excel (no decimal mark to read)
        numeric = {(r, c) for r, row in enumerate(rows) for c in ("actual", "plan", "numerator", "denominator")
                   if kind == "xlsx" and row[c] and draw(st.booleans())}
        files.append({"name": f"so_lieu_{i + 1}.{kind}", "convention": written, "rows": rows, "meant": meant,
                      "numeric": numeric})
    return files


def file_bytes(file: dict) -> bytes:
    rows = [[row[c] for c in HEADER] for row in file["rows"]]
    if file["name"].endswith(".csv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
        return buffer.getvalue().encode("utf-8")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    meant = dict(file["meant"])
    for r, row in enumerate(rows):
        cells = list(row)
        percent_cells = []
        for c, column in enumerate(HEADER):
            if (r, column) in file["numeric"]:
                number = meant[tuple(cells[:3])][column]
                if cells[c].endswith("%"):  # typed '60,6%' in Excel: stored 0.606, shown in a percent format
                    cells[c] = float(number / 100)
                    percent_cells.append(c)
                else:
                    cells[c] = int(number) if number == number.to_integral_value() else float(number)
        sheet.append(cells)
        for c in percent_cells:
            sheet.cell(sheet.max_row, c + 1).number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def text_cells(file: dict) -> list[str]:
    """The number cells of a file written as text (a typed Excel number shows no mark)."""
    return [row[c] for r, row in enumerate(file["rows"]) for c in ("actual", "plan", "numerator", "denominator")
            if row[c] and (r, c) not in file["numeric"]]


def undecidable(file: dict) -> bool:
    """A cell that could be either reading, and no cell of the file showing the decimal mark."""
    cells = [c.replace(" ", "").replace("\u00a0", "") for c in text_cells(file)]
    ambiguous = [c for c in cells if AMBIGUOUS.match(c)]
    evidence = [c for c in cells if SHOWS_MARK.search(c) and not AMBIGUOUS.match(c)]
    return bool(ambiguous) and not evidence


def check(report, files: list[dict], unit_keys: dict[str, str], decimal: str | None) -> None:
    names = {f["name"] for f in files}
    if report.ok:
        assert decimal or not any(undecidable(f) for f in files), "a cell that fits either reading was read"
        facts = report.facts.set_index(["unit", "period", "indicator"])
        for file in files:
            for (unit, period, code), values in file["meant"]:
                row = facts.loc[(unit_keys[unit], period, code)]
                for column, number in values.items():
                    assert row[column] == float(number), (file["name"], unit, period, code, column,
                                                          row[column], number)
        return
    assert report.new_facts is None and report.errors
    for issue in report.errors:  # each error names the file, the row and the column and quotes the cell
        assert issue.file in names and issue.row is not None and issue.row >= 2 and issue.column, issue.text()
        assert re.search(r"'[^']+'", issue.message()), issue.text()
    assert not decimal, [i.text() for i in report.errors]  # a file written as said is never refused
    undecided = {f["name"] for f in files if undecidable(f)}
    assert undecided and {i.file for i in report.errors} <= undecided, [i.text() for i in report.errors]
    assert all(i.key == "imp_ambiguous_separator" for i in report.errors), [i.text() for i in report.errors]


SETTINGS = settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                             HealthCheck.function_scoped_fixture])


@pytest.mark.unit
@SETTINGS
@given(files=imports(workbooks=False))
def test_csv_files_of_either_convention_read_exactly_or_are_refused(data_dir, unit_keys, files):
    report = prepare_import([(f["name"], file_bytes(f)) for f in files], data_dir=data_dir)
    check(report, files, unit_keys, None)
    if report.ok:  # the summary says which reading it used, per file
        marks = {entry["file"]: entry["decimal"] for entry in report.files}
        for f in files:
            if any(SHOWS_MARK.search(c) for c in text_cells(f)):
                assert marks[f["name"]] == ("," if f["convention"] == "vi" else "."), (f["name"], marks)


@pytest.mark.unit
@SETTINGS
@given(files=imports(workbooks=True))
def test_workbooks_and_csv_mixed_read_exactly_or_are_refused(data_dir, unit_keys, files):
    report = prepare_import([(f["name"], file_bytes(f)) for f in files], data_dir=data_dir)
    check(report, files, unit_keys, None)


@st.composite
def imports_of_one_convention(draw):
    convention = draw(st.sampled_from(["vi", "en"]))
    return convention, draw(imports(workbooks=True, convention=convention))


@pytest.mark.unit
@SETTINGS
@given(case=imports_of_one_convention())
def test_a_given_decimal_mark_reads_every_file_written_that_way(data_dir, unit_keys, case):
    convention, files = case
    decimal = "," if convention == "vi" else "."
    report = prepare_import([(f["name"], file_bytes(f)) for f in files], data_dir=data_dir, decimal=decimal)
    check(report, files, unit_keys, decimal)


@pytest.mark.unit
@pytest.mark.parametrize("cells, decimal, expected", [
    # the issue's cases: 18.000 beside 18.382 is never 18
    ({"actual": "18.382", "plan": "18.000"}, ",", (18382, 18000)),
    ({"actual": "18,382", "plan": "18,000"}, ".", (18382, 18000)),
    ({"actual": "246.000", "plan": "20.000"}, ",", (246000, 20000)),
    ({"actual": "18 382", "plan": "18\u00a0000"}, None, (18382, 18000)),
    ({"actual": "1.234.567", "plan": "18.000"}, None, (1234567, 18000)),  # the grouped cell shows the mark
    ({"actual": "1,234,567", "plan": "18,000"}, None, (1234567, 18000)),
])
def test_thousands_are_never_read_as_decimals(data_dir, cells, decimal, expected):
    row = ["Bến Tre", "2021", "jobs_created", cells["actual"], cells["plan"], "", "", "", ""]
    report = prepare_import([("so.csv", _csv([row]))], data_dir=data_dir, decimal=decimal)
    assert report.ok, [i.text() for i in report.errors]
    assert tuple(report.facts[["actual", "plan"]].iloc[0]) == expected


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


@pytest.mark.unit
def test_a_file_that_cannot_tell_is_refused_naming_file_row_and_column(data_dir):
    report = prepare_import([("so.csv", _csv([["Bến Tre", "2021", "jobs_created", "18.382", "18.000", "", "", "", ""]]))],
                            data_dir=data_dir)
    assert not report.ok and report.new_facts is None
    assert [(i.file, i.row, i.column, i.key) for i in report.errors] == [
        ("so.csv", 2, "actual", "imp_ambiguous_separator"), ("so.csv", 2, "plan", "imp_ambiguous_separator")]
    assert "'18.000'" in report.errors[1].message() and "'18.000'" in report.errors[1].message("en")


@pytest.mark.unit
def test_the_cells_are_written_as_people_type_them():
    """The strategies write what the property claims: both conventions, every grouping, % signs."""
    cells = {write_number(Decimal("18382"), 0, "vi", "mark"), write_number(Decimal("18382"), 0, "en", "mark"),
             write_number(Decimal("1234.5"), 1, "vi", "mark"), write_number(Decimal("3.34"), 2, "vi", "", "%"),
             write_number(Decimal("18000"), 0, "vi", " "), write_number(Decimal("18000"), 0, "en", "\u00a0")}
    assert cells == {"18.382", "18,382", "1.234,5", "3,34%", "18 000", "18\u00a0000"}


def _workbook(rows: list[list], formats: dict[str, str]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for ref, number_format in formats.items():
        sheet[ref].number_format = number_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.unit
@pytest.mark.parametrize("stored, number_format, expected", [
    (0.606, "0.0%", 60.6),          # typed 60,6% in Excel
    (0.6, "0%", 60.0),              # built-in format 9
    (0.3095, "0.00%", 30.95),       # built-in format 10
    (0.0334, "#,##0.00%", 3.34),
    (60.6, '0.0"%"', 60.6),         # a quoted % is text: the cell shows 60,6% and holds 60.6
    (60.6, "0.0\\%", 60.6),         # so is an escaped one
    (0.606, "0.000", 0.606),        # no percent format: the number as stored
])
def test_a_workbook_percent_cell_is_the_percentage_its_user_sees(data_dir, stored, number_format, expected):
    """Regression: a rate typed as 60,6% in Excel is stored as 0.606 in a percent format; it was read
    as 0,606% (100 times too small)."""
    data = _workbook([["Bến Tre", "2021", "trained_labour_rate", stored, None, None, None, "", ""]],
                     {"D2": number_format})
    report = prepare_import([("ty_le.xlsx", data)], data_dir=data_dir)
    assert report.ok, [i.text() for i in report.errors]
    assert report.facts["actual"].iloc[0] == expected


@pytest.mark.unit
def test_a_percent_cell_is_exact_at_fifteen_digits_and_never_a_count(data_dir):
    data = _workbook([["Bến Tre", "2021", "trained_labour_rate", 0.606, None, None, None, "", ""],
                      ["Bến Tre", "2021", "jobs_created", 0.18382, None, None, None, "", ""]],
                     {"D2": "0.0%", "D3": "0%"})
    # Excel writes the float of 0,606 with 17 digits
    data = _edit_sheet(data, lambda xml: xml.replace("<v>0.606</v>", "<v>0.60599999999999998</v>"))
    report = prepare_import([("ty_le.xlsx", data)], data_dir=data_dir)
    assert [(i.file, i.row, i.column, i.key) for i in report.errors] == [("ty_le.xlsx", 3, "actual",
                                                                         "imp_percent_not_rate")]
    rate_only = prepare_import([("ty_le.xlsx", _edit_sheet(
        _workbook([["Bến Tre", "2021", "trained_labour_rate", 0.606, None, None, None, "", ""]], {"D2": "0.0%"}),
        lambda xml: xml.replace("<v>0.606</v>", "<v>0.60599999999999998</v>")))], data_dir=data_dir)
    assert rate_only.ok and rate_only.facts["actual"].iloc[0] == 60.6


def _edit_sheet(data: bytes, edit) -> bytes:
    source, buffer = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert edit(content.decode("utf-8")) != content.decode("utf-8")
                content = edit(content.decode("utf-8")).encode("utf-8")
            target.writestr(info, content)
    return buffer.getvalue()


@pytest.mark.unit
@pytest.mark.parametrize("cell", ["0 5", "18 38", "1 2 3", "3 ,34", "- 5"])
def test_a_space_outside_the_thousands_groups_is_an_error(data_dir, cell):
    """Regression: '0 5' was read as 5 and '18 38' as 1838; a space only separates groups of three
    digits ('18 382', '1 234,5'), else the cell is an error naming file, row and column."""
    row = ["Bến Tre", "2021", "gratitude_fund", cell, "", "", "", "", ""]
    report = prepare_import([("so.csv", _csv([row]))], data_dir=data_dir, decimal=",")
    assert not report.ok and report.new_facts is None
    assert [(i.file, i.row, i.column, i.key) for i in report.errors] == [("so.csv", 2, "actual", "imp_not_a_number")]
    assert f"'{cell}'" in report.errors[0].message()
    spaced = prepare_import([("so.csv", _csv([["Bến Tre", "2021", "gratitude_fund", " 1 234,5 ", "", "", "", "",
                                                 ""]]))], data_dir=data_dir)
    assert spaced.ok and spaced.facts["actual"].iloc[0] == 1234.5
