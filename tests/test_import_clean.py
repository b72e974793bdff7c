"""The typed pass over a clean file (kpi.importing.clean) gives exactly what the careful path gives
(issue 14, item 5): the same accepted table (values, dtypes, sources) and the same messages, on
random mixes of good and bad cells in CSV files and workbooks (figures typed as numbers too); a file
with no problem does go through the typed pass; the reader's strip is str.strip's."""
from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.importing.clean import clean_facts
from kpi.importing.readers import VALUE_COLUMNS, _stripped, read_upload
from kpi.importing.validate import ImportReport, validate
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.unit

UNITS = build_units()
CATALOGUE = load_indicators()
# provinces of the 63 that exist in every period below, each written as its key, name and GSO code
_PROVINCES = UNITS[(UNITS["level"] == "province") & UNITS["generation"].isin(["63", "both"])
                   & UNITS["valid_from"].isna()].head(4)
GOOD_UNITS = [text for _, u in _PROVINCES.iterrows() for text in (u["unit"], u["name_vi"], u["gso_code"])]
BAD_UNITS = ["Nowhere", "", "VN", "R63-RRD", "Vùng Đồng bằng sông Hồng"]
GOOD_PERIODS = ["2020", "2021-M06", "2023", "2024-M03", "6 tháng 2022", "2025-M03"]
BAD_PERIODS = ["2024-M13", "", "abc", "2025-M09"]  # 2025-M09: the 63 provinces are gone (an error)
COUNT, RATE, AMOUNT = "jobs_created", "urban_unemployment_rate", "labour_force"
BAD_INDICATORS = ["ZZZ", "", "viec lam"]
GOOD_NUMBERS = {"count": ["0", "12", "4500", "18382", "1.234.567", "250000"],
                "decimal": ["12.5", "3.25", "0.75", "99.9", "12.345"],
                "vi": ["12,5", "3,25", "1.234,5", "18.382"]}
BAD_NUMBERS = ["abc", "1.234", "12,5%", "-5", "1e400", "0 5", "nan", "5%", "1,234.5", "  ", "..", "7.5"]

HEADER = ["unit", "period", "indicator", "actual", "plan", "numerator", "denominator", "source", "note"]


@st.composite
def files(draw):
    """A CSV or a workbook of rows of counts, amounts and rates, each cell good or (with the drawn
    probability) bad; in a workbook some figures typed as numbers."""
    n = draw(st.integers(1, 25))
    bad_share = draw(st.sampled_from([0.0, 0.0, 0.03, 0.2]))
    style = draw(st.sampled_from(["decimal", "vi"]))
    with_parts = draw(st.booleans())
    bad = lambda: draw(st.floats(0, 1)) < bad_share  # noqa: E731
    rows = []
    for _ in range(n):
        indicator = draw(st.sampled_from([COUNT, RATE, AMOUNT]))
        unit = draw(st.sampled_from(BAD_UNITS)) if bad() else draw(st.sampled_from(GOOD_UNITS))
        period = draw(st.sampled_from(BAD_PERIODS)) if bad() else draw(st.sampled_from(GOOD_PERIODS))
        if bad():
            indicator_text = draw(st.sampled_from(BAD_INDICATORS))
        else:
            indicator_text = indicator
        numerator = denominator = ""
        if indicator == COUNT:
            actual = draw(st.sampled_from(GOOD_NUMBERS["count"]))
            plan = draw(st.sampled_from(GOOD_NUMBERS["count"] + [""]))
        elif indicator == AMOUNT:
            actual = draw(st.sampled_from(GOOD_NUMBERS[style]))
            plan = draw(st.sampled_from(GOOD_NUMBERS[style] + [""]))
        else:
            den = draw(st.integers(1, 5000))
            num = draw(st.integers(0, den))
            share = num / den * 100
            actual = f"{share:.4f}" if style == "decimal" else f"{share:.4f}".replace(".", ",")
            plan = draw(st.sampled_from(["60", "75.5" if style == "decimal" else "75,5", ""]))
            if with_parts:
                numerator, denominator = str(num), str(den)
        if bad():
            actual = draw(st.sampled_from(BAD_NUMBERS))
        if bad():
            plan = draw(st.sampled_from(BAD_NUMBERS + ["dưới 3%", "giảm 0,78 điểm %"]))
        if with_parts and bad():
            numerator = draw(st.sampled_from(BAD_NUMBERS + ["0"]))
        rows.append([unit, period, indicator_text, actual, plan, numerator, denominator, "Báo cáo", ""])
    columns = HEADER if with_parts else [c for c in HEADER if c not in ("numerator", "denominator")]
    keep = [HEADER.index(c) for c in columns]
    rows = [[row[i] for i in keep] for row in rows]
    decimal = draw(st.sampled_from([None, None, ",", "."]))
    if not draw(st.booleans()):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return "f.csv", out.getvalue().encode("utf-8"), decimal
    # a workbook: some figures typed as numbers in Excel (a plain one, or a share in a percent format)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(columns)
    for row in rows:
        cells, percent = list(row), []
        for c, column in enumerate(columns):
            if column in VALUE_COLUMNS and re.fullmatch(r"-?\d+(\.\d+)?", cells[c]) and draw(st.booleans()):
                number = float(cells[c])
                if column == "actual" and row[2] == RATE and draw(st.booleans()):
                    cells[c] = number / 100
                    percent.append(c)
                else:
                    cells[c] = int(number) if number.is_integer() else number
        sheet.append(cells)
        for c in percent:
            sheet.cell(sheet.max_row, c + 1).number_format = "0.00%"
    buffer = io.BytesIO()
    book.save(buffer)
    return "f.xlsx", buffer.getvalue(), decimal


def _validated(data: bytes, decimal, typed_pass: bool, name: str = "f.csv"):
    upload = read_upload(data, name)
    report = ImportReport()
    facts = validate([upload], UNITS, CATALOGUE, None, report, decimal, typed_pass=typed_pass)
    messages = [(i.file, i.row, i.column, i.severity, i.text("vi"), i.text("en")) for i in report.issues]
    return facts, messages, (upload.decimal, upload.decimal_how)


def _same(data: bytes, decimal, name: str = "f.csv") -> list:
    fast, fast_messages, fast_mark = _validated(data, decimal, True, name)
    careful, careful_messages, careful_mark = _validated(data, decimal, False, name)
    assert fast_messages == careful_messages
    assert fast_mark == careful_mark
    if careful is None:
        assert fast is None
    else:
        pd.testing.assert_frame_equal(fast, careful, check_exact=True)
    return careful_messages


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=files())
def test_typed_pass_gives_what_the_careful_path_gives(case):
    name, data, decimal = case
    messages = _same(data, decimal, name)
    if not messages:  # a file without any message: the typed pass itself accepted it
        upload = read_upload(data, name)
        given_columns = [c for c in VALUE_COLUMNS if c in upload.labels]
        assert clean_facts(upload, UNITS, CATALOGUE, given_columns, decimal) is not None


def test_a_machine_made_file_goes_through_the_typed_pass():
    """The benchmark's kind of file (units as keys, names and codes; rates with their parts; counts;
    periods in several spellings): the typed pass accepts it and gives the careful path's table."""
    lines = ["unit,period,indicator,actual,plan,numerator,denominator,source,note"]
    for i in range(len(GOOD_UNITS) // 3):
        for j, period in enumerate(GOOD_PERIODS):
            unit = GOOD_UNITS[3 * i + j % 3]  # one province a row, as its key, name or code
            lines.append(f"{unit},{period},{COUNT},{100 + i * 7 + j},{200 + i},,,Báo cáo,")
            num, den = i % 7 + 1, j + 8
            lines.append(f"{unit},{period},{RATE},{num / den * 100:.4f},{50 + j}.25,{num},{den},,ghi chú")
    data = ("\n".join(lines) + "\n").encode()
    upload = read_upload(data, "f.csv")
    given_columns = [c for c in VALUE_COLUMNS if c in upload.labels]
    fast = clean_facts(upload, UNITS, CATALOGUE, given_columns, None)
    assert fast is not None and len(fast) == len(lines) - 1
    assert _same(data, None) == []


@pytest.mark.parametrize("cell", ["abc", "1.234", "-5", "\"12,5\"", "7.5"])
def test_one_bad_cell_sends_the_file_to_the_careful_path(cell):
    """A file with one cell in doubt is read by the careful path (the typed pass says nothing itself)."""
    data = f"unit,period,indicator,actual\n{GOOD_UNITS[0]},2020,{COUNT},5\n{GOOD_UNITS[1]},2021,{COUNT},{cell}\n".encode()
    upload = read_upload(data, "f.csv")
    assert clean_facts(upload, UNITS, CATALOGUE, ["actual"], None) is None
    assert _same(data, None)


SPACES = ["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1f", " ", "\x85", "\xa0", "\u1680", "\u2000", "\u2007", "\u200a",
          "\u200b", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000", "\ufeff"]


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(st.text(st.sampled_from([*SPACES, "a", "ộ", "9", ".", "ạ", "€", "…"]), max_size=6), max_size=30),
       start=st.integers(0, 3))
def test_cells_are_stripped_exactly_as_str_strip_strips_them(texts, start):
    """The reader skips the strip of a column only when no cell can begin or end with a space."""
    column = pd.Series(texts, dtype="str").iloc[start:]
    assert _stripped(column).tolist() == column.str.strip().tolist() == [t.strip() for t in texts[start:]]
