-- Load a snapshot (kpi/store/database.py): how many rows override the facts file's (queries/load_facts_create.sql).
SELECT count(*) FROM fact_overrides
