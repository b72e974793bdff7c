-- Load a snapshot (kpi/store/database.py): open its cached DuckDB file, read only (several processes
-- may open it at once). $path: the file.
ATTACH $path AS snap (READ_ONLY)
