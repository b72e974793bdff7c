-- Every connection: wait for a writer instead of failing at once; write-ahead log (readers never
-- block the one writer, and never see half a transaction).
PRAGMA busy_timeout = 120000;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
