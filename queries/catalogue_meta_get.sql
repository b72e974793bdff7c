SELECT value FROM catalogue_meta WHERE key = :key
