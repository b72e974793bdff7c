-- Load a snapshot (kpi/store/database.py): the distinct indicator, unit, period and source texts of
-- every facts file it is built from (base and deltas), sorted, for the ENUM types the facts are stored
-- with (queries/load_facts_create.sql). $paths: the files.
CREATE OR REPLACE TEMP TABLE fact_values AS
SELECT list(DISTINCT indicator ORDER BY indicator) FILTER (WHERE indicator IS NOT NULL) AS indicators,
       list(DISTINCT unit ORDER BY unit) FILTER (WHERE unit IS NOT NULL) AS units,
       list(DISTINCT period ORDER BY period) FILTER (WHERE period IS NOT NULL) AS periods,
       list(DISTINCT source ORDER BY source) FILTER (WHERE source IS NOT NULL) AS sources
FROM read_parquet($paths, union_by_name = true)
