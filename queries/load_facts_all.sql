-- Load a snapshot (kpi/store/database.py): the whole facts.parquet in one insert. Snapshots are
-- written sorted by period, indicator, unit (kpi.store.snapshots.normalise_facts), so the table keeps
-- that order (DuckDB's zone maps skip most row groups) without sorting again. $path: the file. BY NAME:
-- files written before plan kinds have no plan_kind / plan_high (NULL: level plans).
INSERT INTO facts_coded BY NAME
SELECT * FROM read_parquet($path)
