-- Load a snapshot (kpi/store/database.py): an empty facts table with the columns of facts.parquet
-- (kpi/store/snapshots.py FACT_SCHEMA). Snapshots written before plan kinds lack plan_kind and
-- plan_high: inserted BY NAME, they read as level plans; those written before estimate_status read it as NULL.
--
-- Stored as facts_coded: indicator, unit, period and source as ENUM types made of the snapshot's own
-- distinct values (temp.fact_values, queries/load_fact_values.sql; sorted, so an ENUM orders as its
-- text): DuckDB stores and compresses small integer codes instead of strings (at 24M facts the insert
-- costs a third less CPU and the file 40% less disk). Every reader reads the view facts, the same
-- columns as VARCHAR, so what a query returns is what it returned from VARCHAR columns.
CREATE TYPE fact_indicator AS ENUM (SELECT unnest(indicators) FROM temp.fact_values);
CREATE TYPE fact_unit AS ENUM (SELECT unnest(units) FROM temp.fact_values);
CREATE TYPE fact_period AS ENUM (SELECT unnest(periods) FROM temp.fact_values);
CREATE TYPE fact_source AS ENUM (SELECT unnest(sources) FROM temp.fact_values);
DROP TABLE temp.fact_values;
CREATE TABLE facts_coded (
    indicator fact_indicator, unit fact_unit, period fact_period, actual DOUBLE, plan DOUBLE,
    plan_kind VARCHAR, plan_high DOUBLE, numerator DOUBLE, denominator DOUBLE, source fact_source,
    note VARCHAR, estimate_status VARCHAR
);
CREATE VIEW facts AS
SELECT indicator::VARCHAR AS indicator, unit::VARCHAR AS unit, period::VARCHAR AS period, actual, plan,
       plan_kind, plan_high, numerator, denominator, source::VARCHAR AS source, note, estimate_status
FROM facts_coded;
