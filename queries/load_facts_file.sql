-- Load a snapshot (kpi/store/database.py): which Parquet file the view facts reads (its base facts file,
-- a local path), set on every connection and cursor of a loaded snapshot before it reads facts (a
-- variable of the connection: the cache file names no path, so a moved data folder still opens it).
-- $path: the file.
SET VARIABLE kpi_facts_file = $path
