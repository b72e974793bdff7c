-- PostgreSQL: the importers' writer lock (one import at a time per catalogue, across machines), a
-- session advisory lock taken without waiting (the caller polls). Key 4242002.
SELECT pg_try_advisory_lock(4242002) AS locked
