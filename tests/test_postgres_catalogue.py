"""The PostgreSQL dialect of the snapshot catalogue (issue 13, item 2): placeholders translated in one
place, the configuration refused when it is not a PostgreSQL address, the importers' writer lock
exclusive across connections, a writing transaction that waits for another one, a data folder's
SQLite catalogue copied into PostgreSQL row for row, the report texts on PostgreSQL."""
from __future__ import annotations

import threading
import time

import pandas as pd
import pytest

from kpi import store
from kpi.access.users import LOCAL_USER
from kpi.store import catalogue, report_texts
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.unit

BASE = pd.DataFrame([{"indicator": "jobs_created", "unit": "VN-01", "period": "2020", "actual": 150000.0,
                      "plan": 160000.0, "source": "test"}])


def test_placeholders_become_psycopg_ones_and_percent_signs_are_kept():
    assert catalogue.pg_sql("SELECT * FROM t WHERE a = :a AND b LIKE '5%' AND c = :c_2") == \
        "SELECT * FROM t WHERE a = %(a)s AND b LIKE '5%%' AND c = %(c_2)s"
    assert catalogue.pg_sql("SELECT x::text FROM t") == "SELECT x::text FROM t"  # a cast is not a name


def test_the_catalogue_setting_chooses_the_database(monkeypatch, tmp_path):
    monkeypatch.delenv("KPI_CATALOGUE", raising=False)
    assert catalogue.dialect(tmp_path).name == "sqlite"
    monkeypatch.setenv("KPI_CATALOGUE", "postgresql://kpi:bí-mật@127.0.0.1:5/kpi")
    db = catalogue.dialect(tmp_path)
    assert db.name == "postgresql" and db.path(tmp_path) == "postgresql://kpi@127.0.0.1:5/kpi"  # no password
    monkeypatch.setenv("KPI_CATALOGUE", "mysql://x")
    with pytest.raises(catalogue.CatalogueError, match="postgresql://"):
        catalogue.dialect(tmp_path)


def test_the_writer_lock_is_exclusive_across_connections(pg_catalogue, tmp_path):
    order = []

    def second():
        with catalogue.writer_lock(tmp_path):
            order.append("second")

    with catalogue.writer_lock(tmp_path):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.5)
        order.append("first done")
    thread.join(timeout=30)
    assert order == ["first done", "second"]


def test_a_writing_transaction_waits_for_the_one_before_it(pg_catalogue, tmp_path):
    store.write_snapshot(BASE, build_units(), load_indicators(), created_by="tests", data_dir=tmp_path)
    seen = []

    def writer():
        with catalogue.connect(tmp_path) as con, catalogue.transaction(con):
            seen.append(("second sees", len(catalogue.audit_rows(con))))
            catalogue.append_audit(con, "test", LOCAL_USER, "hai")

    with catalogue.connect(tmp_path) as con, catalogue.transaction(con):
        catalogue.append_audit(con, "test", LOCAL_USER, "một")
        thread = threading.Thread(target=writer)
        thread.start()
        time.sleep(0.5)
        assert seen == []  # blocked on the catalogue's transaction lock
    thread.join(timeout=30)
    assert seen == [("second sees", 1)]
    with catalogue.connect(tmp_path) as con:
        assert list(catalogue.audit_rows(con)["what"]) == ["một", "hai"]


def test_a_sqlite_catalogue_is_copied_into_postgresql_row_for_row(tmp_path, monkeypatch, postgres):
    monkeypatch.delenv("KPI_CATALOGUE", raising=False)
    old = tmp_path / "old"
    first = store.write_snapshot(BASE, build_units(), load_indicators(), created_by="tests", data_dir=old)
    store.write_snapshot(BASE.assign(actual=1.0), build_units(), load_indicators(), created_by="tests",
                         parent=first.id, data_dir=old)
    with catalogue.connect(old) as con, catalogue.transaction(con):
        catalogue.append_audit(con, "test", LOCAL_USER, "dòng", ["a"])
    with catalogue.connect(old) as con:
        before, log = catalogue.entries(con), catalogue.audit_rows(con)
    url = catalogue.PostgresDialect(_fresh_database(postgres))
    with catalogue.connect(old, db=catalogue.SQLITE) as source, catalogue.connect(old, db=url) as target:
        assert catalogue.copy_catalogue(source, target) == 2
        assert catalogue.entries(target) == before
        copied = catalogue.audit_rows(target)
        with pytest.raises(catalogue.CatalogueError, match="sổ trống"):
            catalogue.copy_catalogue(source, target)
    assert copied[["at", "user_id", "action", "what"]].equals(log[["at", "user_id", "action", "what"]])
    assert list(copied["ids"]) == list(log["ids"])


def _fresh_database(admin_url: str) -> str:
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return admin_url.rsplit("/", 1)[0] + "/" + name


def test_report_texts_are_kept_in_postgresql(pg_catalogue, tmp_path):
    texts = report_texts.ReportTexts(unit="VN63-83", period="2020", geography=63, strengths="Ưu điểm",
                                     weaknesses="Hạn chế", directions="Phương hướng", proposals="Kiến nghị")
    report_texts.save(texts, LOCAL_USER, tmp_path)
    report_texts.save(texts, LOCAL_USER, tmp_path)
    assert [v.version for v in report_texts.versions("VN63-83", "2020", 63, tmp_path)] == [2, 1]
    assert not (tmp_path / catalogue.FILE_NAME).exists()


def test_import_approval_and_rejection_on_postgresql_and_seaweedfs(pg_catalogue, seaweedfs, monkeypatch, tmp_path):
    """The shared deployment's pair: the catalogue in PostgreSQL, the snapshot files in S3."""
    import uuid

    from kpi.access.users import APPROVER, EDITOR, VIEWER, User
    from kpi.importing.merge import commit_import, prepare_import

    for key, value in seaweedfs.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("KPI_STORAGE", f"s3://kpi/test-{uuid.uuid4().hex[:12]}")
    editor = User(id="oidc:bien", name="Chuyên viên Biên", roles=frozenset({VIEWER, EDITOR}))
    approver = User(id="oidc:duyet", name="Trưởng phòng Duyệt", roles=frozenset({VIEWER, EDITOR, APPROVER}))
    base = store.write_snapshot(BASE, build_units(), load_indicators(), created_by="tests", data_dir=tmp_path)
    assert not (tmp_path / "snapshots").exists() and not (tmp_path / catalogue.FILE_NAME).exists()

    def pending(value: int) -> store.Snapshot:
        report = prepare_import([("a.csv", f"unit,period,indicator,actual\nVN-04,2021,jobs_created,{value}\n"
                                  .encode())], data_dir=tmp_path)
        assert report.ok, [i.text() for i in report.errors]
        return commit_import(report, data_dir=tmp_path, user=editor, pending=True)

    first = pending(111)
    assert first.state == "pending" and store.get_snapshot(None, tmp_path).id == base.id
    catalogue.approve(first.id, approver, "đã kiểm tra", tmp_path)
    newest = store.get_snapshot(None, tmp_path)
    facts = store.read_table(newest, "facts")
    assert newest.id == first.id and 111.0 in set(facts["actual"])
    second = pending(222)
    assert second.manifest["parent"] == first.id
    catalogue.reject(second.id, approver, "nhầm tệp", tmp_path)
    assert store.get_snapshot(None, tmp_path).id == first.id
    with catalogue.connect(tmp_path) as con:
        log = catalogue.audit_rows(con)
    assert list(log["action"]) == ["import", "approve", "import", "reject"]
