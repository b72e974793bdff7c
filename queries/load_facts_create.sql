-- Load a snapshot (kpi/store/database.py): an empty facts table with the columns of facts.parquet
-- (kpi/store/snapshots.py FACT_SCHEMA). Snapshots written before plan kinds lack plan_kind and
-- plan_high: inserted BY NAME, they read as level plans; those written before estimate_status read it as NULL.
CREATE TABLE facts (
    indicator VARCHAR, unit VARCHAR, period VARCHAR, actual DOUBLE, plan DOUBLE, plan_kind VARCHAR,
    plan_high DOUBLE, numerator DOUBLE, denominator DOUBLE, source VARCHAR, note VARCHAR,
    estimate_status VARCHAR
)
