"""Writing snapshots (kpi.store.snapshots): the facts normalised to their schema, a folder written
atomically (staged, verified, published) and its commit into the catalogue, or its removal when the
commit does not happen."""
from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import json
import os
import shutil
import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.store import catalogue, deltas
from kpi.store.catalogue import APPROVED, SnapshotError
from kpi.store.snapshot_read import (
    FACT_COLUMNS,
    FACT_SCHEMA,
    Snapshot,
    catalogue_connection,
    file_hashes,
    forget_manifest,
    snapshot_storage,
    storage_of,
)
from kpi.store.sql import load_sql
from kpi.store.storage import sha256_file

COMMITTING: set[str] = set()  # folders of this process written and not yet registered


def normalise_facts(facts: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(facts, pa.Table):
        return _normalise_arrow(facts)
    frame = facts.reindex(columns=FACT_COLUMNS)
    for col in ("actual", "plan", "plan_high", "numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    for col in ("indicator", "unit", "period", "plan_kind", "source", "note", "estimate_status"):
        frame[col] = frame[col].astype("string")
    # sorted by period and indicator so DuckDB's zone maps skip most row groups
    frame = frame.sort_values(["period", "indicator", "unit"], kind="stable")
    return pa.Table.from_pandas(frame, schema=FACT_SCHEMA, preserve_index=False)


def _sort_key(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as a key that sorts as its values do (a dictionary column: each value's rank)."""
    if not pa.types.is_dictionary(column.type):
        return column
    chunks = []
    for chunk in column.chunks:
        ranks = pc.rank(chunk.dictionary.cast(pa.string()), sort_keys="ascending", tiebreaker="dense")
        chunks.append(pc.take(ranks, chunk.indices))
    return pa.chunked_array(chunks, type=pa.uint64())


def _normalise_arrow(facts: pa.Table) -> pa.Table:
    """An Arrow facts table (a generator's: string columns may be dictionary-encoded, a few bytes a
    row) in FACT_SCHEMA's columns, sorted as normalise_facts sorts. Dictionary columns stay encoded
    here and are cast to plain strings a row group at a time as the file is written (_write_table):
    memory stays near the encoded table's, not the ~150 bytes a row of plain strings."""
    columns = {}
    for spec in FACT_SCHEMA:
        if spec.name not in facts.column_names:
            columns[spec.name] = pa.nulls(facts.num_rows, spec.type)
            continue
        column = facts[spec.name]
        columns[spec.name] = column if pa.types.is_dictionary(column.type) else column.cast(spec.type)
    table = pa.table(columns)
    key_names = ("period", "indicator", "unit")
    keys = pa.table({name: _sort_key(table[name]) for name in key_names})
    order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in key_names])
    del keys
    return table.take(order)


ROW_GROUP_ROWS = 250_000


def _write_table(table: pa.Table, path: Path) -> None:
    """Write one table of a snapshot. A facts table with dictionary-encoded columns (_normalise_arrow)
    is cast to the file schema one row group at a time: the same file as from a DataFrame."""
    if not any(pa.types.is_dictionary(spec.type) for spec in table.schema):
        pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS)
        return
    schema = normalise_facts(pd.DataFrame(columns=FACT_COLUMNS)).schema  # with the same pandas metadata
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, table.num_rows, ROW_GROUP_ROWS):
            writer.write_table(table.slice(start, ROW_GROUP_ROWS).cast(schema), row_group_size=ROW_GROUP_ROWS)


def _verify(folder: Path, manifest: dict, facts_file: str) -> None:
    for name, info in manifest["files"].items():
        path = folder / name
        if sha256_file(path) != info["sha256"]:
            raise SnapshotError(f"{path}: mã băm SHA-256 không khớp sau khi ghi")
        if pq.ParquetFile(path).metadata.num_rows != info["rows"]:
            raise SnapshotError(f"{path}: số dòng không khớp sau khi ghi")
    con = duckdb.connect(":memory:")
    try:
        repeated = con.execute(load_sql("delta_duplicate_keys"), {"path": str(folder / facts_file)}).fetchone()[0]
    finally:
        con.close()
    if repeated:
        raise SnapshotError(f"{facts_file} có số liệu trùng (chỉ tiêu, đơn vị, kỳ)")


def write_snapshot(facts: pd.DataFrame, units: pd.DataFrame, indicators: pd.DataFrame, *, note: str = "",
                   parent: str | None = None, data_dir: Path | str | None = None, **folder) -> Snapshot:
    """Write a new snapshot atomically, register it approved in the catalogue and return it: the
    demo's, a script's or a test's snapshot, which builds on no import (an import commits through
    write_folder and catalogue.commit, kpi.importing.merge). `folder`: write_folder's other arguments
    (created_by, sources, demo, now). Never modifies an existing snapshot."""
    snapshot = write_folder(facts, units, indicators, note=note, parent=parent, data_dir=data_dir, **folder)
    try:
        with catalogue_connection(data_dir) as con:
            catalogue.register(con, snapshot_id=snapshot.id, parent=parent, created_by=snapshot.manifest["user"],
                               author_name=snapshot.manifest["user"], created_at=snapshot.manifest["created_precise"],
                               note=note, files=file_hashes(snapshot.manifest))
    except BaseException:
        discard_folder(snapshot)
        raise
    release_folder(snapshot)
    return dataclasses.replace(snapshot, state=APPROVED)


def commit_folder(snapshot: Snapshot, *, user, units: list[str], approve: bool, what: str = "",
                  passed_over: frozenset[str] = frozenset(), data_dir: Path | str | None = None
                  ) -> catalogue.Committed:
    """Register an import's folder in one transaction that checks its parent is still the head
    (catalogue.commit). When it is not, the folder is removed and the head found is returned, for
    the import to be re-applied there; either way nothing half-done is left."""
    try:
        with catalogue_connection(data_dir) as con:
            done = catalogue.commit(con, snapshot_id=snapshot.id, parent=snapshot.manifest.get("parent"), user=user,
                                    created_at=snapshot.manifest["created_precise"],
                                    note=snapshot.manifest.get("note", ""), files=file_hashes(snapshot.manifest),
                                    units=units, approve=approve, what=what, passed_over=passed_over)
    except BaseException:
        discard_folder(snapshot)
        raise
    if done.ok:
        release_folder(snapshot)
    else:
        discard_folder(snapshot)
    return done


def discard_folder(snapshot: Snapshot) -> None:
    """Remove a folder written by write_folder whose commit did not happen."""
    storage = snapshot_storage(snapshot)
    storage.delete(f"snapshots/{snapshot.id}")
    forget_manifest(storage, snapshot.id)
    COMMITTING.discard(snapshot.id)


def release_folder(snapshot: Snapshot) -> None:
    """The folder's catalogue row is written: cleaning need not spare it any longer."""
    COMMITTING.discard(snapshot.id)


def write_folder(
    facts: pd.DataFrame | Callable[[], pd.DataFrame],
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    created_by: str,
    note: str = "",
    parent: str | None = None,
    sources: list[dict] | None = None,
    demo: bool = False,
    data_dir: Path | str | None = None,
    now: dt.datetime | None = None,
    delta: pd.DataFrame | None = None,
    parent_manifest: dict | None = None,
    facts_rows: int | None = None,
) -> Snapshot:
    """Write a new snapshot folder atomically (temporary folder, verify, publish) and return it; it
    is a snapshot once its catalogue row is written (then call release_folder; discard_folder when
    the commit does not happen). The manifest's `writer` (host and process) lets a folder whose
    commit died be told from a commit under way. Never modifies an existing snapshot.

    `delta`: the rows an import upserts into `parent` (whose manifest is `parent_manifest`); `facts`
    are then the facts the snapshot holds, counted, and the folder holds only the delta, unless the
    chain is due for compaction (kpi.store.deltas), when it is written full, a new base. `facts` may
    then be a function returning them, called only when they are written full, with `facts_rows`
    their count (an import need not build its whole new history to write its delta)."""
    storage = storage_of(data_dir)
    now = now or dt.datetime.now(dt.UTC)
    snapshot_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    parent_layers = deltas.facts_layers(parent, parent_manifest) if parent and parent_manifest else None
    as_delta = delta is not None and parent_layers is not None and not deltas.compaction_due(parent_layers, len(delta))
    facts_file = deltas.DELTA_FILE if as_delta else deltas.FULL_FILE
    tmp = storage.staging(snapshot_id)
    try:
        (tmp / ".owner").write_text(f"{socket.gethostname()} {os.getpid()}", encoding="utf-8")
        tables = {
            facts_file: normalise_facts(delta if as_delta else facts() if callable(facts) else facts),
            "units.parquet": pa.Table.from_pandas(units.reset_index(drop=True), preserve_index=False),
            "indicators.parquet": pa.Table.from_pandas(indicators.reset_index(drop=True), preserve_index=False),
        }
        files = {}
        for name, table in tables.items():
            path = tmp / name
            _write_table(table, path)
            files[name] = {"sha256": sha256_file(path), "rows": table.num_rows}
        layers = deltas.chain_after(parent_layers, snapshot_id, files[facts_file]) if as_delta \
            else deltas.full_layers(snapshot_id, files[facts_file])
        manifest = {
            "id": snapshot_id,
            "created": now.isoformat(timespec="seconds"),
            "created_precise": now.isoformat(timespec="microseconds"),
            "created_by": created_by,
            "user": _user(),
            "writer": f"{socket.gethostname()} {os.getpid()}",
            "note": note,
            "parent": parent,
            "demo": demo,
            "sources": sources or [],
            "files": files,
            "facts_layers": layers,
            "counts": {
                "facts": (len(facts) if facts_rows is None else facts_rows) if as_delta
                else tables[facts_file].num_rows,
                "units": tables["units.parquet"].num_rows,
                "indicators": tables["indicators.parquet"].num_rows,
            },
        }
        _verify(tmp, manifest, facts_file)
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        COMMITTING.add(snapshot_id)
        storage.publish(tmp, f"snapshots/{snapshot_id}", [*files, "manifest.json"])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        COMMITTING.discard(snapshot_id)
        raise
    return Snapshot(snapshot_id, storage.location(f"snapshots/{snapshot_id}"), manifest, catalogue.PENDING,
                    storage.url)


def _user() -> str:
    try:
        return f"{getpass.getuser()}@{socket.gethostname()}"
    except Exception:  # noqa: BLE001 - best effort provenance only
        return "unknown"
