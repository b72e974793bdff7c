"""Formulas of DESIGN section 4 against the published reports' figures."""
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.formulas import (
    BELOW,
    EXCEEDED,
    MET,
    NO_STATUS,
    achievement_pct,
    aggregate_parts,
    change_pct,
    change_pp,
    status,
)
from kpi.text import fmt


@pytest.mark.unit
def test_ben_tre_2020_jobs():
    # "Giải quyết việc làm 18.382 người, đạt 102,1% (KH 18.000 người)"
    pct = achievement_pct(18382, 18000, +1)
    assert pct == pytest.approx(102.1222, abs=1e-4)
    assert fmt.percent(pct) == "102,1%"
    assert status(18382, 18000, +1) == EXCEEDED


@pytest.mark.unit
def test_ben_tre_2020_poverty_beats_plan():
    # "tỷ lệ hộ nghèo ước còn 3,6% (KH 4%)": lower is better, so 3,6% beats 4%
    assert status(3.6, 4.0, -1) == EXCEEDED
    assert achievement_pct(3.6, 4.0, -1) == pytest.approx(4 / 3.6 * 100)


@pytest.mark.unit
def test_ben_tre_2020_unemployment_met():
    # "tỷ lệ thất nghiệp khu vực thành thị ước đạt 3,34% (KH 3,34%)"
    assert status(3.34, 3.34, -1) == MET
    assert achievement_pct(3.34, 3.34, -1) == pytest.approx(100)


@pytest.mark.unit
def test_trained_labour_and_certified():
    assert status(60.6, 60, +1) == EXCEEDED
    assert status(30.95, 30, +1) == EXCEEDED
    assert status(29.9, 30, +1) == BELOW


@pytest.mark.unit
def test_no_plan_or_context_only():
    assert status(100, None, +1) == NO_STATUS
    assert status(100, 90, 0) == NO_STATUS
    assert math.isnan(achievement_pct(100, None, +1))
    assert achievement_pct(0, 2.0, -1) == math.inf  # a 0% rate against 2%: unbounded, nothing left to reduce
    assert achievement_pct(0, 0, -1) == 100  # 0% against 0%: met exactly
    assert status(0, 2.0, -1) == EXCEEDED


@pytest.mark.unit
def test_change_on_same_period_last_year():
    # Cần Thơ: poverty from 0,8% (2021) to 0,52% (2022)
    assert change_pct(0.52, 0.8) == pytest.approx(-35.0)
    assert change_pp(0.52, 0.8) == pytest.approx(-0.28)
    assert math.isnan(change_pct(10, 0))
    assert math.isnan(change_pct(10, float("nan")))


def _parts(**overrides):
    row = dict(unit="X", period="2023", indicator="i", aggregation="sum", n_atoms=3, exact=True, n_actual=3,
               n_plan=3, n_num=0, n_den=0, sum_actual=30.0, sum_plan=27.0, sum_num=float("nan"),
               sum_den=float("nan"), one_actual=10.0, one_plan=9.0, sources="")
    row.update(overrides)
    return pd.DataFrame([row])


@pytest.mark.unit
def test_aggregate_counts_are_summed():
    out = aggregate_parts(_parts()).iloc[0]
    assert out["actual"] == 30 and out["plan"] == 27 and out["complete"]


@pytest.mark.unit
def test_aggregate_counts_with_a_missing_part_are_incomplete():
    out = aggregate_parts(_parts(n_actual=2, sum_actual=20.0, n_plan=3)).iloc[0]
    assert out["actual"] == 20 and not out["complete"]


@pytest.mark.unit
def test_aggregate_rate_is_ratio_of_sums_not_average():
    # parts 1/10 (10%) and 30/40 (75%): the average of rates would be 42,5%, the true rate is 31/50 = 62%
    out = aggregate_parts(_parts(aggregation="ratio", n_atoms=2, n_actual=2, n_num=2, n_den=2, sum_actual=85.0,
                                 sum_num=31.0, sum_den=50.0, n_plan=0)).iloc[0]
    assert out["actual"] == pytest.approx(62.0)
    assert math.isnan(out["plan"])
    assert out["complete"]


@pytest.mark.unit
def test_aggregate_rate_without_numerator_is_missing_and_not_comparable():
    out = aggregate_parts(_parts(aggregation="ratio", n_atoms=2, n_actual=2, n_num=1, n_den=2, sum_num=1.0,
                                 sum_den=50.0)).iloc[0]
    assert math.isnan(out["actual"])
    assert not out["comparable"] and not out["complete"]


@pytest.mark.unit
def test_single_unit_keeps_its_own_rate():
    out = aggregate_parts(_parts(aggregation="ratio", n_atoms=1, n_actual=1, n_plan=1, one_actual=3.6,
                                 one_plan=4.0)).iloc[0]
    assert out["actual"] == 3.6 and out["plan"] == 4.0 and out["complete"]


@pytest.mark.unit
def test_target_not_covered_is_not_comparable():
    out = aggregate_parts(_parts(exact=False)).iloc[0]
    assert math.isnan(out["actual"]) and not out["comparable"]


@pytest.mark.query
@given(actual=st.floats(0.01, 1e7), plan=st.floats(0.01, 1e7), direction=st.sampled_from([-1, 1]))
def test_status_agrees_with_achievement(actual, plan, direction):
    pct = achievement_pct(actual, plan, direction)
    result = status(actual, plan, direction)
    if result == EXCEEDED:
        assert pct >= 100
    elif result == BELOW:
        assert pct <= 100
    else:
        assert actual == plan


@pytest.mark.unit
def test_vietnamese_number_format():
    assert fmt.number(18382) == "18.382"
    assert fmt.percent(102.1222) == "102,1%"
    assert fmt.figure(3.6, "%", 2) == "3,60%"
    assert fmt.figure(18382, "người", 0) == "18.382 người"
    assert fmt.number(18382, lang="en") == "18,382"
    assert fmt.number(float("nan")) == fmt.MISSING
    assert fmt.signed_points(-0.28) == "−0,28 điểm %"


@pytest.mark.query
@given(rows=st.lists(st.tuples(
    st.one_of(st.none(), st.floats(0, 1e6)), st.one_of(st.none(), st.floats(0, 1e6)),
    st.sampled_from([-1, 0, 1]), st.one_of(st.none(), st.floats(0, 1e6)), st.booleans()), min_size=1, max_size=20))
def test_vectorised_measures_agree_with_the_scalar_rules(rows):
    import numpy as np

    from kpi.formulas import measures_arrays

    nan = float("nan")
    actual = np.array([nan if r[0] is None else r[0] for r in rows])
    plan = np.array([nan if r[1] is None else r[1] for r in rows])
    previous = np.array([nan if r[3] is None else r[3] for r in rows])
    direction = np.array([r[2] for r in rows])
    complete = np.array([r[0] is not None for r in rows])
    out = measures_arrays(actual, plan, direction, complete, previous, np.array([r[4] for r in rows]))
    for i, (a, p, d, prev, _is_rate) in enumerate(rows):
        a = nan if a is None else a
        assert out["status"][i] == status(a, p, d)
        expected = achievement_pct(a, p, d)
        assert (math.isnan(expected) and math.isnan(out["achievement_pct"][i])) or out["achievement_pct"][i] == expected
        expected_change = change_pct(a, prev)
        assert (math.isnan(expected_change) and math.isnan(out["change_pct"][i])) or \
            out["change_pct"][i] == pytest.approx(expected_change)
