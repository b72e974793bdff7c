"""The import's vectorised checks say of every cell what the one-cell rules say (issue 14: validation
without per-row Python): a plan cell in words (kpi.importing.targets.worded_mask against has_words),
a unit written as its own key (resolved at once, as resolve_unit resolves it), and a rule of one
cell applied once per distinct text (kpi.importing.bounds.each_distinct)."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.importing.bounds import by_code, by_codes, each_distinct
from kpi.importing.merge import prepare_import
from kpi.importing.numbers import AMBIGUOUS, BAD, DECIMAL, INTEGER, MISSING, cell_forms
from kpi.importing.targets import has_words, parse_kind, worded_mask
from kpi.importing.validate import _per_distinct, _UnitKeys

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


# unit texts (some with the key's own separator), generations (None where the period was not read)
# and period codes (None likewise), as the unit step of validation sees them
UNIT_ROWS = st.lists(st.tuples(st.sampled_from(["Hà Nội", "01", "VN-01", "", "a|1", "Huế"]),
                               st.sampled_from([None, 63, 34]), st.sampled_from([None, "2024", "2024-M06", "1|2"]),
                               st.booleans()), min_size=1, max_size=50)


@settings(max_examples=200, deadline=None)
@given(rows=UNIT_ROWS)
def test_unit_keys_say_what_the_key_texts_say(rows):
    """The unit keys factorised from their three columns (validate._UnitKeys) are the texts
    'unit|generation|period' built row by row, and resolving them once per distinct key calls the
    same keys, in the same order, with the same results as _per_distinct over those texts."""
    index = range(3, 3 + len(rows))
    frame = pd.DataFrame({"unit": pd.Series([r[0] for r in rows], dtype="str", index=index),
                          "generation": pd.Series([r[1] for r in rows], dtype=object, index=index),
                          "period_code": pd.Series([r[2] for r in rows], dtype=object, index=index)})
    where = pd.Series([r[3] for r in rows], index=frame.index)
    texts = frame["unit"] + "|" + frame["generation"].fillna(0).astype(int).astype(str) \
        + "|" + frame["period_code"].fillna("")
    keys = _UnitKeys(frame)
    assert keys.texts().tolist() == texts.tolist() and keys.texts().index.equals(frame.index)

    def resolver(calls):
        return lambda key: calls.append(key) or (key[:3], len(key), None)

    expected_calls, got_calls = [], []
    expected = _per_distinct(texts.where(where, ""), resolver(expected_calls), 3, first_of=lambda k: k.rsplit("|", 1)[0])
    got = keys.spread(where, resolver(got_calls), 3, first_of=lambda k: k.rsplit("|", 1)[0])
    assert got_calls == expected_calls
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.index.equals(theirs.index) and mine.tolist() == theirs.tolist()


def test_catalogue_columns_spread_at_once_as_one_at_a_time():
    meta = pd.DataFrame({"direction": [1, -1], "aggregation": ["sum", "ratio"]}, index=pd.Index(["a", "b"], name="code"))
    codes = pd.Series(["b", "a", None, "zz", "b"], dtype="str", index=range(7, 12))
    spread = by_codes(codes, meta, ["direction", "aggregation"])
    for column in ("direction", "aggregation"):
        one = by_code(codes, meta[column])
        assert spread[column].index.equals(one.index) and spread[column].equals(one)
    assert spread["aggregation"].tolist()[:2] == ["ratio", "sum"] and spread["direction"].isna().tolist()[2:4] == [True, True]


@pytest.mark.parametrize("cells, kinds, percent", [
    (["12", " 12 ", "\u221212", "12%", "1 234", "\u22121,5 %", "60,6", "1.234", "abc", "1 2", ""],
     [INTEGER, INTEGER, INTEGER, INTEGER, INTEGER, DECIMAL, DECIMAL, AMBIGUOUS, BAD, BAD, MISSING],
     [False, False, False, True, False, True, False, False, False, False, False]),
])
def test_cells_cleaned_of_spaces_signs_and_percent_are_integers_again(cells, kinds, percent):
    """A cell that is no integer as written but becomes one without its spaces, its minus sign or
    its % sign is read as an integer (cell_forms looks at only those cells again)."""
    forms = cell_forms(pd.Series(cells, dtype="str"))
    assert forms.kind.tolist() == kinds and forms.percent.tolist() == percent


@settings(max_examples=300, deadline=None)
@given(texts=cells)
def test_cell_forms_of_a_column_say_what_each_cell_alone_says(texts):
    """Spaces, minus and % signs are looked for only in cells with another character than digits,
    signs and separators, a grouped look only in decimal cells: each cell of a mixed column has the
    form, separator, % sign and cleaned text it has alone (where every cell or none is looked at)."""
    column = cell_forms(pd.Series(texts, dtype="str", index=range(3, 3 + len(texts))))
    cleaned = dict(zip(column.cleaned_at.tolist(), column.cleaned.to_pylist(), strict=True))
    for position, text in enumerate(texts):
        alone = cell_forms(pd.Series([text], dtype="str"))
        assert (column.kind[position], column.sep[position], column.percent[position]) == (
            alone.kind[0], alone.sep[0], alone.percent[0]), text
        assert cleaned.get(position) == (alone.cleaned.to_pylist() or [None])[0], text


@pytest.mark.parametrize("texts", [["12.5", "3.25", "7"], ["60,6%", " 1 234 ", "\u22122,5"], ["1.234", "1.234,5"]])
def test_cell_forms_of_columns_of_one_kind(texts):
    """Columns where every cell, or none, has a space or a sign: the same forms as cell by cell."""
    column = cell_forms(pd.Series(texts, dtype="str"))
    for position, text in enumerate(texts):
        alone = cell_forms(pd.Series([text], dtype="str"))
        assert (column.kind[position], column.sep[position], column.percent[position]) == (
            alone.kind[0], alone.sep[0], alone.percent[0]), text
