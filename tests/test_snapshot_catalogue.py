"""The snapshot catalogue (issue 12, items 1 and 3): schema and append-only tables, migration of
existing data folders, commits that check the head and re-apply on a newer one, folders of a
commit that died, pending / approved / rejected, who may import and approve, the command line."""
from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pandas as pd
import pytest

from kpi import cli, store
from kpi.access.users import APPROVER, EDITOR, VIEWER, PermissionDenied, User, local_user
from kpi.importing.merge import ImportFailed, commit_import, prepare_import
from kpi.store import catalogue, snapshot_read, snapshots
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.unit

EDITOR_USER = User(id="oidc:bien", name="Chuyên viên Biên", roles=frozenset({VIEWER, EDITOR}))
OTHER_EDITOR = User(id="oidc:lan", name="Chuyên viên Lan", roles=frozenset({VIEWER, EDITOR}))
APPROVER_USER = User(id="oidc:duyet", name="Trưởng phòng Duyệt", roles=frozenset({VIEWER, EDITOR, APPROVER}))
VIEWER_USER = User(id="oidc:xem", name="Lãnh đạo Xem", roles=frozenset({VIEWER}))
BASE = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-01", "period": "2020", "actual": 150000.0,
                      "plan": 160000.0, "source": "test"}])


def _csv(rows: list[tuple[str, str, float]]) -> bytes:
    return ("unit,period,indicator,actual\n" + "".join(f"{u},{p},jobs_created,{int(v)}\n" for u, p, v in rows)
            ).encode("utf-8")


@pytest.fixture
def folder(tmp_path, backend):
    """A data folder with one snapshot, on both deployments (conftest.backend): SQLite and the
    snapshot files in the folder, or PostgreSQL and the files in SeaweedFS."""
    store.write_snapshot(BASE, build_units(), load_indicators(), created_by="tests", note="base", data_dir=tmp_path)
    local = backend == "sqlite-local"
    assert (tmp_path / "snapshots").is_dir() == local and (tmp_path / catalogue.FILE_NAME).is_file() == local
    return tmp_path


@pytest.fixture
def db_folder(tmp_path, catalogue_db):
    """A data folder with one snapshot in the folder itself; its catalogue on SQLite and on
    PostgreSQL (catalogue_db): the tests of the database, and of folders on the local disk."""
    store.write_snapshot(BASE, build_units(), load_indicators(), created_by="tests", note="base", data_dir=tmp_path)
    return tmp_path


def _import(folder, rows, **kwargs) -> store.Snapshot:
    report = prepare_import([("f.csv", _csv(rows))], data_dir=folder)
    assert report.ok, [i.text() for i in report.errors]
    return commit_import(report, data_dir=folder, **kwargs)


def _actuals(snapshot) -> dict:
    facts = store.read_table(snapshot, "facts")
    return {(u, p): a for u, p, a in zip(facts["unit"], facts["period"], facts["actual"])}


# --- the database ------------------------------------------------------------------------------

def test_the_catalogue_is_sqlite_in_wal_mode_with_append_only_tables(db_folder, catalogue_db):
    """SQLite in the data folder (write-ahead log) or PostgreSQL: the same append-only tables."""
    assert (db_folder / "catalogue.sqlite").is_file() == (catalogue_db == "sqlite")
    assert catalogue.dialect(db_folder).name == catalogue_db
    with catalogue.connect(db_folder) as con:
        if catalogue_db == "sqlite":
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        catalogue.append_audit(con, "test", VIEWER_USER, "một dòng", ["x"])
        con.execute("INSERT INTO decisions (id, scorecard_name) VALUES ('d1', 'bảng điểm')")
        for statement in ("UPDATE audit_log SET what = 'sửa'", "DELETE FROM audit_log",
                          "UPDATE decisions SET scorecard_name = 'khác'", "DELETE FROM decisions",
                          "DELETE FROM snapshots", "UPDATE snapshots SET state = 'pending'"):
            with pytest.raises(catalogue.DB_ERRORS, match="append-only|never deleted|decided, once"):
                con.execute(statement)
        log = catalogue.audit_rows(con)
    assert list(log["action"]) == ["test"] and log["ids"].iloc[0] == ["x"]


def test_connect_and_run_sql_for_other_modules(db_folder):
    with catalogue.connect(db_folder) as con:
        rows = catalogue.run_sql(con, "catalogue_snapshots_all").fetchall()
    assert [r["state"] for r in rows] == ["approved"] and json.loads(rows[0]["files"]).keys() == {
        "facts.parquet", "units.parquet", "indicators.parquet"}


# --- migration and half commits ----------------------------------------------------------------

def _legacy_folder(folder, facts, parent=None):
    """A snapshot folder as written before the catalogue (no `writer` in its manifest)."""
    snapshot = snapshots.write_folder(facts, build_units(), load_indicators(), created_by="old", parent=parent,
                                      data_dir=folder)
    snapshots.release_folder(snapshot)
    manifest = dict(snapshot.manifest)
    manifest.pop("writer")
    (snapshot.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return snapshot


def test_an_existing_data_folder_is_registered_on_first_use(tmp_path, catalogue_db):
    first = _legacy_folder(tmp_path, BASE)
    second = _legacy_folder(tmp_path, BASE.assign(actual=1.0), parent=first.id)
    assert not (tmp_path / "catalogue.sqlite").exists()
    listed = store.list_snapshots(tmp_path)
    assert [s.id for s in listed] == [second.id, first.id] and {s.state for s in listed} == {"approved"}
    entry = {e.id: e for e in store.catalogue_entries(tmp_path)}[second.id]
    assert entry.parent == first.id and entry.created_at == second.manifest["created_precise"]
    assert entry.created_by == second.manifest["user"] and entry.files["facts.parquet"] == \
        second.manifest["files"]["facts.parquet"]["sha256"]
    assert store.get_snapshot(None, tmp_path).id == second.id
    # registered once: a legacy folder copied in later is not a snapshot (nor removed)
    third = _legacy_folder(tmp_path, BASE.assign(actual=2.0))
    assert third.id not in {s.id for s in store.list_snapshots(tmp_path)}
    store.remove_stale_temporaries(tmp_path)
    assert third.path.is_dir()


def test_a_folder_whose_commit_died_is_not_listed_and_is_cleaned(db_folder):
    before = [s.id for s in store.list_snapshots(db_folder)]
    dead = snapshots.write_folder(BASE.assign(actual=5.0), build_units(), load_indicators(), created_by="t",
                                  data_dir=db_folder)
    live = snapshots.write_folder(BASE.assign(actual=6.0), build_units(), load_indicators(), created_by="t",
                                  data_dir=db_folder)
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    manifest = dict(dead.manifest, writer=f"{socket.gethostname()} {child.stdout.strip()}")  # that process ended
    (dead.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    snapshots.release_folder(dead)
    snapshot_read._MANIFESTS.clear()
    assert [s.id for s in store.list_snapshots(db_folder)] == before  # readers never see a half commit
    removed = store.remove_stale_temporaries(db_folder)
    assert removed == [dead.id] and not dead.path.exists()
    assert live.path.is_dir()  # this process is alive and may still commit it
    snapshots.discard_folder(live)


# --- commits -----------------------------------------------------------------------------------

def test_a_later_import_is_re_applied_on_the_newer_head(folder):
    first = prepare_import([("a.csv", _csv([("01", "2021", 111)]))], data_dir=folder)
    second = prepare_import([("b.csv", _csv([("04", "2021", 222)]))], data_dir=folder)
    assert first.parent.id == second.parent.id
    a = commit_import(first, data_dir=folder)
    b = commit_import(second, data_dir=folder)
    assert b.manifest["parent"] == a.id and second.parent.id == a.id
    assert any(i.key == "imp_reapplied" and a.id in i.text() for i in second.notices)
    actuals = _actuals(store.get_snapshot(None, folder))
    assert actuals[("VN-01", "2021")] == 111 and actuals[("VN-04", "2021")] == 222
    assert second.counts["facts_after"] == 3


def test_the_head_check_alone_loses_no_import_without_the_writer_lock(folder, monkeypatch):
    """The lock only saves work: with it gone, ten threads still land (each re-applied as needed)."""
    monkeypatch.setattr(catalogue, "writer_lock", lambda data_dir=None: contextlib.nullcontext())
    codes = ["01", "04", "06", "08", "10", "11", "12", "14", "15", "17"]
    reports = [prepare_import([(f"{c}.csv", _csv([(c, "2021", 1000 + i)]))], data_dir=folder)
               for i, c in enumerate(codes)]
    barrier, errors = threading.Barrier(len(reports)), []

    def run(report):
        barrier.wait()
        try:
            commit_import(report, data_dir=folder)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(r,)) for r in reports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert errors == []
    actuals = _actuals(store.get_snapshot(None, folder))
    assert sorted(v for (_u, p), v in actuals.items() if p == "2021") == [1000 + i for i in range(len(codes))]
    assert len(store.list_snapshots(folder)) == len(codes) + 1


def test_re_applying_on_a_head_where_the_rows_are_not_valid_is_refused(folder):
    report = prepare_import([("a.csv", _csv([("04", "2021", 111)]))], data_dir=folder)
    units = build_units()
    store.write_snapshot(BASE, units[units["unit"] != "VN-04"], load_indicators(), created_by="script",
                         data_dir=folder)
    with pytest.raises(ImportFailed) as failed:
        commit_import(report, data_dir=folder)
    text = failed.value.issues[0].text()
    assert "đã có bản dữ liệu mới hơn" in text and "VN-04" in text and "không ghi gì" in text


# --- who may import, approval ------------------------------------------------------------------

def test_a_viewer_or_an_editor_of_another_province_cannot_import(folder):
    report = prepare_import([("a.csv", _csv([("04", "2021", 111)]))], data_dir=folder)
    before = [s.id for s in store.list_snapshots(folder)]
    with pytest.raises(PermissionDenied, match="không có quyền 'Nhập liệu'"):
        commit_import(report, data_dir=folder, user=VIEWER_USER)
    scoped = User(id="oidc:hn", name="Biên tập Hà Nội", roles=frozenset({EDITOR}),
                  scopes=((EDITOR, frozenset({"VN-01"})),))
    with pytest.raises(PermissionDenied, match="không gồm đơn vị: VN-04"):
        commit_import(report, data_dir=folder, user=scoped)
    assert [s.id for s in store.list_snapshots(folder)] == before


def test_pending_import_approved_by_someone_else_then_shown_by_default(folder):
    base = store.get_snapshot(None, folder)
    pending = _import(folder, [("04", "2021", 111)], user=EDITOR_USER, pending=True)
    assert pending.state == "pending"
    assert store.get_snapshot(None, folder) == base  # pages and kpi facts: the approved head
    assert store.get_snapshot(pending.id, folder).state == "pending"  # reachable by id
    with pytest.raises(catalogue.CatalogueError, match="chính mình nhập"):
        catalogue.approve(pending.id, User(id=EDITOR_USER.id, name="x", roles=frozenset({APPROVER})), "", folder)
    with pytest.raises(PermissionDenied):
        catalogue.approve(pending.id, OTHER_EDITOR, "", folder)
    entry = catalogue.approve(pending.id, APPROVER_USER, "đã kiểm tra", folder)
    assert entry.state == "approved" and entry.decided_by == APPROVER_USER.id and entry.comment == "đã kiểm tra"
    assert store.get_snapshot(None, folder).id == pending.id
    with pytest.raises(catalogue.CatalogueError, match="đã duyệt"):
        catalogue.approve(pending.id, APPROVER_USER, "", folder)
    with catalogue.connect(folder) as con:
        log = catalogue.audit_rows(con)
    assert list(log["action"]) == ["import", "approve"] and list(log["user_id"]) == [EDITOR_USER.id,
                                                                                      APPROVER_USER.id]
    assert log["ids"].iloc[1] == [pending.id, base.id]


def test_a_signed_in_users_import_is_pending_even_when_not_asked(folder):
    snapshot = _import(folder, [("04", "2021", 111)], user=APPROVER_USER)
    assert snapshot.state == "pending"


def test_approval_goes_in_order_and_rejection_from_the_newest(folder):
    base = store.get_snapshot(None, folder)
    first = _import(folder, [("04", "2021", 111)], user=EDITOR_USER, pending=True)
    second = _import(folder, [("06", "2021", 222)], user=OTHER_EDITOR, pending=True)
    assert second.manifest["parent"] == first.id  # imports build on the head, pending or not
    with pytest.raises(catalogue.CatalogueError, match=f"hãy duyệt bản {first.id} trước"):
        catalogue.approve(second.id, APPROVER_USER, "", folder)
    with pytest.raises(catalogue.CatalogueError, match="lý do"):
        catalogue.reject(first.id, APPROVER_USER, " ", folder)
    with pytest.raises(catalogue.CatalogueError, match=f"từ chối bản {second.id} trước"):
        catalogue.reject(first.id, APPROVER_USER, "sai số liệu", folder)
    catalogue.reject(second.id, APPROVER_USER, "trùng", folder)
    catalogue.reject(first.id, APPROVER_USER, "sai số liệu", folder)
    assert store.get_snapshot(None, folder) == base
    third = _import(folder, [("08", "2021", 333)], user=EDITOR_USER, pending=True)
    assert third.manifest["parent"] == base.id  # a rejected snapshot is never built on
    assert ("VN-04", "2021") not in _actuals(third)
    states = {s.id: s.state for s in store.list_snapshots(folder)}
    assert states == {base.id: "approved", first.id: "rejected", second.id: "rejected", third.id: "pending"}


def test_a_local_import_on_a_pending_head_stays_pending(folder):
    pending = _import(folder, [("04", "2021", 111)], user=EDITOR_USER, pending=True)
    local = _import(folder, [("06", "2021", 222)], user=local_user("tester"))
    assert local.manifest["parent"] == pending.id and local.state == "pending"  # approving it would approve both


# --- the command line --------------------------------------------------------------------------

def _cli(folder, *args, user="tester", monkeypatch=None):
    monkeypatch.setenv("KPI_USER", user)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["--data-dir", str(folder), *args])
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_imports_pending_approves_and_rejects(folder, tmp_path, monkeypatch):
    file = tmp_path / "a.csv"
    file.write_bytes(_csv([("04", "2021", 111)]))
    code, out, _ = _cli(folder, "import", str(file), "--pending", monkeypatch=monkeypatch)
    pending = store.list_snapshots(folder)[0]
    assert code == 0 and pending.state == "pending" and f"python -m kpi approve {pending.id}" in out
    code, out, _ = _cli(folder, "snapshots", "--format", "csv", monkeypatch=monkeypatch)
    assert code == 0 and out.splitlines()[0].split(",")[:3] == ["id", "created", "state"]
    assert out.splitlines()[1].split(",")[:3:2] == [pending.id, "pending"]
    code, _, err = _cli(folder, "facts", "--unit", "Cao Bằng", "--period", "2021", "--format", "csv",
                        monkeypatch=monkeypatch)
    assert code == 1 and "không có trong bản dữ liệu" in err  # the approved head has no 2021
    code, out, _ = _cli(folder, "facts", "--unit", "Cao Bằng", "--period", "2021", "--snapshot", pending.id,
                        "--format", "csv", monkeypatch=monkeypatch)
    assert code == 0 and "jobs_created,111.0" in out
    code, _, err = _cli(folder, "approve", pending.id, monkeypatch=monkeypatch)
    assert code == 1 and err.count("\n") == 1 and "chính mình nhập" in err
    code, out, _ = _cli(folder, "approve", pending.id, "--comment", "ok", user="truongphong", monkeypatch=monkeypatch)
    assert code == 0 and "Đã duyệt" in out and store.get_snapshot(None, folder).id == pending.id
    file.write_bytes(_csv([("04", "2021", 112)]))
    _cli(folder, "import", str(file), "--pending", monkeypatch=monkeypatch)
    newer = store.list_snapshots(folder)[0]
    code, _, err = _cli(folder, "reject", newer.id, "--comment", "", monkeypatch=monkeypatch)
    assert code == 1 and "lý do" in err
    code, out, _ = _cli(folder, "reject", newer.id, "--comment", "nhầm tệp", user="truongphong",
                        monkeypatch=monkeypatch)
    assert code == 0 and "nhầm tệp" in out and store.get_snapshot(newer.id, folder).state == "rejected"
    code, _, _ = _cli(folder, "import", str(file), monkeypatch=monkeypatch)  # local: approved as it commits
    assert code == 0 and store.get_snapshot(None, folder).state == "approved"
    assert store.get_snapshot(None, folder).manifest["parent"] == pending.id


KILLED_AFTER_RENAME = """
import os, sys, time
sys.path.insert(0, sys.argv[3])
from kpi.importing.merge import import_file
real_rename = os.rename
def rename(a, b):
    real_rename(a, b)
    print("READY", flush=True)  # the folder is in place, its catalogue row not yet written
    time.sleep(120)
os.rename = rename
import_file(sys.argv[1], data_dir=sys.argv[2])
"""


@pytest.mark.slow
def test_an_import_killed_between_its_folder_and_its_row_is_invisible_and_cleaned(db_folder, tmp_path):
    file = tmp_path / "a.csv"
    file.write_bytes(_csv([("04", "2021", 111)]))
    before = [s.id for s in store.list_snapshots(db_folder)]
    repo = Path(__file__).resolve().parent.parent
    child = subprocess.Popen([sys.executable, "-c", KILLED_AFTER_RENAME, str(file), str(db_folder), str(repo)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "READY", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    folders = [p.name for p in store.snapshots_dir(db_folder).iterdir() if not p.name.startswith(".")]
    assert len(folders) == len(before) + 1  # the renamed folder is there ...
    assert [s.id for s in store.list_snapshots(db_folder)] == before  # ... and is not a snapshot
    [orphan] = set(folders) - set(before)
    assert store.remove_stale_temporaries(db_folder) == [orphan]
    snapshot = _import(db_folder, [("04", "2021", 111)])
    assert snapshot.manifest["parent"] == before[0] and store.get_snapshot(None, db_folder).id == snapshot.id
