SELECT pg_advisory_unlock(4242002) AS unlocked
