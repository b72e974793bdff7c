"""The catalogue's databases behind one seam (kpi.store.catalogue, DESIGN sections 10 and 11).

SQLite in the data folder is the embedded default; PostgreSQL holds the same tables for a shared
deployment (several replicas, several machines) when `KPI_CATALOGUE` is a
`postgresql://user@host:port/db` address. The PostgreSQL dialect translates the `:name`
placeholders to psycopg's `%(name)s` in one place (`pg_sql`), has its own query files only where
the SQL differs (queries/*.pg.sql, named in PG_VARIANTS), serialises writers with advisory locks
(`pg_advisory_xact_lock` in every writing transaction, the importers' writer lock a session
advisory lock) and reads rows by name, as sqlite3.Row does.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from kpi.store.sql import load_sql

FILE_NAME = "catalogue.sqlite"
CATALOGUE_ENV = "KPI_CATALOGUE"  # postgresql://user@127.0.0.1:5432/db: the shared catalogue
LOCK_NAME = ".commit.lock"
BUSY_TIMEOUT_S = 120.0           # a writer waits this long for another one before giving up
LOCK_TIMEOUT_S = 600.0           # an import waits this long for the imports before it


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
PG_LOCK_TRIES = 3                 # a writing transaction waits BUSY_TIMEOUT_S for the lock, this many times
_PLACEHOLDER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def pg_sql(text: str) -> str:
    """A query file's text for psycopg: `:name` -> `%(name)s`, a literal % doubled."""
    return _PLACEHOLDER.sub(r"%(\1)s", text.replace("%", "%%"))


class PgConnection:
    """A psycopg connection (autocommit: transactions are opened explicitly by begin_write) with the
    methods the callers use on an sqlite3 connection: execute, executescript, commit, rollback, close.
    Rows are dicts (read by name)."""

    def __init__(self, raw: psycopg.Connection, db: PostgresDialect):
        self.raw = raw
        self.dialect = db

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
        self.raw.close()


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
        raw = psycopg.connect(self.url, autocommit=True, row_factory=dict_row, connect_timeout=30,
                              application_name="kpi")
        return PgConnection(raw, self)

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
        lock on a connection of its own (released on leaving, or by the server if the process dies)."""
        con = self.connect(folder)
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
