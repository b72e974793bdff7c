"""Delta snapshots (kpi.store.deltas): an import writes its own rows on top of its parent's files,
a chain is compacted into a new full base from time to time, and any snapshot read "as of" holds
exactly what a full copy would. On a local folder and on S3 object storage (the `storage` fixture)."""
from __future__ import annotations

import json
import math
import tempfile
import uuid
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import store
from kpi.access.users import local_user
from kpi.importing.merge import import_file, upsert
from kpi.store import database, deltas, snapshot_read, snapshots
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.query

UNITS = build_units()
INDICATORS = load_indicators()
PROVINCES = sorted(UNITS[(UNITS["level"] == "province") & UNITS["generation"].isin(["63", "both"])]["unit"])[:6]
CODES = ["jobs_created", "poor_households_rate"]
PERIODS = ["2020", "2020-M06", "2021", "2021-M06", "2022"]


def _base(n_units: int = 6) -> pd.DataFrame:
    rows = [{"indicator": i, "unit": u, "period": p, "actual": 100.0 + k, "plan": 120.0 if p[4:] == "" else None,
             "source": "base"}
            for k, (i, u, p) in enumerate((i, u, p) for i in CODES for u in PROVINCES[:n_units] for p in PERIODS)]
    return pd.DataFrame(rows)


def _commit(rows: pd.DataFrame, data_dir) -> store.Snapshot:
    """One import as kpi.importing.merge commits it: upsert on the head, the delta written, the
    catalogue row in its transaction."""
    parent, _ = store.import_base(data_dir)
    new, _counts, changes = upsert(store.read_table(parent, "facts"), rows)
    delta = new.iloc[len(new) - len(changes):]
    snapshot = store.write_folder(new, UNITS, INDICATORS, created_by="tests", parent=parent.id, data_dir=data_dir,
                                  delta=delta, parent_manifest=parent.manifest)
    done = store.commit_folder(snapshot, user=local_user(), units=sorted(set(rows["unit"])), approve=True,
                               data_dir=data_dir)
    assert done.ok
    return snapshot


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reindex(columns=store.FACT_COLUMNS)
    for col in (f.name for f in snapshots.FACT_SCHEMA if f.type == "string"):  # text, missing as None
        frame[col] = frame[col].astype("object").where(frame[col].notna(), None)
    return frame.sort_values(["indicator", "unit", "period"]).reset_index(drop=True)


def _loaded_facts(snapshot: store.Snapshot) -> pd.DataFrame:
    with database.cursor(snapshot) as cur:
        return cur.execute("SELECT * FROM facts ORDER BY indicator, unit, period").df()


row_strategy = st.fixed_dictionaries({
    "indicator": st.sampled_from(CODES), "unit": st.sampled_from(PROVINCES), "period": st.sampled_from(PERIODS + ["2023"]),
    "actual": st.one_of(st.none(), st.integers(0, 5000).map(float)),
    "plan": st.one_of(st.none(), st.integers(0, 5000).map(float)),
})
imports_strategy = st.lists(st.lists(row_strategy, min_size=1, max_size=8), min_size=1, max_size=6)


def _rows(drawn: list[dict], i: int) -> pd.DataFrame:
    frame = pd.DataFrame(drawn).drop_duplicates(["indicator", "unit", "period"], keep="last")
    frame["source"] = f"import {i}"
    return frame.astype({"actual": "float64", "plan": "float64"})


def _property(imports: list[list[dict]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store.write_snapshot(_base(), UNITS, INDICATORS, created_by="tests", data_dir=folder)
        full = _sorted(_base())
        expected = {}
        for i, drawn in enumerate(imports):
            full_new, _counts, changes = upsert(full, _rows(drawn, i))
            if changes.empty:
                continue
            snapshot = _commit(_rows(drawn, i), folder)
            full = _sorted(full_new)
            expected[snapshot.id] = full
        for snapshot in store.list_snapshots(folder):
            if snapshot.id in expected:  # every snapshot "as of": what a full copy holds
                pd.testing.assert_frame_equal(_sorted(store.read_table(snapshot, "facts")), expected[snapshot.id])
                assert snapshot.manifest["counts"]["facts"] == len(expected[snapshot.id])
            assert store.damage(snapshot) is None


@pytest.mark.slow
@settings(max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(imports=imports_strategy)
def test_every_snapshot_of_a_random_chain_holds_what_a_full_copy_would(imports, storage, monkeypatch):
    if storage == "s3":  # each example its own prefix: one storage prefix belongs to one catalogue
        monkeypatch.setenv("KPI_STORAGE", f"s3://kpi/test-{uuid.uuid4().hex[:12]}")
    monkeypatch.setattr(deltas, "MAX_DELTAS", 3)  # compactions happen within a short sequence
    monkeypatch.setattr(deltas, "MAX_DELTA_FRACTION", 0.5)
    _property(imports)


def test_an_import_writes_only_its_rows_and_its_manifest_lists_the_chain(tmp_path, storage):
    base = store.write_snapshot(_base(), UNITS, INDICATORS, created_by="tests", data_dir=tmp_path)
    csv = tmp_path / "one.csv"
    csv.write_text(f"unit,period,indicator,actual\n{PROVINCES[0]},2021,jobs_created,4242\n", encoding="utf-8")
    report, snapshot = import_file(csv, data_dir=tmp_path, accept_warnings=True)
    assert snapshot is not None and report.counts["changed"] == 1, [i.text() for i in report.issues]
    assert set(snapshot.manifest["files"]) == {deltas.DELTA_FILE, "units.parquet", "indicators.parquet"}
    assert snapshot.manifest["files"][deltas.DELTA_FILE]["rows"] == 1
    layers = snapshot.manifest["facts_layers"]
    assert [(layer["snapshot"], layer["file"]) for layer in layers] == [(base.id, "facts.parquet"),
                                                                         (snapshot.id, deltas.DELTA_FILE)]
    assert snapshot.manifest["counts"]["facts"] == len(_base())
    facts = store.read_table(store.get_snapshot(None, tmp_path), "facts").set_index(["indicator", "unit", "period"])
    assert facts.loc[("jobs_created", PROVINCES[0], "2021"), "actual"] == 4242.0
    assert len(facts) == len(_base())
    # loaded into DuckDB: the same facts as the full table read back, with a full copy's plan inheritance
    loaded = _loaded_facts(store.get_snapshot(None, tmp_path))
    assert len(loaded) == len(_base())
    row = loaded[(loaded["unit"] == PROVINCES[0]) & (loaded["period"] == "2021-M06") & (loaded["indicator"] == "jobs_created")]
    assert row["plan"].iloc[0] == 120.0  # the whole-year plan applies to the cumulative period


def test_a_loaded_delta_snapshot_equals_the_same_facts_written_full(tmp_path, storage):
    chain, full_dir = tmp_path / "chain", tmp_path / "full"
    store.write_snapshot(_base(), UNITS, INDICATORS, created_by="tests", data_dir=chain)
    rows = pd.DataFrame([{"indicator": "jobs_created", "unit": PROVINCES[1], "period": "2021-M06", "actual": 7.0,
                          "plan": math.nan, "source": "a"},
                         {"indicator": "jobs_created", "unit": PROVINCES[2], "period": "2024", "actual": 9.0,
                          "plan": 10.0, "source": "a"}])
    first = _commit(rows, chain)
    second = _commit(rows.assign(actual=[8.0, 11.0]), chain)
    assert len(second.manifest["facts_layers"]) == 3
    full = store.write_snapshot(store.read_table(second, "facts"), UNITS, INDICATORS, created_by="tests",
                                data_dir=full_dir)
    pd.testing.assert_frame_equal(_loaded_facts(second), _loaded_facts(full))
    assert not _loaded_facts(first).equals(_loaded_facts(second))  # "as of" the first: its own figures
    for table in ("periods", "target_sums"):
        with database.cursor(second) as a, database.cursor(full) as b:
            left = a.execute(f"SELECT * FROM {table}").df()  # noqa: S608 - a table name of the test
            right = b.execute(f"SELECT * FROM {table}").df()  # noqa: S608
        key = list(left.columns)
        pd.testing.assert_frame_equal(left.sort_values(key).reset_index(drop=True),
                                      right.sort_values(key).reset_index(drop=True))


def test_a_chain_is_compacted_into_a_new_full_snapshot_and_earlier_ones_are_untouched(tmp_path, storage, monkeypatch):
    monkeypatch.setattr(deltas, "MAX_DELTAS", 2)
    store.write_snapshot(_base(), UNITS, INDICATORS, created_by="tests", data_dir=tmp_path)
    made = []
    for i in range(4):
        rows = pd.DataFrame([{"indicator": "jobs_created", "unit": PROVINCES[0], "period": "2022", "actual": float(i),
                              "source": f"i{i}"}])
        made.append(_commit(rows, tmp_path))
    kinds = [deltas.DELTA_FILE in s.manifest["files"] for s in made]
    assert kinds == [True, True, False, True]  # the third would make a chain of 3 deltas: a full base
    assert made[3].manifest["facts_layers"][0] == {"snapshot": made[2].id, "file": "facts.parquet",
                                                   **made[2].manifest["files"]["facts.parquet"]}
    for snapshot in store.list_snapshots(tmp_path):
        assert store.damage(snapshot) is None
    assert [store.read_table(s, "facts").set_index(["indicator", "unit", "period"]).loc[
        ("jobs_created", PROVINCES[0], "2022"), "actual"] for s in made] == [0.0, 1.0, 2.0, 3.0]


def test_a_damaged_base_damages_every_delta_on_it(tmp_path):
    base = store.write_snapshot(_base(), UNITS, INDICATORS, created_by="tests", data_dir=tmp_path)
    child = _commit(pd.DataFrame([{"indicator": "jobs_created", "unit": PROVINCES[0], "period": "2022",
                                   "actual": 1.0, "source": "x"}]), tmp_path)
    path = base.path / "facts.parquet"
    payload = bytearray(path.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    path.write_bytes(bytes(payload))
    store.damage.cache_clear()
    found = {s.id: store.damage(s) for s in store.list_snapshots(tmp_path)}
    assert found[base.id].file == "facts.parquet" and found[base.id].kind == "hash"
    assert found[child.id].file == f"{base.id}/facts.parquet" and found[child.id].kind == "hash"
    assert store.get_snapshot(None, tmp_path) is None  # nothing intact to show
    with pytest.raises(store.SnapshotError, match="bị hỏng"):
        database.load(child)


def test_a_full_copy_snapshot_written_before_deltas_keeps_loading(tmp_path):
    old = store.write_snapshot(_base(), UNITS, INDICATORS, created_by="tests", data_dir=tmp_path)
    manifest_path = old.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    del manifest["facts_layers"]  # as written before delta snapshots
    manifest_path.write_text(json.dumps(manifest))
    snapshot_read._MANIFESTS.clear()
    legacy = store.get_snapshot(None, tmp_path)
    assert "facts_layers" not in legacy.manifest
    assert len(_loaded_facts(legacy)) == len(_base())
    child = _commit(pd.DataFrame([{"indicator": "jobs_created", "unit": PROVINCES[0], "period": "2022",
                                   "actual": 1.0, "source": "x"}]), tmp_path)
    assert child.manifest["facts_layers"][0]["snapshot"] == legacy.id
    assert len(_loaded_facts(child)) == len(_base())
    assert pq.read_metadata(Path(child.path) / deltas.DELTA_FILE).num_rows == 1
