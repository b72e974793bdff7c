"""The snapshot catalogue (DESIGN section 10): which snapshots exist, in what state, who made them.

A snapshot folder (kpi.store.snapshots) is only a snapshot once the catalogue has a row for it.
The catalogue is a database in the data folder, `catalogue.sqlite` (write-ahead log, a generous
busy timeout), holding:

- `snapshots`: id, parent, state ('pending' | 'approved' | 'rejected'), who committed it and when,
  note, its files with their SHA-256, the units an import wrote, and who decided it, when, why;
- `audit_log`: append-only (triggers abort an UPDATE or DELETE), one row per action;
- `decisions`: the locked award decisions, append-only too;
- `role_grants`: users' roles, grants and revocations, append-only (kpi.access.roles);
- `sign_ins`: one row per id_token, so replicas record a sign-in once (kpi.access.audit);
- `scorecard_versions`: the committee's scorecard versions, append-only (kpi.scoring.versions).

A commit is one transaction (BEGIN IMMEDIATE) that checks the new snapshot's parent is still the
head (the newest snapshot not rejected); `commit()` says which head it found when it is not, and
the importer re-applies its rows there (kpi.importing.merge). Readers never see half a commit:
the folder is written first, the row last, and a folder without a row is ignored.

The SQL is in queries/catalogue_*.sql with bound parameters. The database sits behind a thin
dialect seam (kpi.store.dialects): SQLite in the data folder is the embedded default; PostgreSQL
holds the same tables for a shared deployment (issue 13: several replicas, several machines) when
`KPI_CATALOGUE` is a `postgresql://user@host:port/db` address. One code path: this module runs
the same named queries on either, through `run_sql` and `transaction`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import json
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import psycopg

from kpi.access.users import APPROVER, User, require
from kpi.paths import data_dir as default_data_dir
from kpi.store.dialects import (  # noqa: F401 - the dialect seam, named through this module by its callers
    BUSY_TIMEOUT_S,
    CATALOGUE_ENV,
    DB_ERRORS,
    FILE_NAME,
    LOCK_NAME,
    LOCK_TIMEOUT_S,
    PG_VARIANTS,
    SQLITE,
    CatalogueError,
    Dialect,
    PgConnection,
    PostgresDialect,
    SnapshotError,
    SQLiteDialect,
    dialect,
    dialect_of,
    pg_sql,
    query_text,
)
from kpi.store.sql import load_sql
from kpi.store.storage import open_storage

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
STATES = (PENDING, APPROVED, REJECTED)
STATE_NAMES = {PENDING: "chờ duyệt", APPROVED: "đã duyệt", REJECTED: "bị từ chối"}
STATE_NAMES_EN = {PENDING: "pending", APPROVED: "approved", REJECTED: "rejected"}
MIGRATED_KEY = "migrated"
# audit actions written by the store; kpi.access.audit records the others
IMPORT, APPROVE, REJECT = "import", "approve", "reject"


@dataclass(frozen=True)
class Entry:
    """One row of the catalogue."""
    id: str
    seq: int
    parent: str | None
    state: str
    created_by: str
    author_name: str
    created_at: str
    note: str
    files: dict
    units: list
    decided_by: str | None = None
    decided_at: str | None = None
    comment: str | None = None

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]


@dataclass(frozen=True)
class Committed:
    """What commit() did: `head` is None when the row was written, else the head it found instead."""
    head: str | None
    state: str | None = None

    @property
    def ok(self) -> bool:
        return self.head is None


_ENSURED: set[str] = set()
_ENSURED_LOCK = threading.Lock()


def folder_of(data_dir: Path | str | None = None) -> Path:
    return default_data_dir(data_dir)


def exists(data_dir: Path | str | None = None) -> bool:
    return dialect(data_dir).exists(folder_of(data_dir))


@contextlib.contextmanager
def connect(data_dir: Path | str | None = None, db: Dialect | None = None) -> Iterator[sqlite3.Connection]:
    """A connection to the catalogue (SQLite in the data folder, or the configured PostgreSQL; `db`
    names another one, e.g. to copy a catalogue), its schema ensured; closed on leaving."""
    folder = folder_of(data_dir)
    db = db or dialect(data_dir)
    if isinstance(db, PostgresDialect):
        key, fresh = db.url, False
    else:
        key, fresh = str(db.path(folder).resolve()), not db.exists(folder)
    try:
        con = db.connect(folder)
    except DB_ERRORS as exc:
        raise CatalogueError(f"Không mở được sổ bản dữ liệu {db.path(folder)}: {exc}") from exc
    try:
        with _ENSURED_LOCK:
            ensured = key in _ENSURED and not fresh
        if not ensured:
            con.executescript(load_sql(PG_VARIANTS["catalogue_schema"]) if isinstance(db, PostgresDialect)
                              else load_sql("catalogue_schema"))
            with _ENSURED_LOCK:
                _ENSURED.add(key)
        yield con
    finally:
        con.close()


def run_sql(con: sqlite3.Connection, name: str, **params) -> sqlite3.Cursor:
    """Run queries/<name>.sql on the catalogue with `params` bound to its :placeholders (on
    PostgreSQL its .pg.sql variant when there is one, placeholders translated)."""
    return con.execute(query_text(dialect_of(con), name), params)


@contextlib.contextmanager
def transaction(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One writing transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN and the catalogue's
    advisory lock: the write lock is taken at once, so what is read inside cannot change before
    the commit); rolled back on any exception. PostgreSQL's serialization or deadlock errors inside
    are refused with a clear message (the caller may try again; nothing was written)."""
    dialect_of(con).begin_write(con)
    try:
        yield con
    except (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected) as exc:
        con.rollback()
        raise CatalogueError(f"Sổ bản dữ liệu đang bận ghi ({exc.sqlstate}); hãy thử lại (chưa có gì thay đổi)"
                             ) from exc
    except BaseException:
        con.rollback()
        raise
    try:
        _bump_version(con)
    except BaseException:
        con.rollback()
        raise
    con.commit()
    _note_write()


# --------------------------------------------------------------------------- version

VERSION_KEY, INSTANCE_KEY = "version", "instance"   # catalogue_meta rows


def _bump_version(con: sqlite3.Connection) -> None:
    """Count one more write, in the writing transaction itself (so a reader that sees the new
    version sees the write), and give a catalogue its identity on its first write."""
    run_sql(con, "catalogue_instance_set", key=INSTANCE_KEY, value=uuid.uuid4().hex)
    run_sql(con, "catalogue_version_bump", key=VERSION_KEY)


@dataclass(frozen=True)
class Version:
    """What the catalogue says, as of one moment: its place (the data folder and the database), its
    identity and its count of writing transactions. Every write (an import, an approval or rejection,
    a grant or revocation, a migration, a decision, an audit row) goes through `transaction`, which
    bumps the count before it commits: two equal versions of one catalogue hold the same rows, so a
    result computed from one version can be shared by every run that reads the same version."""
    place: str
    instance: str
    count: int


def version(data_dir: Path | str | None = None) -> Version | None:
    """The catalogue's version now: one indexed read of two rows (queries/catalogue_version.sql);
    None when the data folder has no SQLite catalogue yet (none is made by reading; nothing is
    cached on None). Read it BEFORE what is cached on it: what is read afterwards is at least as
    new. CatalogueError when the catalogue cannot be read."""
    folder = folder_of(data_dir)
    db = dialect(data_dir)
    if isinstance(db, SQLiteDialect) and not db.exists(folder):
        return None
    try:
        with connect(data_dir, db) as con:
            rows = {row["key"]: row["value"] for row in run_sql(
                con, "catalogue_version", instance_key=INSTANCE_KEY, version_key=VERSION_KEY)}
    except DB_ERRORS as exc:
        raise CatalogueError(f"Không đọc được sổ bản dữ liệu {db.path(folder)}: {exc}") from exc
    return Version(f"{folder.resolve()} {db.path(folder)}", rows.get(INSTANCE_KEY) or "",
                   int(rows.get(VERSION_KEY) or 0))


VERSION_MAX_AGE_S = 0.5   # how long a process reuses a version it read (a write of its own: not at all)
_RECENT: dict[tuple[str, str], tuple[float, int, Version | None]] = {}
_RECENT_LOCK = threading.Lock()
_WRITES = [0]             # writing transactions this process has committed


def _note_write() -> None:
    with _RECENT_LOCK:
        _WRITES[0] += 1


def recent_version(data_dir: Path | str | None = None, max_age_s: float = VERSION_MAX_AGE_S) -> Version | None:
    """The catalogue's version as this process read it at most `max_age_s` ago, else read now
    (version()): what a page run keys its caches by. A write committed by this process since (any
    thread) makes it read again at once, so a process never shows what it wrote over; another
    process's or replica's write is seen at most `max_age_s` later."""
    key = (str(folder_of(data_dir)), str(dialect(data_dir).path(folder_of(data_dir))))
    now = time.monotonic()
    with _RECENT_LOCK:
        writes, kept = _WRITES[0], _RECENT.get(key)
    if kept is not None and kept[1] == writes and now - kept[0] < max_age_s:
        return kept[2]
    found = version(data_dir)  # read after `writes` was taken: a write since is counted and read again
    with _RECENT_LOCK:
        _RECENT[key] = (now, writes, found)
    return found


def per_version(maxsize: int = 256) -> Callable[[Callable], Callable]:
    """A function of (version, *args) computed once per catalogue version and arguments (at most
    `maxsize` kept, the least recently used dropped; thread-safe); called through when version is None."""
    def decorate(fn: Callable) -> Callable:
        kept: OrderedDict[tuple, object] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def wrapper(version_: Version | None, *args):
            if version_ is None:
                return fn(version_, *args)
            key = (version_, *args)
            with lock:
                if key in kept:
                    kept.move_to_end(key)
                    return kept[key]
            value = fn(version_, *args)
            with lock:
                kept[key] = value
                while len(kept) > maxsize:
                    kept.popitem(last=False)
            return value

        wrapper.cache_clear = kept.clear
        return wrapper
    return decorate


def copy_catalogue(source: sqlite3.Connection, target: sqlite3.Connection) -> int:
    """Copy every row of one catalogue into another, empty one (a data folder's SQLite catalogue
    into PostgreSQL when a deployment moves to replicas): snapshots in commit order, the audit log,
    the decisions, the meta rows, the role grants, the recorded sign-ins and the scorecard versions. In one transaction of
    the target; returns the snapshots copied."""
    rows = list(reversed(list(run_sql(source, "catalogue_snapshots_all"))))
    audit = list(run_sql(source, "catalogue_audit_all"))
    decided = list(run_sql(source, "decisions_all"))
    meta = list(run_sql(source, "catalogue_meta_all"))
    grants = list(run_sql(source, "roles_all"))
    sign_ins = list(run_sql(source, "sign_ins_all"))
    versions = list(run_sql(source, "scorecard_versions_all"))
    with transaction(target):
        if run_sql(target, "catalogue_snapshots_all").fetchone() is not None:
            raise CatalogueError("Sổ bản dữ liệu đích đã có bản dữ liệu; chỉ chép vào một sổ trống")
        for row in rows:
            run_sql(target, "catalogue_snapshot_insert", **{k: row[k] for k in (
                "id", "parent", "state", "created_by", "author_name", "created_at", "note", "files", "units",
                "decided_by", "decided_at", "comment")})
        for row in audit:
            run_sql(target, "catalogue_audit_insert", **{k: row[k] for k in (
                "at", "user_id", "user_name", "action", "what", "ids")})
        for row in reversed(decided):
            run_sql(target, "decisions_insert", **dict(row))
        for row in meta:
            run_sql(target, "catalogue_meta_set", key=row["key"], value=row["value"])
        for row in grants:
            run_sql(target, "roles_insert", **{k: row[k] for k in (
                "email", "role", "unit", "action", "by_id", "by_name", "at")})
        for row in sign_ins:
            run_sql(target, "sign_ins_insert", **dict(row))
        for row in versions:
            run_sql(target, "scorecard_version_insert", **dict(row))
    return len(rows)


def writer_lock(data_dir: Path | str | None = None):
    """Serialise the importers of one data folder (see SQLiteDialect.writer_lock)."""
    return dialect(data_dir).writer_lock(folder_of(data_dir))


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


# --------------------------------------------------------------------------- reading

def _entry(row: sqlite3.Row) -> Entry:
    return Entry(id=row["id"], seq=row["seq"], parent=row["parent"], state=row["state"],
                 created_by=row["created_by"], author_name=row["author_name"] or "",
                 created_at=row["created_at"], note=row["note"] or "", files=json.loads(row["files"] or "{}"),
                 units=json.loads(row["units"] or "[]"), decided_by=row["decided_by"],
                 decided_at=row["decided_at"], comment=row["comment"])


def entries(con: sqlite3.Connection) -> list[Entry]:
    """Every catalogued snapshot, newest commit first."""
    return [_entry(row) for row in run_sql(con, "catalogue_snapshots_all")]


def entry(con: sqlite3.Connection, snapshot_id: str) -> Entry | None:
    row = run_sql(con, "catalogue_snapshot_get", id=snapshot_id).fetchone()
    return _entry(row) if row else None


def head(con: sqlite3.Connection, passed_over: frozenset[str] = frozenset()) -> str | None:
    """The newest snapshot not rejected (nor in `passed_over`: damaged ones): what an import builds on."""
    for row in run_sql(con, "catalogue_head"):
        if row["id"] not in passed_over:
            return row["id"]
    return None


def approved_head(con: sqlite3.Connection) -> str | None:
    """The newest approved snapshot: what pages and `kpi facts` show by default."""
    row = run_sql(con, "catalogue_approved_head").fetchone()
    return row["id"] if row else None


def is_migrated(con: sqlite3.Connection) -> bool:
    return run_sql(con, "catalogue_meta_get", key=MIGRATED_KEY).fetchone() is not None


def mark_migrated(con: sqlite3.Connection, how: str) -> None:
    run_sql(con, "catalogue_meta_set", key=MIGRATED_KEY, value=how)


# --------------------------------------------------------------------------- writing

def insert(con: sqlite3.Connection, *, snapshot_id: str, parent: str | None, state: str, created_by: str,
           author_name: str, created_at: str, note: str, files: dict, units: list | None = None,
           decided_by: str | None = None, decided_at: str | None = None, comment: str | None = None) -> None:
    """Add a snapshot's row (inside a transaction)."""
    run_sql(con, "catalogue_snapshot_insert", id=snapshot_id, parent=parent, state=state, created_by=created_by,
            author_name=author_name, created_at=created_at, note=note,
            files=json.dumps(files, ensure_ascii=False, sort_keys=True),
            units=json.dumps(sorted(units or []), ensure_ascii=False), decided_by=decided_by,
            decided_at=decided_at, comment=comment)


def append_audit(con: sqlite3.Connection, action: str, user: User | None, what: str = "",
                 ids: list[str] | None = None, at: str | None = None) -> None:
    """One audit row (append-only), in the caller's transaction when there is one."""
    run_sql(con, "catalogue_audit_insert", at=at or now_text(), user_id=user.id if user else "",
            user_name=user.name if user else "", action=action, what=what,
            ids=json.dumps([i for i in (ids or []) if i], ensure_ascii=False))


def audit_rows(con: sqlite3.Connection) -> pd.DataFrame:
    """The audit log, oldest first (ids as lists)."""
    rows = [dict(row) for row in run_sql(con, "catalogue_audit_all")]
    frame = pd.DataFrame(rows, columns=["seq", "at", "user_id", "user_name", "action", "what", "ids"])
    frame["ids"] = [json.loads(v) if v else [] for v in frame["ids"]]
    return frame


def commit(con: sqlite3.Connection, *, snapshot_id: str, parent: str | None, user: User, created_at: str,
           note: str, files: dict, units: list, approve: bool, what: str = "",
           passed_over: frozenset[str] = frozenset()) -> Committed:
    """Register a written snapshot folder, in one transaction that first checks `parent` is still
    the head. Approved at once only when asked (`approve`: local mode) and its parent is the
    approved head, else pending. Writes the audit row of the import in the same transaction.
    `passed_over`: snapshots the importer found damaged (never built on)."""
    with transaction(con):
        found = head(con, passed_over)
        if found != parent:
            return Committed(head=found or "")
        state = APPROVED if approve and approved_head(con) == parent else PENDING
        decided = {"decided_by": user.id, "decided_at": created_at, "comment": ""} if state == APPROVED else {}
        insert(con, snapshot_id=snapshot_id, parent=parent, state=state, created_by=user.id,
               author_name=user.name, created_at=created_at, note=note, files=files, units=units, **decided)
        append_audit(con, IMPORT, user, f"{what} ({STATE_NAMES[state]})".strip(), [snapshot_id, parent])
        return Committed(head=None, state=state)


def register(con: sqlite3.Connection, *, snapshot_id: str, parent: str | None, created_by: str,
             author_name: str, created_at: str, note: str, files: dict) -> None:
    """Register a snapshot written directly (the demo, a script, a test) as approved, without
    checking the head: it does not build on an import."""
    with transaction(con):
        insert(con, snapshot_id=snapshot_id, parent=parent, state=APPROVED, created_by=created_by,
               author_name=author_name, created_at=created_at, note=note, files=files)


# --------------------------------------------------------------------------- approval

def unit_parents(data_dir, snapshot_id: str) -> pd.DataFrame | None:
    """unit → parent of the snapshot, for an approver's scope (a commune within a province)."""
    try:  # from the configured storage: the data folder or S3 (kpi.store.storage)
        data = open_storage(data_dir).read_bytes(f"snapshots/{snapshot_id}/units.parquet")
        return pd.read_parquet(io.BytesIO(data), columns=["unit", "parent"])
    except (OSError, ValueError, KeyError):
        return None


def _decide(snapshot_id: str, user: User, comment: str, data_dir, state: str) -> Entry:
    require(user, APPROVER)
    with connect(data_dir) as con:
        found = entry(con, snapshot_id)
        if found is not None and found.units:
            require(user, APPROVER, list(found.units), unit_parents(data_dir, snapshot_id))
        with transaction(con):
            found = entry(con, snapshot_id)  # read again inside the transaction: it cannot change now
            if found is None:
                raise CatalogueError(f"Không có bản dữ liệu (snapshot) '{snapshot_id}' trong sổ bản dữ liệu")
            if found.state != PENDING:
                raise CatalogueError(f"Bản dữ liệu {snapshot_id} đang ở trạng thái '{STATE_NAMES[found.state]}'"
                                     + (f" ({found.decided_by}, {found.decided_at[:16].replace('T', ' ')})"
                                        if found.decided_by and found.decided_at else "")
                                     + "; chỉ duyệt hoặc từ chối được bản đang chờ duyệt")
            if state == APPROVED:
                _check_approvable(con, found, user)
            else:
                children = [row["id"] for row in run_sql(con, "catalogue_children", id=snapshot_id)]
                if children:
                    raise CatalogueError(f"Bản dữ liệu {children[0]} được tạo tiếp trên bản {snapshot_id}: hãy "
                                         f"từ chối bản {children[-1]} trước (từ bản mới nhất trở về)")
            at = now_text()
            run_sql(con, "catalogue_snapshot_decide", id=snapshot_id, state=state, decided_by=user.id,
                    decided_at=at, comment=comment)
            action = APPROVE if state == APPROVED else REJECT
            append_audit(con, action, user, comment, [snapshot_id, found.parent], at=at)
            return entry(con, snapshot_id)


def _check_approvable(con: sqlite3.Connection, found: Entry, user: User) -> None:
    if found.created_by == user.id:
        raise CatalogueError(f"Không ai được duyệt số liệu do chính mình nhập: bản dữ liệu {found.id} do "
                             f"{found.author_name or found.created_by} nhập; cần một người duyệt khác")
    approved = approved_head(con)
    if found.parent == approved:
        return
    parent = entry(con, found.parent) if found.parent else None
    if parent is not None and parent.state == PENDING:
        raise CatalogueError(f"Bản dữ liệu {found.id} được tạo trên bản {parent.id}, bản đó còn chờ duyệt: "
                             f"hãy duyệt bản {parent.id} trước")
    raise CatalogueError(f"Bản dữ liệu {found.id} được tạo trên bản {found.parent or '–'}, nhưng bản đã duyệt "
                         f"mới nhất nay là {approved or '–'}: duyệt bản này sẽ bỏ mất số liệu của bản đó. "
                         "Hãy từ chối bản này và nhập lại tệp")


def approve(snapshot_id: str, user: User, comment: str = "", data_dir: Path | str | None = None) -> Entry:
    """Approve a pending snapshot (role approver, within its scope; nobody approves their own
    import; its parent must be the approved head). Refusals are CatalogueError with the reason."""
    return _decide(snapshot_id, user, comment or "", data_dir, APPROVED)


def reject(snapshot_id: str, user: User, comment: str, data_dir: Path | str | None = None) -> Entry:
    """Reject a pending snapshot with a comment (role approver). A snapshot something pending was
    built on is refused until that one is rejected (newest first)."""
    if not (comment or "").strip():
        raise CatalogueError("Cần ghi lý do từ chối (--comment)")
    return _decide(snapshot_id, user, comment.strip(), data_dir, REJECTED)
