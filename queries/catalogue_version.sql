-- The catalogue's identity and version (kpi.store.catalogue.version): one indexed read of two rows
SELECT key, value FROM catalogue_meta WHERE key IN (:instance_key, :version_key)
