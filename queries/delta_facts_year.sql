-- Delta snapshots (kpi/store/database.py): one year of the facts a snapshot holds, its base's rows
-- that no delta replaces (anti-join on the key) and the deltas' rows, inserted sorted as
-- load_facts_year.sql does. $path: the base file; $year: 'YYYY'. BY NAME: a base written before plan
-- kinds has no plan_kind / plan_high (NULL: level plans).
INSERT INTO facts_coded BY NAME
SELECT * FROM (
    SELECT b.*
    FROM (SELECT * FROM read_parquet($path) WHERE left(period, 4) = $year) AS b
    ANTI JOIN (SELECT indicator, unit, period FROM temp.delta WHERE left(period, 4) = $year) AS d
        USING (indicator, unit, period)
    UNION ALL BY NAME
    SELECT * FROM temp.delta WHERE left(period, 4) = $year
)
ORDER BY period, indicator, unit
