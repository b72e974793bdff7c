-- PostgreSQL: processes starting together create the schema one at a time (key 4242003)
SELECT pg_advisory_xact_lock(4242003)
