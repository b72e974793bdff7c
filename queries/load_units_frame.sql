-- Load a snapshot (kpi/store/database.py): units.parquet as the loaded units table answers units_all
-- (same order), read before the database is opened: the atom map is part of the cache file's key.
-- $path: the file.
SELECT * FROM read_parquet($path) ORDER BY level, gso_code, unit
