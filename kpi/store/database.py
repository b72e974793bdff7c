"""DuckDB: each snapshot loaded once into its own compressed in-memory database.

A loaded snapshot is a DuckDB connection holding the tables facts, units, indicators, periods,
unit_atoms, target_cover and target_sums in its database `snap`. Facts are inserted a year at a
time with a checkpoint in between, so they are held compressed (a few bytes a figure, not the
~160 of an uncompressed in-memory table). `target_sums` holds, once, the sums behind every unit
made of several atoms (regions, the nation, a new province before the merger), so that a page's
query reads a few rows whatever the number of reporting units. All SQL is in queries/load_*.sql
and queries/build_target_sums.sql, with the file paths bound as parameters.

The newest MAX_LOADED snapshots stay loaded. Evicting one only drops this registry's reference:
a cursor another session is still reading with keeps its database alive until it is closed.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import duckdb
import pandas as pd

from kpi.periods import parse_period
from kpi.store.snapshots import TABLES, Snapshot, SnapshotError, damage
from kpi.store.sql import load_sql
from kpi.units import geography

MAX_LOADED = 3
_LOCK = threading.Lock()
_LOADED: OrderedDict[Snapshot, duckdb.DuckDBPyConnection] = OrderedDict()
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
    paths = {table: str(snapshot.path / f"{table}.parquet") for table in TABLES}
    con.execute(load_sql("load_units"), {"path": paths["units"]})
    con.execute(load_sql("load_indicators"), {"path": paths["indicators"]})
    con.execute(load_sql("load_facts_create"))
    years = [row[0] for row in con.execute(load_sql("load_facts_years"), {"path": paths["facts"]}).fetchall()]
    for year in years:
        con.execute(load_sql("load_facts_year"), {"path": paths["facts"], "year": year})
        con.execute(load_sql("load_facts_year_plans"), {"year": year})
        con.execute(load_sql("load_checkpoint"))
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


def load(snapshot: Snapshot, atom_map: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> duckdb.DuckDBPyConnection:
    """The snapshot's loaded connection, loading it on first use (once, even when sessions ask at once).

    `atom_map` replaces the province atom map (the benchmark's communes); it counts only on the
    snapshot's first load.
    """
    with _LOCK:
        if snapshot in _LOADED:
            _LOADED.move_to_end(snapshot)  # most recently used last
            return _LOADED[snapshot]
        loading = _LOADING.setdefault(snapshot, threading.Lock())
    with loading:  # other snapshots load meanwhile; the same one loads once
        with _LOCK:
            if snapshot in _LOADED:
                return _LOADED[snapshot]
        con = _build(snapshot, atom_map)
        with _LOCK:
            _LOADED[snapshot] = con
            _LOADING.pop(snapshot, None)
            while len(_LOADED) > MAX_LOADED:
                _LOADED.popitem(last=False)
        return con


def cursor(snapshot: Snapshot) -> duckdb.DuckDBPyConnection:
    """A cursor (its own DuckDB connection, safe per thread) on the snapshot's database."""
    cur = load(snapshot).cursor()
    cur.execute(load_sql("load_use"))
    return cur
