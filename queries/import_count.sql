-- Import (kpi/importing/merge.py, through kpi/store/deltas.py): how many facts a chain of deltas holds,
-- counted without reading them: the base's rows (from its Parquet metadata) plus the deltas' keys the
-- base does not hold (temp.delta, delta_create.sql). $path: the base file; $periods: the deltas'
-- distinct periods (the scan of the base's keys skips the other periods' row groups).
SELECT (SELECT count(*) FROM read_parquet($path))
     + (SELECT count(*)
        FROM (SELECT indicator, unit, period FROM temp.delta) AS d
        ANTI JOIN (SELECT indicator, unit, period FROM read_parquet($path)
                   WHERE period IN (SELECT unnest($periods))) AS b
            USING (indicator, unit, period))
