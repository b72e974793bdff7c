-- PostgreSQL (kpi.store.catalogue.PostgresDialect.begin_write), right after BEGIN: the catalogue's
-- one-writer lock for this transaction (as SQLite's BEGIN IMMEDIATE), waiting at most :timeout
-- (lock_timeout, for this transaction only). Key 4242001: the catalogue's writing transactions.
SELECT pg_advisory_xact_lock(4242001) AS locked
FROM (SELECT set_config('lock_timeout', :timeout, true)) AS waited
