"""DuckDB: each snapshot loaded once into its own compressed in-memory database.

A loaded snapshot is a DuckDB connection holding the tables facts, units, indicators, periods,
unit_atoms, target_cover and target_sums in its database `snap`. Facts are inserted a year at a
time with a checkpoint in between, so they are held compressed (a few bytes a figure, not the
~160 of an uncompressed in-memory table). `target_sums` holds, once, the sums behind every unit
made of several atoms (regions, the nation, a new province before the merger), so that a page's
query reads a few rows whatever the number of reporting units. All SQL is in queries/load_*.sql
and queries/build_target_sums.sql, with the file paths bound as parameters.

A delta snapshot (kpi.store.deltas) loads its base a year at a time with the deltas applied in
DuckDB: the deltas' rows, newest winning on the key, in a temporary table (queries/delta_create.sql),
and each year's base rows that no delta replaces (an anti-join) inserted with the deltas' rows of the
year (queries/delta_facts_year.sql): one pass over the Parquet files, memory bounded by a year and
the deltas. Files on S3 are read from the local cache keyed by SHA-256 (kpi.store.storage).

At most MAX_LOADED snapshots stay loaded, the least recently used evicted first, and its database
closed at once (its memory freed). A snapshot is in use while any session holds a cursor on it
(reference counted: `cursor()` takes a reference, closing the cursor gives it back): one in use is
never evicted, so a session reading an "as of" snapshot never has its query broken by other
sessions loading others; the registry holds more than MAX_LOADED only while those are in use, and
evicts them as their last cursor closes.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import duckdb
import pandas as pd

from kpi.periods import parse_period
from kpi.store import deltas
from kpi.store.snapshots import Snapshot, SnapshotError, damage, part_file
from kpi.store.sql import load_sql
from kpi.units import geography

MAX_LOADED = 3


@dataclass(eq=False)
class _Loaded:
    """A loaded snapshot's connection and the number of cursors open on it."""
    con: duckdb.DuckDBPyConnection
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


def _build(snapshot: Snapshot, atom_map) -> duckdb.DuckDBPyConnection:
    reason = damage(snapshot)
    if reason:  # never load numbers from a file that is not what the manifest says
        raise SnapshotError(f"Bản dữ liệu {snapshot.id} bị hỏng, không dùng được: {reason}")
    con = duckdb.connect(":memory:")
    con.execute(load_sql("load_attach"))
    con.execute(load_sql("load_use"))
    files = snapshot.manifest["files"]
    paths = {table: str(part_file(snapshot, snapshot.id, f"{table}.parquet", files[f"{table}.parquet"].get("sha256")))
             for table in ("units", "indicators")}
    layers = [str(part_file(snapshot, layer["snapshot"], layer["file"], layer.get("sha256")))
              for layer in deltas.facts_layers(snapshot.id, snapshot.manifest)]
    con.execute(load_sql("load_units"), {"path": paths["units"]})
    con.execute(load_sql("load_indicators"), {"path": paths["indicators"]})
    con.execute(load_sql("load_facts_create"))
    _load_facts(con, layers[0], layers[1:])
    units = con.execute(load_sql("units_all")).df()
    unit_atoms, target_cover = atom_map or geography.build_atom_map(units)
    periods = periods_table([row[0] for row in con.execute(load_sql("load_fact_periods")).fetchall()])
    for name, frame in (("unit_atoms_frame", unit_atoms), ("target_cover_frame", target_cover),
                        ("periods_frame", periods)):
        con.register(name, frame)
    con.execute(load_sql("load_frames"))
    for name in ("unit_atoms_frame", "target_cover_frame", "periods_frame"):
        con.unregister(name)
    con.execute(load_sql("build_target_sums"))
    con.execute(load_sql("load_checkpoint"))
    return con


def _load_facts(con: duckdb.DuckDBPyConnection, base: str, delta_paths: list[str]) -> None:
    """Insert the facts a year at a time (a checkpoint after each: held compressed), the deltas
    applied when there are any."""
    if delta_paths:
        deltas.prepare(con, delta_paths)
        years = [row[0] for row in con.execute(load_sql("delta_years"), {"path": base}).fetchall()]
    else:
        years = [row[0] for row in con.execute(load_sql("load_facts_years"), {"path": base}).fetchall()]
    for year in years:
        con.execute(load_sql("delta_facts_year" if delta_paths else "load_facts_year"), {"path": base, "year": year})
        con.execute(load_sql("load_facts_year_plans"), {"year": year})
        con.execute(load_sql("load_checkpoint"))
    if delta_paths:
        deltas.drop(con)


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
            con = _build(snapshot, atom_map)
        except BaseException:
            with _LOCK:
                _LOADING.pop(snapshot, None)
            raise
        with _LOCK:
            entry = _LOADED[snapshot] = _Loaded(con, users=1)
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
