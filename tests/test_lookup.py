"""The snapshot's lookup (kpi.store.lookup) answers exactly what queries/facts_aggregate.sql answers:
same rows in the same order, same columns and values, NULL as missing, for any question (units of
one atom or several, regions, agencies, communes, unknown units, periods and indicators, repeats);
it is built once however many threads ask at once, is rebuilt when its snapshot is loaded again,
and is dropped with its snapshot. Plus kpi.store.standards on empty and odd period cells."""
from __future__ import annotations

import random
import threading

import numpy as np
import pandas as pd
import pytest

from kpi import figures, store
from kpi.periods import parse_period
from kpi.store import database, lookup, standards
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.query


def assert_same_parts(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for column, want in expected.items():
        have = got[column]
        assert len(have) == len(want), column
        if np.asarray(want).dtype.kind == "f":
            np.testing.assert_array_equal(np.asarray(have, dtype="float64"), want, err_msg=column)
        else:
            assert [None if v is None else v for v in np.asarray(have).tolist()] == \
                [None if v is None else v for v in np.asarray(want).tolist()], column


def _questions(snapshot, n: int, seed: int):
    units = sorted(set(figures.units(snapshot)["unit"])) + ["VN-00-unknown"]
    periods = figures.all_periods(snapshot) + ["2031", "2019-M03"]
    codes = list(figures.indicators(snapshot)["code"]) + ["no_such_indicator"]
    provinces = sorted(figures.units(snapshot).query("level == 'province'")["unit"])
    rng = random.Random(seed)
    yield provinces + ["VN", "R34-1", "R63-1"], periods[:3], codes[:2]      # a compare page
    yield provinces[:1], periods, codes                                      # every figure of one unit
    yield provinces[:2] * 2, periods[:2] * 2, codes[:3] * 2                  # repeats count once
    yield [], periods, codes
    yield provinces, [], codes
    for _ in range(n):
        yield (rng.sample(units, rng.choice([1, 2, 5, 20, 60])), rng.sample(periods, rng.choice([1, 2, 4, 12])),
               rng.sample(codes, rng.choice([1, 3, 10, len(codes)])))


def test_the_lookup_answers_what_the_query_answers(demo_snapshot):
    for targets, periods, codes in _questions(demo_snapshot, 120, seed=14):
        assert_same_parts(lookup.grid(demo_snapshot, targets, periods, codes).parts,
                          lookup.query_parts(demo_snapshot, targets, periods, codes))


def test_the_grid_positions_point_at_their_rows(demo_snapshot):
    provinces = sorted(figures.units(demo_snapshot).query("level == 'province'")["unit"])[:5]
    grid = lookup.grid(demo_snapshot, provinces + ["VN"], figures.all_periods(demo_snapshot)[:4],
                       ["jobs_created", "poor_household_rate"])
    rows = np.arange(len(grid.t))
    assert (grid.position[grid.t, grid.p, grid.i] == rows).all()
    assert list(np.array(grid.targets, dtype=object)[grid.t]) == list(grid.parts["unit"])
    assert list(np.array(grid.periods, dtype=object)[grid.p]) == list(grid.parts["period"])
    assert (grid.position >= 0).sum() == len(rows)


def test_atoms_past_the_bound_are_read_again_and_still_agree(demo_snapshot, monkeypatch):
    monkeypatch.setattr(lookup, "MAX_ATOM_ROWS", 300)  # a few units' facts at most
    lookup.forget(demo_snapshot)
    units = figures.units(demo_snapshot)
    provinces = sorted(units.query("level == 'province'")["unit"])
    communes = sorted(units.query("level == 'commune'")["unit"])[:30]
    periods, codes = figures.all_periods(demo_snapshot), list(figures.indicators(demo_snapshot)["code"])
    for targets in ([provinces[0]], provinces[1:4], communes, provinces[:1] + communes[:3], provinces):
        assert_same_parts(lookup.grid(demo_snapshot, targets, periods, codes).parts,
                          lookup.query_parts(demo_snapshot, targets, periods, codes))
    lookup.forget(demo_snapshot)


def test_the_index_is_built_once_for_threads_asking_at_once(demo_snapshot, monkeypatch):
    lookup.forget(demo_snapshot)
    builds = []
    build = lookup._build

    def counted(snapshot, con):
        builds.append(snapshot)
        return build(snapshot, con)

    monkeypatch.setattr(lookup, "_build", counted)
    provinces = sorted(figures.units(demo_snapshot).query("level == 'province'")["unit"])
    periods = figures.all_periods(demo_snapshot)[:3]
    expected = lookup.query_parts(demo_snapshot, provinces, periods, ["jobs_created"])
    start, answers, errors = threading.Barrier(8), [], []

    def ask():
        start.wait()
        try:
            answers.append(lookup.grid(demo_snapshot, provinces, periods, ["jobs_created"]).parts)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(answers) == 8
    assert builds == [demo_snapshot]
    for parts in answers:
        assert_same_parts(parts, expected)


def _snapshots(folder, n: int) -> list[store.Snapshot]:
    out = []
    for i in range(n):
        facts = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-01", "period": str(2015 + j),
                               "actual": 1000.0 * (i + 1) + j, "source": "test"} for j in range(i + 1)])
        out.append(store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests",
                                        note=f"bản {i}", data_dir=folder))
    return out


def test_the_index_goes_with_its_snapshot_and_is_rebuilt_when_it_is_loaded_again(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "MAX_LOADED", 1)
    monkeypatch.setattr(database, "_LOADED", type(database._LOADED)())
    monkeypatch.setattr(lookup, "_INDEXES", {})
    first, second = _snapshots(tmp_path, 2)

    def actual(snapshot):
        return figures.figures(snapshot, ["VN-01"], ["2015"], ["jobs_created"])["actual"].tolist()

    assert actual(first) == [1000.0]
    assert lookup.indexed() == [first]
    assert actual(second) == [2000.0]  # loading it evicts the first: its index is dropped too
    assert lookup.indexed() == [second]
    assert actual(first) == [1000.0]   # loaded again: a new database, so a new index
    assert lookup.indexed() == [first]
    assert lookup._INDEXES[first].con is database.load(first)


def test_standards_of_empty_and_odd_cells():
    empty = [None, np.nan, pd.NA, ""]
    codes = standards.standard_codes(["poor_household_rate"] * 4, empty)
    assert list(codes) == [""] * 4
    # a Period object, a code and a repeated code are decided alike
    period = parse_period("2023")
    assert list(standards.standard_codes("poor_household_rate", [period, "2023", "2023"])) == \
        [standards.standard_codes("poor_household_rate", "2023")[0]] * 3
    # an empty period to compare with is always comparable; the end-2021 review is the new standard
    same = standards.same_standard(["poor_household_rate"] * 4, ["2022", "2022", "2022", "2021"],
                                   [None, np.nan, "2021", "2020"])
    assert same.tolist() == [True, True, True, False]
    assert list(standards.measured_by_standard(["poor_household_rate", "jobs_created", None, np.nan])) == \
        [True, False, False, False]
