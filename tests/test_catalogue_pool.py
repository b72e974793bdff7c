"""The PostgreSQL catalogue's connection pool (kpi.store.dialects, issue 13): one bounded pool per
process and address (KPI_CATALOGUE_POOL); a connection handed back mid-transaction, or holding an
advisory lock, reaches the next user clean; a broken one is discarded; a nested use in one thread
does not wait for the pool; the pool is closed at exit. On a real PostgreSQL (conftest.postgres)."""
from __future__ import annotations

import threading
import time

import psycopg
import pytest

from kpi.access.users import LOCAL_USER
from kpi.store import catalogue, dialects

pytestmark = pytest.mark.unit

WRITERS_KEY = 4242001   # queries/catalogue_begin_write.pg.sql
IMPORTERS_KEY = 4242002  # queries/catalogue_writer_lock.pg.sql


def _pid(con) -> int:
    return con.execute("SELECT pg_backend_pid() AS pid").fetchone()["pid"]


def _advisory_locks(url: str, pid: int) -> list[int]:
    with psycopg.connect(url, autocommit=True) as other:
        rows = other.execute("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND pid = %s", (pid,))
        return sorted(row[0] for row in rows)


def _takes(url: str, key: int) -> bool:
    """Whether another session gets the advisory lock `key` at once (then lets it go)."""
    with psycopg.connect(url) as other:
        taken = other.execute("SELECT pg_try_advisory_xact_lock(%s)", (key,)).fetchone()[0]
        other.rollback()
        return taken


@pytest.mark.parametrize(("text", "sizes"), [("", (1, 8)), ("8", (1, 8)), ("2,6", (2, 6)), ("1-3", (1, 3)),
                                             (" 1 ", (1, 1)), ("0", None)])
def test_the_pool_size_setting(monkeypatch, text, sizes):
    monkeypatch.setenv(dialects.POOL_ENV, text)
    assert dialects.pool_size() == sizes


@pytest.mark.parametrize("text", ["nhiều", "8,2", "-1", "0,0", "1,2,3"])
def test_a_bad_pool_size_is_refused_with_its_reason(monkeypatch, text):
    monkeypatch.setenv(dialects.POOL_ENV, text)
    with pytest.raises(catalogue.CatalogueError, match="KPI_CATALOGUE_POOL"):
        dialects.pool_size()


@pytest.fixture
def one_connection(pg_catalogue, monkeypatch, tmp_path):
    """A pool of exactly one connection (every use gets the same one back), on a fresh database."""
    monkeypatch.setenv(dialects.POOL_ENV, "1,1")
    with catalogue.connect(tmp_path) as con:  # the schema, once
        catalogue.audit_rows(con)
    return pg_catalogue


def test_a_connection_returned_mid_write_leaks_neither_the_transaction_nor_the_locks(one_connection, tmp_path):
    with pytest.raises(RuntimeError, match="giữa chừng"), catalogue.connect(tmp_path) as con:
        first = _pid(con)
        # a write left open as an exception escapes the connection (not through transaction(),
        # which rolls back itself): the pool gets it back inside the transaction
        dialects.dialect_of(con).begin_write(con)
        catalogue.append_audit(con, "test", LOCAL_USER, "không được ghi")
        con.execute("SELECT pg_advisory_lock(%(key)s)", {"key": IMPORTERS_KEY})  # a session lock too
        assert sorted(_advisory_locks(one_connection, first)) == [WRITERS_KEY, IMPORTERS_KEY]
        raise RuntimeError("lỗi giữa chừng")
    with catalogue.connect(tmp_path) as con:
        assert _pid(con) == first  # the same connection, handed out again
        assert con.raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert con.raw.autocommit
        assert _advisory_locks(one_connection, first) == []
        assert _takes(one_connection, WRITERS_KEY) and _takes(one_connection, IMPORTERS_KEY)
        assert list(catalogue.audit_rows(con)["what"]) == []  # the write was rolled back
        with catalogue.transaction(con):  # and the next writer writes
            catalogue.append_audit(con, "test", LOCAL_USER, "ghi được")
    with catalogue.connect(tmp_path) as con:
        assert list(catalogue.audit_rows(con)["what"]) == ["ghi được"]
        assert _pid(con) == first


def test_a_failed_statement_inside_a_transaction_is_rolled_back_on_return(one_connection, tmp_path):
    with pytest.raises(psycopg.Error), catalogue.connect(tmp_path) as con:
        first = _pid(con)
        dialects.dialect_of(con).begin_write(con)
        catalogue.append_audit(con, "test", LOCAL_USER, "không được ghi")
        con.execute("SELECT no_such_column FROM audit_log")  # the transaction is now in error
    with catalogue.connect(tmp_path) as con:
        assert _pid(con) == first and con.raw.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        assert list(catalogue.audit_rows(con)["what"]) == []
        assert _advisory_locks(one_connection, first) == []


def test_a_session_setting_is_reset_on_return(one_connection, tmp_path):
    with catalogue.connect(tmp_path) as con:
        con.execute("SELECT set_config('lock_timeout', '1234ms', false)")
    with catalogue.connect(tmp_path) as con:
        assert con.execute("SHOW lock_timeout").fetchone()["lock_timeout"] == "0"


def test_a_broken_connection_is_discarded_and_replaced(one_connection, tmp_path):
    with catalogue.connect(tmp_path) as con:
        first = _pid(con)
    with psycopg.connect(one_connection, autocommit=True) as admin:  # the server ends that session
        admin.execute("SELECT pg_terminate_backend(%s)", (first,))
    with catalogue.connect(tmp_path) as con:  # checked as it is handed out: a new one instead
        second = _pid(con)
        assert second != first and len(catalogue.audit_rows(con)) == 0
    with pytest.raises(psycopg.OperationalError), catalogue.connect(tmp_path) as con:  # broken while used
        with psycopg.connect(one_connection, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (second,))
        catalogue.audit_rows(con)
    with catalogue.connect(tmp_path) as con:
        assert _pid(con) not in (first, second) and len(catalogue.audit_rows(con)) == 0


def test_a_nested_use_gets_a_connection_of_its_own_without_waiting(one_connection, tmp_path):
    with catalogue.connect(tmp_path) as outer:
        with catalogue.connect(tmp_path) as inner:  # the pool's one connection is taken: not waited for
            assert _pid(inner) != _pid(outer) and inner.pool is None
        assert inner.raw.closed  # a connection of its own is closed on leaving
        outer_pid = _pid(outer)
    with catalogue.connect(tmp_path) as again:
        assert _pid(again) == outer_pid


def test_many_threads_share_a_bounded_pool(pg_catalogue, monkeypatch, tmp_path):
    monkeypatch.setenv(dialects.POOL_ENV, "1,3")
    seen, errors = set(), []

    def reader():
        try:
            for _ in range(10):
                with catalogue.connect(tmp_path) as con:
                    catalogue.entries(con)
                    seen.add((_pid(con), con.pool is not None))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    pooled = {pid for pid, from_pool in seen if from_pool}
    assert 1 <= len(pooled) <= 3


def test_no_pool_opens_a_connection_per_use(pg_catalogue, monkeypatch, tmp_path):
    monkeypatch.setenv(dialects.POOL_ENV, "0")
    with catalogue.connect(tmp_path) as con:
        first, pooled = _pid(con), con.pool
    with catalogue.connect(tmp_path) as con:
        assert _pid(con) != first and pooled is None and con.pool is None


def test_closing_the_pools_ends_their_connections(pg_catalogue, monkeypatch, tmp_path):
    monkeypatch.setenv(dialects.POOL_ENV, "2,4")
    with catalogue.connect(tmp_path) as con:
        pid = _pid(con)
    dialects.close_pools()  # what atexit runs
    # the server's backend ends on its own once the client has closed the socket: give it up to 10 s
    # (a busy machine: it was still listed right after the close once, in CI)
    with psycopg.connect(pg_catalogue, autocommit=True) as admin:
        for _ in range(100):
            alive = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()[0]
            if not alive:
                break
            time.sleep(0.1)
    assert alive == 0
