"""The snapshot store: immutable Parquet snapshots (snapshots.py), each loaded once into DuckDB
(database.py) and read through the named queries of queries/ (queries.py); the indicator
catalogue files (indicators.py); the snapshot catalogue: state, author, approval (catalogue.py);
cleaning up after killed writes (cleanup.py)."""
from kpi.store.cleanup import remove_stale_temporaries
from kpi.store.database import cursor
from kpi.store.snapshots import (
    FACT_COLUMNS,
    Damage,
    Snapshot,
    SnapshotError,
    catalogue_entries,
    commit_folder,
    damage,
    discard_folder,
    get_snapshot,
    get_snapshot_at,
    import_base,
    intact_and_damaged,
    list_snapshots,
    read_table,
    snapshots_dir,
    write_folder,
    write_snapshot,
)

__all__ = ["FACT_COLUMNS", "Damage", "Snapshot", "SnapshotError", "catalogue_entries", "commit_folder", "cursor",
           "damage", "discard_folder", "get_snapshot", "get_snapshot_at", "import_base", "intact_and_damaged",
           "list_snapshots", "read_table", "remove_stale_temporaries", "snapshots_dir", "write_folder",
           "write_snapshot"]
