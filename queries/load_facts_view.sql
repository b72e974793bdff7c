-- Load a snapshot (kpi/store/database.py): the view facts every reader reads, when no row overrides the
-- file's (queries/load_facts_create.sql): the snapshot's facts.parquet itself (the variable
-- kpi_facts_file, queries/load_facts_file.sql), with the columns of fact_columns.
CREATE OR REPLACE VIEW facts AS
SELECT indicator, unit, period, actual, plan, plan_kind, plan_high, numerator, denominator, source, note,
       estimate_status
FROM (SELECT * FROM fact_columns UNION ALL BY NAME SELECT * FROM read_parquet(getvariable('kpi_facts_file')))
