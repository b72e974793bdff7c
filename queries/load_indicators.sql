-- Load a snapshot (kpi/store/database.py): the indicator catalogue from indicators.parquet. $path: the file.
CREATE TABLE indicators AS SELECT * FROM read_parquet($path)
