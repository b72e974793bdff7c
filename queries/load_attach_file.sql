-- Load a snapshot (kpi/store/database.py): build it into a new DuckDB file (the cache, written under a
-- temporary name and renamed into place when complete). $path: the file.
ATTACH $path AS snap
