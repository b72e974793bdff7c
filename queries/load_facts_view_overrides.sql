-- Load a snapshot (kpi/store/database.py): the view facts every reader reads, when rows override the
-- file's (a delta snapshot's rows, months given their year's plan; queries/load_facts_create.sql): the
-- file's rows that no override replaces (anti-join on the key) and the overrides.
CREATE OR REPLACE VIEW facts AS
SELECT b.indicator, b.unit, b.period, b.actual, b.plan, b.plan_kind, b.plan_high, b.numerator, b.denominator,
       b.source, b.note, b.estimate_status
FROM (SELECT * FROM fact_columns UNION ALL BY NAME SELECT * FROM read_parquet(getvariable('kpi_facts_file'))) AS b
ANTI JOIN fact_overrides AS o USING (indicator, unit, period)
UNION ALL
SELECT indicator, unit, period, actual, plan, plan_kind, plan_high, numerator, denominator, source, note,
       estimate_status
FROM fact_overrides
