"""Snapshot files on S3 object storage (SeaweedFS through the `seaweedfs` fixture) as well as on a
local folder (kpi.store.storage): import, approval, "as of", damage and cleaning after a dead upload
behave the same on both (the `storage` fixture), and five processes importing at once into S3 lose
nothing. The catalogue stays in the data folder."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kpi import store
from kpi.access.users import APPROVER, EDITOR, VIEWER, User
from kpi.importing.merge import import_file
from kpi.store import catalogue, database, deltas, snapshots
from kpi.store.indicators import load_indicators
from kpi.store.storage import LocalStorage, S3Storage, open_storage
from kpi.units.table import build_units

pytestmark = pytest.mark.query

REPO = Path(__file__).resolve().parent.parent
UNITS = build_units()
EDITOR_USER = User(id="oidc:bien", name="Chuyên viên Biên", roles=frozenset({VIEWER, EDITOR}))
APPROVER_USER = User(id="oidc:duyet", name="Trưởng phòng Duyệt", roles=frozenset({VIEWER, EDITOR, APPROVER}))


def _provinces(n: int) -> list[str]:
    provinces = UNITS[(UNITS["level"] == "province") & UNITS["generation"].isin(["63", "both"])]
    start, end = pd.to_datetime(provinces["valid_from"]), pd.to_datetime(provinces["valid_to"])
    reporting = provinces[(start.isna() | (start <= "2021-01-01")) & (end.isna() | (end >= "2022-12-31"))]
    return sorted(reporting["gso_code"].dropna().unique())[:n]


def _base(folder: Path) -> store.Snapshot:
    facts = pd.DataFrame([{"indicator": "jobs_created", "unit": u, "period": p, "actual": 1000.0, "source": "base"}
                          for u in sorted(UNITS[UNITS["level"] == "province"]["unit"])[:40] for p in ("2020", "2021")])
    return store.write_snapshot(facts, UNITS, load_indicators(), created_by="tests", note="base", data_dir=folder)


def _csv(folder: Path, name: str, rows: dict) -> Path:
    path = folder / name
    path.write_text("unit,period,indicator,actual\n" + "".join(f"{u},{p},jobs_created,{int(v)}\n"
                                                               for (u, p), v in rows.items()), encoding="utf-8")
    return path


def _actual(snapshot: store.Snapshot, gso: str, period: str) -> float | None:
    """The snapshot's jobs created of the 63-province list's province with this GSO code (a code may
    name a province of another list too)."""
    units = store.read_table(snapshot, "units")
    unit = units[(units["gso_code"] == gso) & units["generation"].isin(["63", "both"]) & (units["level"] == "province")]
    facts = store.read_table(snapshot, "facts")
    found = facts[facts["unit"].isin(unit["unit"]) & (facts["period"] == period) & (facts["indicator"] == "jobs_created")]
    assert len(found) <= 1
    return float(found["actual"].iloc[0]) if len(found) else None


def test_the_storage_is_chosen_by_configuration(tmp_path, storage):
    chosen = open_storage(tmp_path)
    assert isinstance(chosen, S3Storage if storage == "s3" else LocalStorage)
    chosen.put_bytes("probe/a.txt", b"one")
    assert chosen.exists("probe/a.txt") and chosen.read_bytes("probe/a.txt") == b"one"
    assert [e.name for e in chosen.list("probe")] == ["a.txt"] and chosen.list("nothing") == []
    with pytest.raises(FileNotFoundError):
        chosen.read_bytes("probe/missing.txt")
    chosen.delete("probe")
    assert not chosen.exists("probe/a.txt")
    snapshot = _base(tmp_path)
    assert str(snapshot.path).endswith(f"snapshots/{snapshot.id}")
    assert (tmp_path / "catalogue.sqlite").exists()  # the catalogue stays in the data folder
    assert (tmp_path / "snapshots" / snapshot.id).is_dir() == (storage == "local")


def test_import_approve_and_as_of(tmp_path, storage):
    base = _base(tmp_path)
    gso = _provinces(1)[0]
    report, pending = import_file(_csv(tmp_path, "a.csv", {(gso, "2022"): 1234}), data_dir=tmp_path,
                                  user=EDITOR_USER, accept_warnings=True)
    assert pending is not None and pending.state == catalogue.PENDING, [i.text() for i in report.issues]
    assert deltas.DELTA_FILE in pending.manifest["files"]
    assert store.get_snapshot(None, tmp_path) == base  # readers see approved figures only
    assert _actual(store.get_snapshot(pending.id, tmp_path), gso, "2022") == 1234.0
    catalogue.approve(pending.id, APPROVER_USER, "đã kiểm tra", tmp_path)
    current = store.get_snapshot(None, tmp_path)
    assert current.id == pending.id and _actual(current, gso, "2022") == 1234.0
    with database.cursor(current) as cur:
        assert cur.execute("SELECT count(*) FROM facts").fetchone()[0] == base.manifest["counts"]["facts"] + 1
    # "as of" the base: what it held then
    assert _actual(store.get_snapshot(base.id, tmp_path), gso, "2022") is None
    with database.cursor(store.get_snapshot(base.id, tmp_path)) as cur:
        assert cur.execute("SELECT count(*) FROM facts").fetchone()[0] == base.manifest["counts"]["facts"]


def test_a_damaged_file_is_found_and_never_loaded(tmp_path, storage):
    base = _base(tmp_path)
    gso = _provinces(1)[0]
    _report, child = import_file(_csv(tmp_path, "a.csv", {(gso, "2022"): 5}), data_dir=tmp_path, accept_warnings=True)
    where = snapshots.storage_of(tmp_path)
    key = f"snapshots/{base.id}/facts.parquet"
    payload = bytearray(where.read_bytes(key))
    payload[len(payload) // 2] ^= 0xFF
    if storage == "local":
        os.chmod(where.location(key), 0o600)
    where.put_bytes(key, bytes(payload))
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)  # S3: what was cached at upload is gone
    store.damage.cache_clear()
    found = {s.id: store.damage(s) for s in store.list_snapshots(tmp_path)}
    assert found[base.id].kind == "hash" and found[child.id].file == f"{base.id}/facts.parquet"
    assert store.get_snapshot(None, tmp_path) is None
    with pytest.raises(store.SnapshotError, match="bị hỏng"):
        database.load(child)


def test_a_dead_upload_is_ignored_then_cleaned(tmp_path, storage):
    base = _base(tmp_path)
    where = snapshots.storage_of(tmp_path)
    dead_pid = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout.strip()
    dead = "20260101-000000-dead00"
    # an upload killed after its first file and before its manifest: .owner and a Parquet file
    where.put_bytes(f"snapshots/{dead}/.owner", f"{socket.gethostname()} {dead_pid}".encode())
    where.put_bytes(f"snapshots/{dead}/units.parquet", where.read_bytes(f"snapshots/{base.id}/units.parquet"))
    # an upload still under way (this process) is never touched
    live = "20260101-000000-11fe00"
    where.put_bytes(f"snapshots/{live}/.owner", f"{socket.gethostname()} {os.getpid()}".encode())
    assert [s.id for s in store.list_snapshots(tmp_path)] == [base.id]  # never listed as snapshots
    removed = store.remove_stale_temporaries(tmp_path)
    assert dead in removed and live not in removed
    assert not where.exists(f"snapshots/{dead}/units.parquet") and where.exists(f"snapshots/{live}/.owner")
    assert store.damage(store.get_snapshot(None, tmp_path)) is None


@pytest.mark.slow
def test_five_processes_importing_at_once_into_s3_lose_nothing(tmp_path, seaweedfs, monkeypatch):
    for key, value in seaweedfs.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("KPI_STORAGE", f"s3://kpi/concurrent-{os.getpid()}-{int(time.time())}")
    data_dir = tmp_path / "data"
    _base(data_dir)
    codes = _provinces(5)
    files = [(_csv(tmp_path, f"i{i}.csv", {(c, "2021"): 2000 + i, (c, "2022"): 3000 + i}),
              {(c, "2021"): 2000.0 + i, (c, "2022"): 3000.0 + i}) for i, c in enumerate(codes)]
    children = [subprocess.Popen([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), "import", str(path),
                                  "--accept-warnings"],
                                 cwd=REPO, env=dict(os.environ), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for path, _rows in files]
    results = [(child, *child.communicate(timeout=600)) for child in children]
    for child, _out, err in results:
        assert "Traceback" not in err, err
        assert child.returncode == 0, err
    newest = store.get_snapshot(None, data_dir)
    for _path, rows in files:
        assert {k: _actual(newest, *k) for k in rows} == rows, [(c.returncode, o[-300:]) for c, o, _e in results]
    listed = store.list_snapshots(data_dir)
    assert len(listed) == 6 and all(store.damage(s) is None for s in listed)
    parents = [s.manifest.get("parent") for s in listed]
    assert len(set(parents)) == len(parents)  # a linear chain: each import built on the one before
    assert not (data_dir / "snapshots").exists()  # every file went to S3
