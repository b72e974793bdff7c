-- Load a snapshot (kpi/store/database.py): what a cached DuckDB file was built from (its key), the
-- last table written: a file without it is incomplete and is built again.
CREATE TABLE load_info AS SELECT $key::VARCHAR AS cache_key, $snapshot::VARCHAR AS snapshot_id
