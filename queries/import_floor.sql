-- Import benchmark (benchmarks/bench_import.py, bench_storage.py): the floor an import of a CSV is
-- measured against (issue 14), DuckDB's own read_csv of the file plus a Parquet write of it.
-- $path: the CSV file; $out: the Parquet file written.
COPY (SELECT * FROM read_csv($path)) TO $out (FORMAT parquet)
