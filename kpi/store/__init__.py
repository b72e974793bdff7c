"""The snapshot store: immutable Parquet snapshots (snapshots.py), each loaded once into DuckDB
(database.py) and read through the named queries of queries/ (queries.py); the indicator
catalogue files (indicators.py)."""
from kpi.store.database import cursor
from kpi.store.snapshots import (
                                 FACT_COLUMNS,
                                 Snapshot,
                                 SnapshotError,
                                 get_snapshot,
                                 get_snapshot_at,
                                 list_snapshots,
                                 read_table,
                                 snapshots_dir,
                                 write_snapshot,
)

__all__ = ["FACT_COLUMNS", "Snapshot", "SnapshotError", "cursor", "get_snapshot", "get_snapshot_at",
           "list_snapshots", "read_table", "snapshots_dir", "write_snapshot"]
