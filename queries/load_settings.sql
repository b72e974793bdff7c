-- Load a snapshot (kpi/store/database.py): settings of each loaded snapshot's DuckDB instance. The view
-- facts reads the snapshot's Parquet file on every query: its footer (row groups' statistics) is kept in
-- memory instead of read again each time (a small query 7,5 -> 2,1 ms at 24M facts); the files are
-- immutable (a snapshot never changes, its files named by their SHA-256 in the manifest).
SET GLOBAL parquet_metadata_cache = true
