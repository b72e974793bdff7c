"""The unusual-figure warnings look the rows' periods up per distinct period (kpi.importing.unusual:
_Held.key_of_codes over the rows' factorised periods, shifted a year back and on per distinct value):
the keys are those of _Held.key over each row's own text, with missing periods, years that cannot
exist (before 1945, after 2100), periods held nowhere and unknown units or indicators."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.importing.unusual import _Held, _shift_table, _shifted

PERIODS = ["1945", "1946", "2019", "2020", "2020-M06", "2021-M06", "2100", "2099-Q1", None]
UNITS = ["VN-01", "VN-79", "VN-83"]
INDICATORS = ["jobs_created", "poor_households_rate"]


def _frame(draw_rows) -> pd.DataFrame:
    return pd.DataFrame(draw_rows, columns=["indicator", "unit", "period"]).astype("str").where(
        pd.DataFrame(draw_rows, columns=["indicator", "unit", "period"]).notna())


rows_strategy = st.lists(st.tuples(st.sampled_from([*INDICATORS, "unknown"]), st.sampled_from([*UNITS, "VN-99"]),
                                   st.sampled_from(PERIODS)), min_size=1, max_size=40)


@pytest.mark.unit
@settings(max_examples=60, deadline=None)
@given(rows_strategy, rows_strategy)
def test_keys_by_distinct_period_are_the_keys_by_row(new_rows, import_rows):
    new_facts = _frame(new_rows).assign(actual=1.0, plan=np.nan).dropna(subset=["period"])
    rows = _frame(import_rows)
    codes, uniques = pd.factorize(rows["period"])
    before, after = _shifted(rows["period"], -1), _shifted(rows["period"], 1)
    held = _Held(new_facts, rows, [before, after])
    pair = held.pair(rows)
    assert np.array_equal(held.key_of_codes(codes, pd.Series(np.asarray(uniques, dtype=object), dtype=object), pair),
                          held.key(rows, pair=pair))
    for years, shifted in ((-1, before), (1, after)):
        table = _shift_table(uniques, years)
        assert list(table[np.where(codes >= 0, codes, len(uniques))]) == list(shifted)
        by_codes = held.key_of_codes(codes, pd.Series(table[:-1], dtype=object), pair)
        assert np.array_equal(by_codes, held.key(rows, shifted, pair))
