-- Load a snapshot (kpi/store/database.py): the years present in facts.parquet, oldest first.
SELECT DISTINCT left(period, 4) AS year FROM read_parquet($path) ORDER BY 1
