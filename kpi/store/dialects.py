"""The catalogue's databases behind one seam (kpi.store.catalogue, DESIGN sections 10 and 11).

SQLite in the data folder is the embedded default; PostgreSQL holds the same tables for a shared
deployment (several replicas, several machines) when `KPI_CATALOGUE` is a
`postgresql://user@host:port/db` address. The PostgreSQL dialect translates the `:name`
placeholders to psycopg's `%(name)s` in one place (`pg_sql`), has its own query files only where
the SQL differs (queries/*.pg.sql, named in PG_VARIANTS), serialises writers with advisory locks
(`pg_advisory_xact_lock` in every writing transaction, the importers' writer lock a session
advisory lock) and reads rows by name, as sqlite3.Row does.

Connections to PostgreSQL come from one pool per process and address (psycopg_pool; bounded,
`KPI_CATALOGUE_POOL`, default 1 to 8 connections): a page run's two or three catalogue uses and
each signed-in user's grants no longer open a connection (a new backend process) each. A connection
goes back to the pool as a new one would be: a transaction left open rolled back (which releases
its advisory locks), every session advisory lock released and the session's settings reset
(queries/catalogue_pool_reset.pg.sql); one found broken is discarded (each is checked as it is
handed out) and replaced. The pool is closed at exit. A thread asking for a second connection
while it holds one (a nested use), or a request the full pool cannot serve within POOL_WAIT_S, is
given a connection of its own, closed after use, so nested uses never wait for each other. The
importers' writer lock holds its session lock for a whole import on a connection of its own too.
"""
from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import re
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolClosed, PoolTimeout

from kpi.store.sql import load_sql

FILE_NAME = "catalogue.sqlite"
CATALOGUE_ENV = "KPI_CATALOGUE"  # postgresql://user@127.0.0.1:5432/db: the shared catalogue
LOCK_NAME = ".commit.lock"
BUSY_TIMEOUT_S = 120.0           # a writer waits this long for another one before giving up
LOCK_TIMEOUT_S = 600.0           # an import waits this long for the imports before it
POOL_ENV = "KPI_CATALOGUE_POOL"  # MAX or MIN,MAX connections per process (default 1,8); 0: no pool
POOL_DEFAULT = (1, 8)
POOL_WAIT_S = 5.0                # a full pool is waited for this long, then a connection of its own is opened
POOL_KEPT = 2                    # pools kept per process (one per address; the oldest closed beyond)
POOL_RECONNECT_S = 30.0          # a pool that lost its connections tries this long in the background


class SnapshotError(RuntimeError):
    """A snapshot cannot be read, written or decided; the message says why (in Vietnamese)."""


class CatalogueError(SnapshotError):
    """An approval or rejection refused, or a catalogue that cannot be used; the message says why."""



class SQLiteDialect:
    """The embedded catalogue: one SQLite file in the data folder, a file lock for importers."""
    name = "sqlite"

    def path(self, folder: Path) -> Path:
        return folder / FILE_NAME

    def exists(self, folder: Path) -> bool:
        return self.path(folder).is_file()

    def connect(self, folder: Path) -> sqlite3.Connection:
        # isolation_level=None: no implicit transactions; writes open BEGIN IMMEDIATE themselves
        con = sqlite3.connect(self.path(folder), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                              check_same_thread=False)
        con.row_factory = sqlite3.Row
        con.executescript(load_sql("catalogue_pragmas"))
        return con

    def begin_write(self, con: sqlite3.Connection) -> None:
        con.execute(load_sql("catalogue_begin_write"))

    @contextlib.contextmanager
    def writer_lock(self, folder: Path) -> Iterator[None]:
        """One importer at a time per data folder (processes and threads alike: each holder opens
        the file itself). Not needed for correctness (commit() checks the head), it keeps 20
        simultaneous imports from writing 20 snapshots each."""
        fd = os.open(folder / LOCK_NAME, os.O_RDONLY | os.O_CREAT, 0o644)
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CatalogueError("Hệ thống đang bận ghi các lần nhập khác quá lâu; hãy thử lại sau "
                                             "ít phút (chưa có gì thay đổi)") from None
                    time.sleep(0.02)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)


SQLITE = SQLiteDialect()

# every error either database raises (callers catch these, never sqlite3.Error alone)
DB_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)

# the queries whose PostgreSQL text differs: queries/<name>.pg.sql is run instead of <name>.sql
PG_VARIANTS = {"catalogue_schema": "catalogue_schema.pg", "catalogue_begin_write": "catalogue_begin_write.pg"}
PG_EXISTS = "catalogue_exists.pg"
PG_WRITER_LOCK, PG_WRITER_UNLOCK = "catalogue_writer_lock.pg", "catalogue_writer_unlock.pg"
PG_SCHEMA_LOCK = "catalogue_schema_lock.pg"
PG_POOL_RESET = "catalogue_pool_reset.pg"
PG_LOCK_TRIES = 3                 # a writing transaction waits BUSY_TIMEOUT_S for the lock, this many times
_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def pg_sql(text: str) -> str:
    """A query file's text for psycopg: `:name` -> `%(name)s`, a literal % doubled."""
    return _PLACEHOLDER.sub(r"%(\1)s", text.replace("%", "%%"))


class PgConnection:
    """A psycopg connection (autocommit: transactions are opened explicitly by begin_write) with the
    methods the callers use on an sqlite3 connection: execute, executescript, commit, rollback, close.
    Rows are dicts (read by name)."""

    def __init__(self, raw: psycopg.Connection, db: PostgresDialect, pool: ConnectionPool | None = None):
        self.raw = raw
        self.dialect = db
        self.pool = pool  # the pool it goes back to on close(); None: closed for good
        self.holder = threading.get_ident()

    def execute(self, sql: str, params: dict | None = None) -> psycopg.Cursor:
        return self.raw.execute(sql, params)

    def executescript(self, script: str) -> None:
        """A script of several statements, in one transaction under the schema lock (processes
        that start together create the tables once)."""
        if self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            self.raw.execute(script)
            return
        self.raw.execute("BEGIN")
        try:
            self.raw.execute(load_sql(PG_SCHEMA_LOCK))
            self.raw.execute(script)
        except BaseException:
            self.rollback()
            raise
        self.commit()

    def commit(self) -> None:
        self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if not self.raw.closed:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        """Back to its pool as a new connection would be (a transaction left open rolled back, the
        session reset: queries/catalogue_pool_reset.pg.sql), in this thread, so that it is ready for
        the next user at once; one that fails that is closed (the pool replaces it). Or closed."""
        pool, self.pool = self.pool, None
        if pool is None:
            self.raw.close()
            return
        _HOLDERS.discard(self.holder)
        try:
            if not self.raw.closed:
                if self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    self.raw.rollback()
                self.raw.execute(load_sql(PG_POOL_RESET))
        except psycopg.Error:
            self.raw.close()
        finally:
            pool.putconn(self.raw)  # a closed one is discarded; one still not idle is rolled back or closed


# --------------------------------------------------------------------------- the connection pool

_CONNECT_ARGS = {"autocommit": True, "row_factory": dict_row, "connect_timeout": 30, "application_name": "kpi"}
_POOLS: OrderedDict[tuple, ConnectionPool] = OrderedDict()
_POOLS_LOCK = threading.Lock()
_HOLDERS: set[int] = set()  # the threads holding a pooled connection (each holds at most one)


def pool_size() -> tuple[int, int] | None:
    """(min, max) connections of a process's pool from KPI_CATALOGUE_POOL ('8', '2,8'; default
    1,8), or None when it is 0 (a connection per use)."""
    text = os.environ.get(POOL_ENV, "").strip()
    if not text:
        return POOL_DEFAULT
    try:
        numbers = [int(part) for part in text.replace("-", ",").split(",")]
    except ValueError:
        numbers = []
    if numbers == [0]:
        return None
    sizes = (min(1, numbers[0]), numbers[0]) if len(numbers) == 1 else tuple(numbers)
    if len(sizes) != 2 or not 0 <= sizes[0] <= sizes[1] or sizes[1] < 1:
        raise CatalogueError(f"{POOL_ENV}={text!r}: cần số kết nối tối đa (vd. 8), hoặc tối thiểu,tối đa "
                             "(vd. 1,8), hoặc 0 để không dùng nhóm kết nối")
    return sizes


def _pool(url: str) -> ConnectionPool | None:
    """This process's pool for `url` (created on first use; a forked child makes its own)."""
    sizes = pool_size()
    if sizes is None:
        return None
    key = (os.getpid(), url, sizes)
    with _POOLS_LOCK:
        found = _POOLS.get(key)
        if found is not None:
            _POOLS.move_to_end(key)
            return found
        found = _POOLS[key] = ConnectionPool(
            url, kwargs=_CONNECT_ARGS, min_size=sizes[0], max_size=sizes[1], open=True, name="kpi-catalogue",
            check=ConnectionPool.check_connection, timeout=POOL_WAIT_S, reconnect_timeout=POOL_RECONNECT_S,
            num_workers=2)
        retired = [_POOLS.popitem(last=False)[1] for _ in range(len(_POOLS) - POOL_KEPT)]
    for pool in retired:  # e.g. tests' databases dropped since: their connections go back closed
        pool.close(timeout=1)
    return found


def close_pools() -> None:
    """Close this process's pools (at exit; a connection still out is closed when handed back)."""
    with _POOLS_LOCK:
        pools = [pool for (pid, _url, _sizes), pool in _POOLS.items() if pid == os.getpid()]
        _POOLS.clear()
    for pool in pools:
        pool.close(timeout=2)


atexit.register(close_pools)


class PostgresDialect:
    """The shared catalogue: the same tables in a PostgreSQL database (KPI_CATALOGUE), for replicas
    and machines that share one storage (kpi.store.storage). Writers are serialised by advisory
    locks of that database, so the head check of commit() holds across machines."""
    name = "postgresql"

    def __init__(self, url: str):
        self.url = url

    def path(self, folder: Path) -> str:
        """The address without its password (messages and the schema key name it)."""
        return re.sub(r"(//[^:/@]+):[^@]*@", r"\1@", self.url)

    def exists(self, folder: Path) -> bool:
        try:
            with contextlib.closing(self.connect(folder)) as con:
                return bool(con.execute(load_sql(PG_EXISTS)).fetchone()["present"])
        except psycopg.Error:
            return False

    def connect(self, folder: Path) -> PgConnection:
        """A connection from the process's pool (see the module's docstring), or one of its own
        when there is no pool, when this thread already holds one, or when the pool stays full."""
        pool = _pool(self.url)
        thread = threading.get_ident()
        if pool is not None and thread not in _HOLDERS:
            try:
                raw = pool.getconn()
            except (PoolTimeout, PoolClosed):  # full for POOL_WAIT_S, or retired meanwhile
                pass
            else:
                _HOLDERS.add(thread)
                return PgConnection(raw, self, pool)
        return self.connect_alone()

    def connect_alone(self) -> PgConnection:
        """A connection of its own, outside the pool (closed by close())."""
        return PgConnection(psycopg.connect(self.url, **_CONNECT_ARGS), self)

    def begin_write(self, con: PgConnection) -> None:
        """BEGIN, then the catalogue's transaction lock (the one writer at a time, as SQLite's BEGIN
        IMMEDIATE): what is read inside cannot change before the commit. Waiting longer than
        BUSY_TIMEOUT_S is tried again, PG_LOCK_TRIES times, then refused with the reason."""
        for attempt in range(1, PG_LOCK_TRIES + 1):
            con.raw.execute("BEGIN")
            try:
                con.raw.execute(pg_sql(load_sql(PG_VARIANTS["catalogue_begin_write"])),
                                {"timeout": f"{int(BUSY_TIMEOUT_S * 1000)}ms"})
                return
            except (psycopg.errors.LockNotAvailable, psycopg.errors.SerializationFailure,
                    psycopg.errors.DeadlockDetected) as exc:
                con.rollback()
                if attempt == PG_LOCK_TRIES:
                    raise CatalogueError(f"Sổ bản dữ liệu {self.path(Path())} đang bận ghi; đã thử {attempt} lần "
                                         f"({exc.sqlstate}); hãy thử lại sau ít phút (chưa có gì thay đổi)"
                                         ) from exc
            except BaseException:
                con.rollback()
                raise

    @contextlib.contextmanager
    def writer_lock(self, folder: Path) -> Iterator[None]:
        """One importer at a time per catalogue, across processes and machines: a session advisory
        lock on a connection of its own (released on leaving, or by the server if the process dies),
        not a pooled one: the importers waiting for it poll for minutes, and would empty the pool."""
        con = self.connect_alone()
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT_S
            while not con.execute(load_sql(PG_WRITER_LOCK)).fetchone()["locked"]:
                if time.monotonic() > deadline:
                    raise CatalogueError("Hệ thống đang bận ghi các lần nhập khác quá lâu; hãy thử lại sau "
                                         "ít phút (chưa có gì thay đổi)")
                time.sleep(0.05)
            try:
                yield
            finally:
                con.execute(load_sql(PG_WRITER_UNLOCK))
        finally:
            con.close()


Dialect = SQLiteDialect | PostgresDialect


def dialect(data_dir: Path | str | None = None) -> Dialect:
    """The catalogue's database: PostgreSQL when KPI_CATALOGUE names one (a shared deployment),
    else SQLite in the data folder."""
    url = os.environ.get(CATALOGUE_ENV, "").strip()
    if url:
        if not url.startswith(("postgresql://", "postgres://")):
            raise CatalogueError(f"{CATALOGUE_ENV}={url!r}: cần một địa chỉ postgresql://người_dùng@máy:cổng/csdl "
                                 "(hoặc bỏ trống để dùng SQLite trong thư mục dữ liệu)")
        return PostgresDialect(url)
    return SQLITE


def dialect_of(con) -> Dialect:
    return con.dialect if isinstance(con, PgConnection) else SQLITE


def query_text(db: Dialect, name: str) -> str:
    """queries/<name>.sql for `db`: on PostgreSQL its .pg.sql variant when there is one, placeholders translated."""
    if isinstance(db, PostgresDialect):
        return pg_sql(load_sql(PG_VARIANTS.get(name, name)))
    return load_sql(name)
