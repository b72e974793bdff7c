-- Load a snapshot (kpi/store/database.py) into its cache file: every fact a delta snapshot holds in one
-- insert, its base's rows that no delta replaces (anti-join on the key, in the base's sorted order)
-- and the deltas' rows (temp.delta, kpi/store/deltas.py). $path: the base file. BY NAME: a base
-- written before plan kinds has no plan_kind / plan_high (NULL: level plans).
INSERT INTO facts_coded BY NAME
SELECT * FROM (
    SELECT b.* FROM read_parquet($path) AS b
    ANTI JOIN (SELECT indicator, unit, period FROM temp.delta) AS d USING (indicator, unit, period)
    UNION ALL BY NAME
    SELECT * FROM temp.delta
)
