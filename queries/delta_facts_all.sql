-- Delta snapshots (kpi/store/deltas.py): every fact a snapshot holds, its base's rows that no delta
-- replaces (anti-join on the key) and the deltas' rows. $path: the base.
SELECT * FROM (
    SELECT b.* FROM read_parquet($path) AS b
    ANTI JOIN (SELECT indicator, unit, period FROM temp.delta) AS d USING (indicator, unit, period)
    UNION ALL BY NAME
    SELECT * FROM temp.delta
)
