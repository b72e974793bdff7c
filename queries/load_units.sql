-- Load a snapshot (kpi/store/database.py): the units table from units.parquet. $path: the file.
CREATE TABLE units AS SELECT * FROM read_parquet($path)
