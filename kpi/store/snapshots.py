"""Parquet snapshots: immutable folders written atomically (loaded into DuckDB by kpi.store.database).

A snapshot folder holds units.parquet, indicators.parquet, manifest.json and its facts (DESIGN
section 2): a full facts.parquet, or a delta (facts.delta.parquet) on top of an earlier snapshot's
files, listed in the manifest with their SHA-256 (kpi.store.deltas). The folder lives in the
configured storage, a local folder or S3 object storage (kpi.store.storage). It is written to a
hidden temporary folder, verified, then published (renamed into place; on S3 uploaded and checked
file by file, the manifest last), so a crash never leaves a half snapshot that looks complete and
never touches an earlier one. A folder is a snapshot once the catalogue (kpi.store.catalogue) has its row: the
folder is written first, the row last, so a reader never sees half a commit, and the folder of a
commit that died before its row is ignored and cleaned away like a temporary folder. A data folder
written before the catalogue existed is registered on first use (every snapshot approved, with its
manifest's parent, author and time). The newest approved snapshot is current; any other one can be
chosen "as of" by its id.

The code is in three modules by concern, each name importable from here as before:
kpi.store.snapshot_read (the Snapshot, listing, manifests, reading tables), kpi.store.snapshot_integrity
(damage, the intact snapshots, the one asked for, an import's base) and kpi.store.snapshot_write
(normalising facts, writing a folder, committing or discarding it).
"""
from __future__ import annotations

from kpi.store.snapshot_integrity import (
    READABLE,
    UNAVAILABLE,
    Damage,
    damage,
    get_snapshot,
    import_base,
    intact_and_damaged,
    unavailable,
)
from kpi.store.snapshot_read import (
    FACT_COLUMNS,
    FACT_SCHEMA,
    TABLES,
    Snapshot,
    SnapshotError,
    catalogue_connection,
    catalogue_entries,
    facts_paths,
    file_hashes,
    forget_manifest,
    get_snapshot_at,
    has_catalogue,
    list_snapshots,
    part_file,
    parts,
    read_facts,
    read_manifest,
    read_table,
    snapshot_ids,
    snapshot_storage,
    snapshots_dir,
    storage_of,
)
from kpi.store.snapshot_write import (
    COMMITTING,
    ROW_GROUP_ROWS,
    commit_folder,
    discard_folder,
    normalise_facts,
    release_folder,
    write_folder,
    write_snapshot,
)

__all__ = [
    "COMMITTING",
    "Damage",
    "FACT_COLUMNS",
    "FACT_SCHEMA",
    "READABLE",
    "ROW_GROUP_ROWS",
    "Snapshot",
    "SnapshotError",
    "TABLES",
    "UNAVAILABLE",
    "catalogue_connection",
    "catalogue_entries",
    "commit_folder",
    "damage",
    "discard_folder",
    "facts_paths",
    "file_hashes",
    "forget_manifest",
    "get_snapshot",
    "get_snapshot_at",
    "has_catalogue",
    "import_base",
    "intact_and_damaged",
    "list_snapshots",
    "normalise_facts",
    "part_file",
    "parts",
    "read_facts",
    "read_manifest",
    "read_table",
    "release_folder",
    "snapshot_ids",
    "snapshot_storage",
    "snapshots_dir",
    "storage_of",
    "unavailable",
    "write_folder",
    "write_snapshot",
]
