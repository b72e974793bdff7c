-- portable upsert (SQLite 3.24+ and PostgreSQL)
INSERT INTO catalogue_meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
