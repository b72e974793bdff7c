-- Load a delta snapshot (kpi/store/database.py): its deltas' rows (temp.delta, the newest delta winning
-- on the key, queries/delta_create.sql) replace its base file's rows of the same key: kept as
-- overrides (queries/load_facts_create.sql), small beside the base (compaction keeps them so).
INSERT INTO fact_overrides BY NAME SELECT * FROM temp.delta
