-- Load a snapshot (kpi/store/database.py): the facts are not copied into the snapshot's database; the
-- view facts (queries/load_facts_view.sql) reads them from the snapshot's own facts.parquet, which is
-- immutable and sorted by period, indicator, unit (kpi.store.snapshots.normalise_facts), so DuckDB's
-- Parquet reader skips row groups on the period and indicator as it skipped a table's.
--
-- fact_columns: no rows, the columns of facts.parquet (kpi/store/snapshots.py FACT_SCHEMA); the view
-- unions the file to it BY NAME, so that a file written before plan kinds (no plan_kind / plan_high:
-- level plans) or before estimate_status reads those columns as NULL.
-- fact_overrides: the rows that replace the file's rows of the same key (indicator, unit, period): a
-- delta snapshot's rows (the newest delta winning, queries/delta_create.sql) and the months whose plan
-- is their year's (queries/load_facts_plan_fill.sql); usually none.
CREATE TABLE fact_columns (
    indicator VARCHAR, unit VARCHAR, period VARCHAR, actual DOUBLE, plan DOUBLE, plan_kind VARCHAR,
    plan_high DOUBLE, numerator DOUBLE, denominator DOUBLE, source VARCHAR, note VARCHAR, estimate_status VARCHAR
);
CREATE TABLE fact_overrides AS SELECT * FROM fact_columns;
