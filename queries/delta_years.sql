-- Delta snapshots (kpi/store/database.py): the years present in the base file or the deltas, oldest first.
-- $path: the base file.
SELECT DISTINCT year FROM (
    SELECT left(period, 4) AS year FROM read_parquet($path)
    UNION ALL
    SELECT left(period, 4) AS year FROM temp.delta
) ORDER BY 1
