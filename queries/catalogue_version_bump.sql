-- The catalogue's version: one counter bumped by every writing transaction (kpi.store.catalogue.transaction),
-- in that transaction; portable upsert (SQLite 3.24+ and PostgreSQL)
INSERT INTO catalogue_meta (key, value) VALUES (:key, '1')
ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(catalogue_meta.value AS BIGINT) + 1 AS TEXT)
