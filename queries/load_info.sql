-- Load a snapshot (kpi/store/database.py): the key a cached DuckDB file was built with.
SELECT cache_key FROM load_info
