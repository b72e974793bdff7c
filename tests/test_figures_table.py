"""figures() answers a question asking last year from its snapshot's table of figures (kpi.figures._Table:
every row computed once per loaded snapshot, the question a take of rows): the frame is the one computed
for the question itself (same rows in the same order, same columns, dtypes and values), and the one
computed from what queries/facts_aggregate.sql answers, on random questions (hypothesis) of regions,
provinces, communes, agencies, unknown units, periods and indicators; targets past the table's bound
are computed per question, and the table goes with its snapshot."""
from __future__ import annotations

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import figures
from kpi.store import lookup

pytestmark = pytest.mark.query

FIXTURE_OK = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                              HealthCheck.too_slow])


def computed(snapshot, targets, periods, codes=None) -> pd.DataFrame:
    """figures() computed for the question itself (no table)."""
    codes = list(codes) if codes is not None else figures._catalogue_meta(snapshot)["codes"]
    return figures._frame(*figures._computed(snapshot, targets, periods, codes, True))


def sql_grid(snapshot, targets, periods, codes) -> lookup.Grid:
    """A lookup.Grid built from what queries/facts_aggregate.sql answers (not from the lookup)."""
    parts = lookup.query_parts(snapshot, targets, periods, codes)
    known = set(figures._catalogue_meta(snapshot)["codes"])
    axes = sorted(set(targets)), sorted(set(periods)), sorted(c for c in set(codes) if c in known)
    at = [{v: k for k, v in enumerate(axis)} for axis in axes]
    t, p, i = (np.array([a[v] for v in parts[c].tolist()], dtype=np.int64)
               for a, c in zip(at, ("unit", "period", "indicator")))
    position = np.full((len(axes[0]), len(axes[1]), max(len(axes[2]), 1)), -1, dtype=np.int64)
    position[t, p, i] = np.arange(len(t))
    return lookup.Grid(parts, *axes, t, p, i, position)


def assert_same_frames(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns) == figures.OUTPUT_COLUMNS
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for column in want.columns:   # missing as the computed frame holds it (None, not NaN, in object columns)
        if want[column].dtype == object:
            assert [type(v) for v in got[column]] == [type(v) for v in want[column]], column


@pytest.fixture(scope="module")
def axes(demo_snapshot):
    units = figures.units(demo_snapshot)
    by_level = {level: sorted(units.loc[units["level"] == level, "unit"]) for level in units["level"].unique()}
    periods = figures.all_periods(demo_snapshot) + ["2031", "2019-M03", "2015"]
    codes = list(figures.indicators(demo_snapshot)["code"]) + ["no_such_indicator"]
    return by_level, periods, codes


def question(by_level, periods, codes):
    units = st.one_of(st.sampled_from(by_level["province"]), st.sampled_from(by_level["region"]),
                      st.sampled_from(by_level["commune"]), st.sampled_from(by_level["agency"]),
                      st.sampled_from(["VN", "VN-00-unknown"]))
    return st.tuples(st.lists(units, min_size=0, max_size=12), st.lists(st.sampled_from(periods), max_size=6),
                     st.one_of(st.none(), st.lists(st.sampled_from(codes), max_size=8)))


def test_the_table_answers_as_the_question_computed(demo_snapshot, axes):
    by_level, periods, codes = axes
    provinces, regions = by_level["province"], by_level["region"]
    fixed = [(provinces + regions + ["VN"], periods[:3], None), (provinces[:1], periods, None),
             (provinces[:2] * 2, periods[:2] * 2, codes[:3] * 2), ([], periods, None), (provinces, [], None),
             (by_level["commune"][:20], ["2024-M09"], codes[:5]), (["VN-00-unknown"], periods[:2], None)]
    for targets, pers, wanted in fixed:
        assert_same_frames(figures.figures(demo_snapshot, targets, pers, wanted),
                           computed(demo_snapshot, targets, pers, wanted))

    @FIXTURE_OK
    @given(q=question(by_level, periods, codes))
    def check(q):
        targets, pers, wanted = q
        assert_same_frames(figures.figures(demo_snapshot, targets, pers, wanted),
                           computed(demo_snapshot, targets, pers, wanted))

    check()


def test_the_table_answers_as_figures_computed_from_the_sql(demo_snapshot, axes):
    """The table's frame against figures computed from queries/facts_aggregate.sql's own answer."""
    by_level, periods, codes = axes

    @FIXTURE_OK
    @given(q=question(by_level, periods, codes))
    def check(q):
        targets, pers, wanted = q
        got = figures.figures(demo_snapshot, targets, pers, wanted)   # the table (built by the lookup)
        with mock.patch.object(lookup, "grid", sql_grid):
            want = computed(demo_snapshot, targets, pers, wanted)
        assert_same_frames(got, want)

    check()


def test_targets_past_the_bound_are_computed_per_question(demo_snapshot, axes, monkeypatch):
    by_level, periods, _ = axes
    lookup.forget(demo_snapshot)
    table = figures._Table.of(demo_snapshot)
    monkeypatch.setattr(figures, "MAX_TABLE_ROWS", table.rows.n + 1)  # no room for another target
    calls = []
    compute = figures._computed

    def counted(*args):
        calls.append(args[1])
        return compute(*args)

    monkeypatch.setattr(figures, "_computed", counted)
    communes = by_level["commune"][:3]
    assert_same_frames(figures.figures(demo_snapshot, communes, periods[:4]),
                       computed(demo_snapshot, communes, periods[:4]))
    assert calls[0] == communes                       # computed for the question: not in the table
    assert not set(communes) & set(table.rows.target_at)
    calls.clear()
    regions = by_level["region"]
    assert_same_frames(figures.figures(demo_snapshot, regions, periods[:4]), computed(demo_snapshot, regions,
                                                                                       periods[:4]))
    assert len(calls) == 1                            # only the reference: regions are in the table
    lookup.forget(demo_snapshot)


def test_a_target_is_added_once_and_the_table_goes_with_its_index(demo_snapshot, axes):
    by_level, periods, _ = axes
    lookup.forget(demo_snapshot)
    table = figures._Table.of(demo_snapshot)
    assert figures._Table.of(demo_snapshot) is table
    first = table.rows
    assert set(first.target_at) == {t for t, several in lookup.targets(demo_snapshot).items() if several}
    commune = by_level["commune"][0]
    figures.figures(demo_snapshot, [commune], periods[:2])
    added = table.rows
    assert commune in added.target_at and added.n > first.n and set(first.target_at) < set(added.target_at)
    figures.figures(demo_snapshot, [commune], periods[2:4])
    assert table.rows is added                        # not computed again
    lookup.forget(demo_snapshot)
    assert figures._Table.of(demo_snapshot) is not table   # a new index: a new table
    lookup.forget(demo_snapshot)
