"""Loaded snapshots under concurrency (issue 12, item 6): at most MAX_LOADED stay loaded, an
evicted one is closed (its memory freed), and a snapshot a session is reading is never evicted
under its query, whatever other sessions load meanwhile."""
from __future__ import annotations

import threading

import pandas as pd
import pytest

from kpi import store
from kpi.store import database, queries
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.query


def _snapshots(folder, n: int) -> list[store.Snapshot]:
    out = []
    for i in range(n):
        facts = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-01", "period": str(2015 + j),
                               "actual": 1000.0 * (i + 1) + j, "source": "test"} for j in range(i + 1)])
        out.append(store.write_snapshot(facts, build_units(), load_indicators(), created_by="tests",
                                        note=f"bản {i}", data_dir=folder))
    return out


@pytest.fixture
def five(tmp_path, monkeypatch):
    monkeypatch.setattr(database, "MAX_LOADED", 2)
    monkeypatch.setattr(database, "_LOADED", type(database._LOADED)())
    return _snapshots(tmp_path, 5)


def _periods(snapshot) -> list[str]:
    return sorted(queries.run("periods_all", snapshot)["period"])


def test_a_snapshot_with_an_open_cursor_is_not_evicted_and_is_closed_once_released(five):
    old, a, b, c, d = five
    cur = database.cursor(old)  # a session reading an "as of" snapshot
    cur_a, cur_b = database.cursor(a), database.cursor(b)  # two sessions reading others
    assert len(database.loaded()) == database.MAX_LOADED + 1  # beyond the limit only while in use
    for snapshot in (c, d):  # two more loaded meanwhile: evicted again at once, the others are in use
        database.load(snapshot)
    assert database.loaded() == {old: 1, a: 1, b: 1}
    assert cur.execute("SELECT count(*) FROM facts").fetchall() == [(1,)]  # the query still runs
    cur_a.close()
    assert database.loaded() == {old: 1, b: 1}  # evicted as soon as its last cursor closed
    con = database.load(old)
    cur.close()
    assert database.loaded() == {b: 1, old: 0}
    database.load(a)  # the next load evicts the old one, now unused, and closes it
    assert database.loaded() == {b: 1, a: 0}
    with pytest.raises(Exception, match="closed"):
        con.execute("SELECT 1")
    assert cur_b.execute("SELECT count(*) FROM facts").fetchall() == [(3,)]
    cur_b.close()


def test_as_of_queries_in_threads_while_other_threads_load_other_snapshots(five):
    old, *others = five
    expected = {s: _periods(s) for s in five}
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_as_of():
        try:
            for _ in range(60):
                assert _periods(old) == expected[old]
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def load_others(offset: int):
        try:
            i = offset
            while not stop.is_set():
                snapshot = others[i % len(others)]
                assert _periods(snapshot) == expected[snapshot]
                i += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    readers = [threading.Thread(target=read_as_of) for _ in range(3)]
    loaders = [threading.Thread(target=load_others, args=(k,)) for k in range(3)]
    for thread in readers + loaders:
        thread.start()
    for thread in readers:
        thread.join(timeout=300)
    stop.set()
    for thread in loaders:
        thread.join(timeout=300)
    assert errors == []
    assert all(users == 0 for users in database.loaded().values())  # every cursor gave its reference back
    assert len(database.loaded()) <= database.MAX_LOADED


def test_a_cursor_left_open_gives_its_reference_back_when_dropped(five):
    cur = database.cursor(five[0])
    assert database.loaded()[five[0]] == 1
    del cur
    assert database.loaded()[five[0]] == 0
