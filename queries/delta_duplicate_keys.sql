-- Snapshot write check (kpi/store/snapshots.py): how many rows of a facts or delta file repeat a key
-- (indicator, unit, period) of another row; 0 in a sound file. $path: the file just written.
SELECT count(*) - count(DISTINCT (indicator, unit, period)) FROM read_parquet($path)
