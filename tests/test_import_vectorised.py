"""The import's vectorised checks say of every cell what the one-cell rules say (issue 14: validation
without per-row Python): a plan cell in words (kpi.importing.targets.worded_mask against has_words),
a unit written as its own key (resolved at once, as resolve_unit resolves it), and a rule of one
cell applied once per distinct text (kpi.importing.bounds.each_distinct)."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.importing.bounds import each_distinct
from kpi.importing.merge import prepare_import
from kpi.importing.targets import has_words, parse_kind, worded_mask

pytestmark = pytest.mark.unit

# the characters that decide: ASCII digits, separators, signs and spaces, letters, other scripts'
# digits (Python's \d is wider than Arrow's), no-break and narrow spaces, dashes
CELL_CHARS = st.sampled_from(list("0123456789.,%+- eEdướitừ") + ["\u00a0", "\u202f", "\t", "–", "−", "٣", "\u2003"])
cells = st.lists(st.text(CELL_CHARS, max_size=10), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(texts=cells)
def test_worded_mask_says_what_has_words_says_of_every_cell(texts):
    series = pd.Series(texts, dtype="str", index=range(10, 10 + len(texts)))
    assert worded_mask(series).tolist() == [has_words(text) for text in texts]
    assert worded_mask(series).index.equals(series.index)


@settings(max_examples=100, deadline=None)
@given(texts=st.lists(st.sampled_from(["", "tối thiểu", "min", "Không quá", "dưới", "x", "từ … trở lên"]), max_size=40))
def test_each_distinct_says_what_a_call_per_row_says(texts):
    series = pd.Series(texts, dtype="str", index=range(5, 5 + len(texts)))
    calls = []
    got = each_distinct(series, lambda text: calls.append(text) or parse_kind(text))
    assert got.tolist() == [parse_kind(text) for text in texts] and got.index.equals(series.index)
    assert len(calls) == len(set(texts))  # once per distinct text


@pytest.mark.parametrize("text, worded", [("1-1,5%", True), (" 3 - 4", True), ("dưới 3%", True), ("1.234,5", False),
                                          ("12\u00a0000", False), ("", False), ("+5", False), ("1–2", True)])
def test_worded_mask_examples(text, worded):
    assert worded_mask(pd.Series([text], dtype="str")).tolist() == [worded]


def test_units_written_as_keys_names_and_codes_resolve_alike(tmp_path):
    """A key is taken as it is, vectorised; a name or a GSO code of the same province resolves to it;
    a region's key is an aggregate (skipped with its notice) and an unknown text an error."""
    csv = ("unit,period,indicator,actual\n"
           "VN-01,2020,jobs_created,100\n"
           "Hà Nội,2021,jobs_created,110\n"
           "01,2022,jobs_created,120\n"
           " VN-01 ,2019,jobs_created,90\n"
           "R63-RRD,2020,jobs_created,900\n"
           "VN-99,2020,jobs_created,5\n")
    report = prepare_import([("f.csv", csv.encode())], data_dir=tmp_path)
    assert [(i.row, i.column) for i in report.errors] == [(7, "unit")]
    assert any(i.key == "imp_skipped_aggregate" for i in report.notices)
    csv_ok = "\n".join(line for line in csv.splitlines() if "VN-99" not in line) + "\n"
    report = prepare_import([("f.csv", csv_ok.encode())], data_dir=tmp_path)
    assert report.ok, [i.text() for i in report.errors]
    assert sorted(report.facts["unit"].unique()) == ["VN-01"]
    assert sorted(report.facts["period"]) == ["2019", "2020", "2021", "2022"]
