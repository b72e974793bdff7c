-- Load a snapshot (kpi/store/database.py): one year of facts.parquet, sorted so that DuckDB's zone
-- maps skip most row groups. Inserted a year at a time with a checkpoint in between, so the facts
-- are held compressed. $path: the file; $year: 'YYYY'.
INSERT INTO facts
SELECT * FROM read_parquet($path)
WHERE left(period, 4) = $year
ORDER BY period, indicator, unit
