-- Import (kpi/importing/merge.py, through kpi/store/deltas.py): the facts a chain of deltas holds at the
-- keys an import touches, and no others: the base's rows at those keys that no delta replaces, and the
-- deltas' newest rows at them (temp.delta, delta_create.sql). $path: the base file; $periods: the keys'
-- distinct periods (the base is sorted by period: the scan skips the other periods' row groups);
-- import_keys: a registered Arrow table of the keys (indicator, unit, period). BY NAME: a base
-- written before plan kinds has no plan_kind / plan_high.
SELECT * FROM (
    SELECT b.*
    FROM (SELECT * FROM read_parquet($path) WHERE period IN (SELECT unnest($periods))) AS b
    SEMI JOIN import_keys AS k USING (indicator, unit, period)
    ANTI JOIN (SELECT indicator, unit, period FROM temp.delta) AS d USING (indicator, unit, period)
    UNION ALL BY NAME
    SELECT d.* FROM temp.delta AS d
    SEMI JOIN import_keys AS k USING (indicator, unit, period)
)
