"""Snapshot store: atomic, immutable, verifiable."""
import hashlib
import json
import os

import pandas as pd
import pytest

from kpi import store
from kpi.store import snapshot_write
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units


def _facts(n=3):
    return pd.DataFrame({"indicator": ["jobs_created"] * n, "unit": [f"VN-0{i}" for i in range(1, n + 1)],
                         "period": ["2020"] * n, "actual": [100.0 * i for i in range(1, n + 1)],
                         "plan": [None] * n, "numerator": [None] * n, "denominator": [None] * n,
                         "source": ["test"] * n, "note": [None] * n})


@pytest.mark.unit
def test_write_and_list(tmp_path):
    first = store.write_snapshot(_facts(), build_units(), load_indicators(), created_by="test", data_dir=tmp_path)
    second = store.write_snapshot(_facts(2), build_units(), load_indicators(), created_by="test",
                                  parent=first.id, data_dir=tmp_path)
    listed = store.list_snapshots(tmp_path)
    assert [s.id for s in listed][0] in {first.id, second.id}
    assert {s.id for s in listed} == {first.id, second.id}
    assert store.get_snapshot(first.id, tmp_path).manifest["counts"]["facts"] == 3
    manifest = json.loads((second.path / "manifest.json").read_text())
    assert manifest["parent"] == first.id
    for name, info in manifest["files"].items():
        assert hashlib.sha256((second.path / name).read_bytes()).hexdigest() == info["sha256"]


@pytest.mark.unit
def test_half_written_snapshot_is_invisible(tmp_path):
    store.write_snapshot(_facts(), build_units(), load_indicators(), created_by="test", data_dir=tmp_path)
    # a crash leaves a temporary folder behind: it must never be listed
    tmp = store.snapshots_dir(tmp_path) / ".tmp-20990101-000000-abcdef"
    tmp.mkdir()
    (tmp / "facts.parquet").write_bytes(b"PAR1 half")
    # a folder without manifest (crash before the manifest) is not a snapshot either
    (store.snapshots_dir(tmp_path) / "20990101-000000-abcdef").mkdir()
    assert len(store.list_snapshots(tmp_path)) == 1


@pytest.mark.unit
def test_failed_write_leaves_nothing(tmp_path, monkeypatch):
    earlier = store.write_snapshot(_facts(), build_units(), load_indicators(), created_by="test", data_dir=tmp_path)
    before = sorted(os.listdir(store.snapshots_dir(tmp_path)))

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(snapshot_write, "_verify", boom)
    with pytest.raises(OSError):
        store.write_snapshot(_facts(), build_units(), load_indicators(), created_by="test", data_dir=tmp_path)
    assert sorted(os.listdir(store.snapshots_dir(tmp_path))) == before
    assert store.get_snapshot(None, tmp_path).id == earlier.id


@pytest.mark.unit
def test_duplicate_figures_are_refused(tmp_path):
    facts = pd.concat([_facts(), _facts()])
    with pytest.raises(store.SnapshotError):
        store.write_snapshot(facts, build_units(), load_indicators(), created_by="test", data_dir=tmp_path)
    assert store.list_snapshots(tmp_path) == []


@pytest.mark.unit
def test_unknown_snapshot_id(tmp_path):
    with pytest.raises(store.SnapshotError):
        store.get_snapshot("20200101-000000-000000", tmp_path)
    assert store.get_snapshot(None, tmp_path) is None
