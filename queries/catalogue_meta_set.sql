INSERT OR REPLACE INTO catalogue_meta (key, value) VALUES (:key, :value)
