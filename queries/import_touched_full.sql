-- Import (kpi/importing/merge.py, through kpi/store/deltas.py): the facts a snapshot written full holds
-- at the keys an import touches, and no others. $path: its facts file; $periods: the keys' distinct
-- periods (the files are sorted by period, so the scan skips the row groups of other periods);
-- import_keys: a registered Arrow table of the keys (indicator, unit, period).
SELECT b.*
FROM (SELECT * FROM read_parquet($path) WHERE period IN (SELECT unnest($periods))) AS b
SEMI JOIN import_keys AS k USING (indicator, unit, period)
