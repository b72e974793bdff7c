"""DuckDB: each snapshot loaded once into its own DuckDB database, kept as a cache file.

A loaded snapshot is a DuckDB connection holding the tables units, indicators, periods, unit_atoms,
target_cover and target_sums and the view facts in its database `snap`. `target_sums` holds, once, the
sums behind every unit made of several atoms (regions, the nation, a new province before the merger),
so that a page's query reads a few rows whatever the number of reporting units. All SQL is in
queries/load_*.sql and queries/build_target_sums.sql, with the file paths bound as parameters.

The facts are not copied: the view facts reads the snapshot's own facts.parquet (immutable, written
sorted by period, indicator, unit, so the Parquet reader skips row groups on period and indicator; its
path is the connection's variable kpi_facts_file, set on every connection and cursor, so the cache
file names no path). Rows that replace the file's of the same key are kept as the table
fact_overrides and anti-joined by the view: a delta snapshot's rows (kpi.store.deltas: the deltas'
rows, newest winning on the key, queries/delta_create.sql) and months given their year's plan (DESIGN
4.1, queries/load_facts_plan_fill.sql); usually there are none and the view is the file. Past
OVERRIDES_MAX of them the facts are written into the database once instead (facts_stored). Building a
snapshot is then one pass over the file for the target sums (queries/build_target_sums.sql), summed
exactly (DECIMAL, a DOUBLE once: a rebuild gives the same bits). facts_coded and the type fact_unit
remain for queries/lookup_published.sql (queries/load_facts_coded.sql).

The database is built once per snapshot into a DuckDB file in a cache folder (`<data folder>/cache/
loaded/`, or $KPI_LOAD_CACHE; on S3 beside the downloaded files), named by a key over everything it
is built from: the SHA-256 of every Parquet file the snapshot is made of, the atom map, the loading
SQL and the DuckDB version. Snapshots are never modified, so neither is the file: it is written under
a temporary name and renamed into place when complete, and every later load, in this process after
an eviction or in any other (replicas, an "as of" reopen of an older snapshot), opens it read only
(a file open, not a rebuild). Each loaded snapshot's DuckDB instance keeps its memory within
MEMORY_LIMIT (a build spills what does not fit). When the cache folder cannot be written, the same
tables and views are built in an in-memory database. At most MAX_CACHED files are kept per cache
folder, the least recently opened removed first. Files on S3 are read from the local cache keyed by
SHA-256 (kpi.store.storage).

At most MAX_LOADED snapshots stay loaded, the least recently used evicted first, and its database
closed at once (its memory freed). A snapshot is in use while any session holds a cursor on it
(reference counted: `cursor()` takes a reference, closing the cursor gives it back): one in use is
never evicted, so a session reading an "as of" snapshot never has its query broken by other
sessions loading others; the registry holds more than MAX_LOADED only while those are in use, and
evicts them as their last cursor closes.
"""
from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from kpi.periods import parse_period
from kpi.store import deltas
from kpi.store.snapshots import Snapshot, SnapshotError, damage, part_file, snapshot_storage
from kpi.store.sql import load_sql
from kpi.units import geography

MAX_LOADED = 3
MAX_CACHED = 12             # cache files kept per cache folder (the most recently opened)
STALE_AFTER_S = 3600        # a temporary build file older than this is a killed build
MEMORY_LIMIT = os.environ.get("KPI_LOAD_MEMORY", "512MB")   # per loaded snapshot's DuckDB instance
THREADS = int(os.environ.get("KPI_LOAD_THREADS", "0")) or (os.cpu_count() or 1)
CACHE_VERSION = "4"         # bump when what a cache file holds changes in a way its key does not see
CACHE_SUFFIX = ".duckdb"
OVERRIDES_MAX = 1_000_000   # rows replacing the facts file's read through an anti-join; more: the facts stored
# every query a build runs: a change to any of them makes a new key (the old files are never read again)
BUILD_QUERIES = ("load_settings", "load_facts_file", "load_facts_create", "load_facts_deltas", "load_facts_view_overrides",
                 "load_facts_months_without_plan", "load_facts_plan_fill", "load_facts_overrides_count",
                 "load_facts_view", "load_facts_materialise", "load_facts_coded", "delta_create", "delta_drop",
                 "load_units", "load_indicators", "load_frames", "load_fact_periods", "build_target_sums",
                 "load_info_create")


@dataclass(eq=False)
class _Loaded:
    """A loaded snapshot's connection and the number of cursors open on it."""
    con: duckdb.DuckDBPyConnection
    facts_file: str             # the base facts file the view facts reads (set on every cursor)
    users: int = 0
    closed: bool = False


_LOCK = threading.Lock()
_LOADED: OrderedDict[Snapshot, _Loaded] = OrderedDict()
_LOADING: dict[Snapshot, threading.Lock] = {}


def periods_table(periods: list[str]) -> pd.DataFrame:
    parsed = [parse_period(p) for p in periods]
    return pd.DataFrame({
        "period": [p.code for p in parsed],
        "year": [p.year for p in parsed],
        "months": [p.months for p in parsed],
        "end_date": [p.end_date for p in parsed],
        # the province list in force at the period's end (61, 64, 63, 34): which units report then
        "generation": [geography.generation_at(p.end_date) for p in parsed],
    })


@dataclass(frozen=True, eq=False)
class _Sources:
    """The local files a snapshot is built from, and its atom map."""
    units: str
    indicators: str
    layers: list[str]
    unit_atoms: pd.DataFrame
    target_cover: pd.DataFrame


def _sources(snapshot: Snapshot, atom_map) -> _Sources:
    files = snapshot.manifest["files"]
    paths = {table: str(part_file(snapshot, snapshot.id, f"{table}.parquet", files[f"{table}.parquet"].get("sha256")))
             for table in ("units", "indicators")}
    layers = [str(part_file(snapshot, layer["snapshot"], layer["file"], layer.get("sha256")))
              for layer in deltas.facts_layers(snapshot.id, snapshot.manifest)]
    if atom_map is None:
        con = duckdb.connect(":memory:")
        try:
            units = con.execute(load_sql("load_units_frame"), {"path": paths["units"]}).df()
        finally:
            con.close()
        atom_map = geography.build_atom_map(units)
    unit_atoms, target_cover = atom_map
    return _Sources(paths["units"], paths["indicators"], layers, unit_atoms, target_cover)


def cache_key(snapshot: Snapshot, sources: _Sources) -> str:
    """The name of the snapshot's cache file: a SHA-256 over what the database is built from."""
    digest = hashlib.sha256()
    digest.update(f"kpi-load {CACHE_VERSION} duckdb {duckdb.__version__}\n".encode())
    for name in BUILD_QUERIES:
        digest.update(load_sql(name).encode("utf-8"))
    parts = [(snapshot.id, name, (info or {}).get("sha256")) for name, info in sorted(snapshot.manifest["files"].items())]
    parts += [(layer["snapshot"], layer["file"], layer.get("sha256"))
              for layer in deltas.facts_layers(snapshot.id, snapshot.manifest)]
    for part in parts:
        digest.update(repr(part).encode("utf-8"))
    for frame in (sources.unit_atoms, sources.target_cover):
        digest.update(repr(list(frame.columns)).encode("utf-8"))
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def cache_folder(snapshot: Snapshot) -> Path | None:
    """Where the snapshot's cache file goes: $KPI_LOAD_CACHE ('off': none, built in memory), else
    cache/loaded in the data folder (on S3: in the local cache of its downloads)."""
    configured = os.environ.get("KPI_LOAD_CACHE")
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "no") else Path(configured)
    storage = snapshot_storage(snapshot)
    if storage.is_local:
        return Path(snapshot.path).parent.parent / "cache" / "loaded"
    return Path(storage.cache) / "loaded"


def _connect(spill: Path | None = None, building: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB instance of its own for one snapshot (queries/load_settings.sql). `building` a cache
    file: a build's inserts need not keep the exact row order across threads (the target sums are
    grouped; stored facts, past OVERRIDES_MAX overrides, are read by key)."""
    config = {"memory_limit": MEMORY_LIMIT, "threads": THREADS}
    if spill is not None:
        config["temp_directory"] = str(spill)
    if building:
        config["preserve_insertion_order"] = False
    con = duckdb.connect(":memory:", config=config)
    con.execute(load_sql("load_settings"))
    return con


def _build(snapshot: Snapshot, atom_map) -> tuple[duckdb.DuckDBPyConnection, str]:
    reason = damage(snapshot)
    if reason:  # never load numbers from a file that is not what the manifest says
        raise SnapshotError(f"Bản dữ liệu {snapshot.id} bị hỏng, không dùng được: {reason}")
    sources = _sources(snapshot, atom_map)
    folder = cache_folder(snapshot)
    if folder is not None:
        key = cache_key(snapshot, sources)
        try:
            return _open_cached(snapshot, sources, folder, key), sources.layers[0]
        except (OSError, duckdb.IOException, duckdb.PermissionException):
            pass  # a folder that cannot be written (or a full disk): built in memory, as before
    con = _connect(None)
    try:
        con.execute(load_sql("load_attach"))
        con.execute(load_sql("load_use"))
        _fill(con, sources)
        con.execute(load_sql("load_checkpoint"))
    except BaseException:
        con.close()
        raise
    return con, sources.layers[0]


def _open_cached(snapshot: Snapshot, sources: _Sources, folder: Path, key: str) -> duckdb.DuckDBPyConnection:
    """The connection on the snapshot's cache file, read only; the file built first when missing
    (or incomplete, or built from something else)."""
    path = folder / f"{key}{CACHE_SUFFIX}"
    if path.is_file():
        con = _open_file(path, key, sources.layers[0])
        if con is not None:
            _touch(path)
            return con
    folder.mkdir(parents=True, exist_ok=True)
    spill = folder / f".spill-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    building = folder / f".tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}-{key[:16]}{CACHE_SUFFIX}"
    try:
        con = _connect(spill, building=True)
        try:
            con.execute(load_sql("load_attach_file"), {"path": str(building)})
            con.execute(load_sql("load_use"))
            _fill(con, sources)
            con.execute(load_sql("load_info_create"), {"key": key, "snapshot": snapshot.id})
            con.execute(load_sql("load_checkpoint"))
            con.execute(load_sql("load_use_memory"))
            con.execute(load_sql("load_detach"))
        finally:
            con.close()
        os.replace(building, path)  # complete: in place at once (another process's copy is the same)
    finally:
        for leftover in (building, Path(f"{building}.wal")):
            leftover.unlink(missing_ok=True)
        _remove_tree(spill)
    _prune(folder, keep=path)
    con = _open_file(path, key, sources.layers[0])
    if con is None:
        raise OSError(f"{path}: the cache file just written does not open")
    return con


def _open_file(path: Path, key: str, facts_file: str) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection on a complete cache file built with `key`, or None (the file removed)."""
    con = _connect(None)
    try:
        con.execute(load_sql("load_open_file"), {"path": str(path)})
        con.execute(load_sql("load_use"))
        con.execute(load_sql("load_facts_file"), {"path": facts_file})
        found = con.execute(load_sql("load_info")).fetchone()
        if found is not None and found[0] == key:
            return con
    except duckdb.Error:
        pass
    con.close()
    path.unlink(missing_ok=True)  # incomplete or not what its name says: built again
    return None


def _touch(path: Path) -> None:
    try:
        os.utime(path)  # most recently opened: pruned last
    except OSError:
        pass


def _remove_tree(folder: Path) -> None:
    if not folder.is_dir():
        return
    for item in sorted(folder.rglob("*"), reverse=True):
        if item.is_dir():
            item.rmdir()
        else:
            item.unlink(missing_ok=True)
    folder.rmdir()


def _prune(folder: Path, keep: Path) -> None:
    """Keep the MAX_CACHED most recently opened cache files of the folder (a process that has one
    open keeps reading it: removing a name does not close a file), and remove what builds killed
    more than STALE_AFTER_S ago left behind."""
    files = sorted((p for p in folder.glob(f"*{CACHE_SUFFIX}") if p.is_file() and not p.name.startswith(".")),
                   key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[MAX_CACHED:]:
        if old != keep:
            old.unlink(missing_ok=True)
    now = time.time()
    for stale in folder.glob(".*-*"):  # a build or spill folder of a process killed hours ago
        try:
            if now - stale.stat().st_mtime > STALE_AFTER_S:
                _remove_tree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
        except OSError:
            pass


def _fill(con: duckdb.DuckDBPyConnection, sources: _Sources) -> None:
    """Create and fill the snapshot's tables in `snap` (the current database)."""
    con.execute(load_sql("load_facts_file"), {"path": sources.layers[0]})
    con.execute(load_sql("load_units"), {"path": sources.units})
    con.execute(load_sql("load_indicators"), {"path": sources.indicators})
    _facts_view(con, sources.layers[1:])
    con.execute(load_sql("load_facts_coded"))
    periods = periods_table([row[0] for row in con.execute(load_sql("load_fact_periods")).fetchall()])
    for name, frame in (("unit_atoms_frame", sources.unit_atoms), ("target_cover_frame", sources.target_cover),
                        ("periods_frame", periods)):
        con.register(name, frame)
    con.execute(load_sql("load_frames"))
    for name in ("unit_atoms_frame", "target_cover_frame", "periods_frame"):
        con.unregister(name)
    con.execute(load_sql("build_target_sums"))


def _facts_view(con: duckdb.DuckDBPyConnection, delta_paths: list[str]) -> None:
    """The view facts over the snapshot's base facts file (the connection's variable kpi_facts_file):
    nothing of the file is copied. The rows that replace the file's of the same key (a delta
    snapshot's, months given their year's plan) are stored as fact_overrides and the view anti-joins
    them; with none, the view is the file. More than OVERRIDES_MAX of them (an anti-join on every read
    would cost more than storing the facts): the facts written once into the database instead."""
    con.execute(load_sql("load_facts_create"))
    if delta_paths:
        deltas.prepare(con, delta_paths)
        con.execute(load_sql("load_facts_deltas"))
        deltas.drop(con)
    con.execute(load_sql("load_facts_view_overrides"))
    if con.execute(load_sql("load_facts_months_without_plan")).fetchone()[0]:
        con.execute(load_sql("load_facts_plan_fill"))
    overrides = con.execute(load_sql("load_facts_overrides_count")).fetchone()[0]
    if overrides == 0:
        con.execute(load_sql("load_facts_view"))
    elif overrides > OVERRIDES_MAX:
        con.execute(load_sql("load_facts_materialise"))


def _acquire(snapshot: Snapshot, atom_map=None) -> _Loaded:
    """The snapshot's loaded entry with one more reference, loading it on first use (once, even when
    sessions ask at once; other snapshots load meanwhile). Looked up and counted under one lock, so
    an eviction can never close it between the two."""
    with _LOCK:
        entry = _LOADED.get(snapshot)
        if entry is not None:
            _LOADED.move_to_end(snapshot)  # most recently used last
            entry.users += 1
            return entry
        loading = _LOADING.setdefault(snapshot, threading.Lock())
    with loading:
        with _LOCK:
            entry = _LOADED.get(snapshot)
            if entry is not None:
                _LOADED.move_to_end(snapshot)
                entry.users += 1
                return entry
        try:
            con, facts_file = _build(snapshot, atom_map)
        except BaseException:
            with _LOCK:
                _LOADING.pop(snapshot, None)
            raise
        with _LOCK:
            entry = _LOADED[snapshot] = _Loaded(con, facts_file, users=1)
            _LOADING.pop(snapshot, None)
            retired = _evict_unused()
    _close(retired)
    return entry


def _evict_unused() -> list[_Loaded]:
    """Drop the least recently used snapshots that no cursor is reading while more than MAX_LOADED
    are loaded (under _LOCK); return them, to be closed outside the lock."""
    retired = []
    for snapshot in list(_LOADED):
        if len(_LOADED) <= MAX_LOADED:
            break
        if _LOADED[snapshot].users == 0:
            retired.append(_LOADED.pop(snapshot))
    return retired


def _close(retired: list[_Loaded]) -> None:
    for entry in retired:
        entry.closed = True
        entry.con.close()  # no cursor is open on it: nothing running is broken


def _release(entry: _Loaded) -> None:
    with _LOCK:
        entry.users -= 1
        retired = _evict_unused() if entry.users == 0 else []
    _close(retired)


def load(snapshot: Snapshot, atom_map: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> duckdb.DuckDBPyConnection:
    """Load the snapshot (once) and return its connection: to warm it or time it. Query through
    cursor(), which keeps the snapshot loaded while the query runs; the connection returned here
    is closed when the snapshot is evicted.

    `atom_map` replaces the province atom map (the benchmark's communes); it counts only on the
    snapshot's first load.
    """
    entry = _acquire(snapshot, atom_map)
    con = entry.con
    _release(entry)
    return con


class Cursor:
    """A cursor on a loaded snapshot (its own DuckDB connection, safe per thread) that holds a
    reference on the snapshot until it is closed: the snapshot is not evicted under it."""

    def __init__(self, entry: _Loaded):
        self._entry, self._cur, self._open = entry, None, True  # the reference taken by _acquire
        try:
            self._cur = entry.con.cursor()
            self._cur.execute(load_sql("load_use"))
            self._cur.execute(load_sql("load_facts_file"), {"path": entry.facts_file})
        except BaseException:
            self.close()
            raise

    def execute(self, sql: str, parameters=None):
        """Run a statement; returns the DuckDB cursor (for .df(), .fetchall(), .fetchnumpy())."""
        return self._cur.execute(sql, parameters) if parameters is not None else self._cur.execute(sql)

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._cur, name)

    def close(self) -> None:
        if self._open:
            self._open = False
            try:
                if self._cur is not None:
                    self._cur.close()
            finally:
                _release(self._entry)

    def __enter__(self) -> Cursor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):  # a cursor left open still gives its reference back
        if getattr(self, "_open", False):
            self.close()


def cursor(snapshot: Snapshot) -> Cursor:
    """A cursor on the snapshot's database (loaded on first use); close it when done."""
    return Cursor(_acquire(snapshot))


def loaded() -> dict[Snapshot, int]:
    """The snapshots loaded now and the cursors open on each (for tests and diagnostics)."""
    with _LOCK:
        return {snapshot: entry.users for snapshot, entry in _LOADED.items()}
