-- Load a snapshot (kpi/store/database.py): an empty facts table with the columns of facts.parquet.
CREATE TABLE facts AS SELECT * FROM read_parquet($path) LIMIT 0
