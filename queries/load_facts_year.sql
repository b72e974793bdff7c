-- Load a snapshot (kpi/store/database.py): one year of facts.parquet, sorted so that DuckDB's zone
-- maps skip most row groups. Inserted a year at a time with a checkpoint in between, so the facts
-- are held compressed. $path: the file; $year: 'YYYY'. BY NAME: files written before plan kinds
-- have no plan_kind / plan_high (NULL: level plans).
INSERT INTO facts_coded BY NAME
SELECT * FROM read_parquet($path)
WHERE left(period, 4) = $year
ORDER BY period, indicator, unit
