"""The snapshot store: immutable Parquet snapshots (snapshots.py), loaded into DuckDB (database.py)
and read through the named queries of queries/ (queries.py); the indicator catalogue files."""
from kpi.store.snapshots import (FACT_COLUMNS, MAX_LOADED, Snapshot, SnapshotError, cursor, get_snapshot,
                                 get_snapshot_at, list_snapshots, read_table, schema_for, snapshots_dir,
                                 write_snapshot)

__all__ = ["FACT_COLUMNS", "MAX_LOADED", "Snapshot", "SnapshotError", "cursor", "get_snapshot", "get_snapshot_at",
           "list_snapshots", "read_table", "schema_for", "snapshots_dir", "write_snapshot"]
