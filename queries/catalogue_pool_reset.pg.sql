-- PostgreSQL (kpi.store.dialects, the connection pool): a connection handed back to the pool is left
-- as a new one would be: session settings back to their defaults and every session advisory lock
-- released (the importers' writer lock 4242002 is taken on a connection of its own; this is the
-- guarantee). The pool has already rolled back a transaction left open, which releases its locks.
RESET ALL;
SELECT pg_advisory_unlock_all()
