"""Delta snapshots: storage that grows with the change, not with the history (DESIGN 2 and 11).

A snapshot's facts are a chain of layers listed in its manifest (`facts_layers`, oldest first): a
full facts file (`facts.parquet` of some snapshot, the base) and the delta files (`facts.delta.parquet`)
of the snapshots after it, each holding the rows that import upserted, keyed by (indicator, unit,
period). An import only adds or replaces figures (kpi.importing.merge.upsert keeps every parent
row it does not replace), so a delta holds no deletions; a snapshot that removes figures (a script,
the demo) is written full. A snapshot written before deltas has no `facts_layers`: its own
facts.parquet is its one layer, and it keeps loading as before.

What a snapshot holds is its base's rows that no delta replaces (an anti-join on the key) plus the
newest delta row of each key (QUALIFY row_number() over the key), in DuckDB over the Parquet files:
vectorised, and memory bounded by the deltas, which compaction keeps small. A chain is compacted
when a new delta would make it longer than MAX_DELTAS or its rows more than MAX_DELTA_FRACTION of
the base's: that import's snapshot is written full, a new base, in its own new folder (snapshots
are never modified in place). Every file a snapshot is made of is listed with its SHA-256, its own
files under `files` and the others' in `facts_layers`, so the damage check covers them all.

An import reads of its parent only the facts at the keys it touches (`facts_at`: the base's row
groups of other periods skipped, the deltas' rows at those keys winning), and counts the rest
without reading them (`count_facts`): its cost follows its own rows, not the history's.
"""
from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.store.sql import load_sql

FULL_FILE = "facts.parquet"
DELTA_FILE = "facts.delta.parquet"
MAX_DELTAS = 20            # deltas on one base before the next import writes a full base
MAX_DELTA_FRACTION = 0.25  # or when the deltas' rows exceed this fraction of the base's


def facts_layers(snapshot_id: str, manifest: dict) -> list[dict]:
    """The layers of a snapshot's facts, oldest (the full base) first: each {snapshot, file,
    sha256, rows}. A snapshot written before deltas: its own facts.parquet."""
    layers = manifest.get("facts_layers")
    if layers:
        return [dict(layer) for layer in layers]
    info = (manifest.get("files") or {}).get(FULL_FILE) or {}
    return [{"snapshot": snapshot_id, "file": FULL_FILE, "sha256": info.get("sha256"), "rows": info.get("rows")}]


def compaction_due(parent_layers: list[dict], delta_rows: int) -> bool:
    """Whether a new delta of `delta_rows` on these layers should instead be a full base."""
    deltas = parent_layers[1:]
    base_rows = parent_layers[0].get("rows") or 0
    total = sum(layer.get("rows") or 0 for layer in deltas) + delta_rows
    return len(deltas) + 1 > MAX_DELTAS or total > MAX_DELTA_FRACTION * max(base_rows, 1)


def chain_after(parent_layers: list[dict], snapshot_id: str, delta_info: dict) -> list[dict]:
    """The layers of a snapshot that adds its delta file to its parent's chain."""
    return [*parent_layers, {"snapshot": snapshot_id, "file": DELTA_FILE, **delta_info}]


def full_layers(snapshot_id: str, facts_info: dict) -> list[dict]:
    """The layers of a snapshot written full (a new base)."""
    return [{"snapshot": snapshot_id, "file": FULL_FILE, **facts_info}]


def prepare(con: duckdb.DuckDBPyConnection, delta_paths: list[str]) -> None:
    """Create the temporary table `delta`: the deltas' rows, the newest winning on the key."""
    con.execute(load_sql("delta_create"), {"paths": delta_paths})


def drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(load_sql("delta_drop"))


def read_facts(base_path: str, delta_paths: list[str]) -> pa.Table:
    """Every fact held by a chain (base file, delta files oldest first), as an Arrow table."""
    con = duckdb.connect(":memory:")
    try:
        prepare(con, delta_paths)
        return con.sql(load_sql("delta_facts_all"), params={"path": base_path}).to_arrow_table()
    finally:
        con.close()


def _periods(keys: pa.Table) -> list[str]:
    return sorted(str(p) for p in pc.unique(keys.column("period")).to_pylist() if p is not None)


def facts_at(paths: list[str], keys: pa.Table) -> pa.Table:
    """The facts a chain (base file, then its delta files oldest first) holds at `keys` (an Arrow
    table of indicator, unit, period), and no others: what an import reads of its parent, in time
    proportional to its own rows (the base's row groups of other periods are skipped, only the key
    columns of the others read)."""
    con = duckdb.connect(":memory:")
    try:
        con.register("import_keys", keys.select(["indicator", "unit", "period"]))
        params = {"path": paths[0], "periods": _periods(keys)}
        if len(paths) == 1:
            return con.sql(load_sql("import_touched_full"), params=params).to_arrow_table()
        prepare(con, paths[1:])
        return con.sql(load_sql("import_touched"), params=params).to_arrow_table()
    finally:
        con.close()


def count_facts(paths: list[str]) -> int:
    """How many facts a chain (base file, then its delta files oldest first) holds, counted without
    reading them: the base's rows from its metadata, plus the deltas' keys the base lacks."""
    if len(paths) == 1:
        return pq.ParquetFile(paths[0]).metadata.num_rows
    con = duckdb.connect(":memory:")
    try:
        prepare(con, paths[1:])
        periods = [row[0] for row in con.execute(load_sql("import_delta_periods")).fetchall()]
        return int(con.execute(load_sql("import_count"), {"path": paths[0], "periods": periods}).fetchone()[0])
    finally:
        con.close()
