SELECT key, value FROM catalogue_meta ORDER BY key
