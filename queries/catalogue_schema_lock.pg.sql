-- PostgreSQL: processes starting together create the schema one at a time (key 4242003), and never
-- while a writing transaction runs (key 4242001, catalogue_begin_write.pg.sql): the schema's
-- CREATE OR REPLACE TRIGGER / CREATE INDEX lock its tables in the script's order, a writer in its own
-- (role_grants before audit_log), and the two orders would deadlock. Writers take 4242001 before any
-- table lock, so waiting here holds none.
SELECT pg_advisory_xact_lock(4242003) AS schema_locked, pg_advisory_xact_lock(4242001) AS writers_locked
