-- The snapshot catalogue, the audit log, the award decisions, users' roles and sign-ins (DESIGN section 10) on PostgreSQL
-- (KPI_CATALOGUE): the same tables and the same append-only rules as catalogue_schema.sql, the
-- triggers as PL/pgSQL functions. Idempotent: run on every first connection of a process, under
-- the schema lock (catalogue_schema_lock.pg.sql).
CREATE TABLE IF NOT EXISTS catalogue_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

CREATE TABLE IF NOT EXISTS snapshots (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,
    parent      TEXT,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    created_by  TEXT NOT NULL,
    author_name TEXT,
    created_at  TEXT NOT NULL,
    note        TEXT,
    files       TEXT NOT NULL,
    units       TEXT,
    decided_by  TEXT,
    decided_at  TEXT,
    comment     TEXT
);

CREATE TABLE IF NOT EXISTS audit_log (
    seq       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    user_name TEXT,
    action    TEXT NOT NULL,
    what      TEXT,
    ids       TEXT
);

CREATE TABLE IF NOT EXISTS decisions (
    id               TEXT PRIMARY KEY,
    scorecard_name   TEXT,
    scorecard_sha256 TEXT,
    scorecard_text   TEXT,
    snapshot_id      TEXT,
    results          TEXT,
    sensitivity      TEXT,
    locked_by        TEXT,
    locked_at        TEXT
);

-- a refusal with the trigger's message (its first argument), as SQLite's RAISE(ABORT, ...)
CREATE OR REPLACE FUNCTION kpi_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'integrity_constraint_violation';
END
$$;

CREATE OR REPLACE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('snapshots are never deleted from the catalogue');

CREATE OR REPLACE TRIGGER snapshots_no_truncate BEFORE TRUNCATE ON snapshots
FOR EACH STATEMENT EXECUTE FUNCTION kpi_refuse('snapshots are never deleted from the catalogue');

CREATE OR REPLACE TRIGGER snapshots_decided_once BEFORE UPDATE ON snapshots
FOR EACH ROW WHEN (OLD.state <> 'pending' OR NEW.state = 'pending' OR NEW.id <> OLD.id OR NEW.seq <> OLD.seq
    OR NEW.files <> OLD.files OR NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at
    OR NEW.parent IS DISTINCT FROM OLD.parent)
EXECUTE FUNCTION kpi_refuse('only a pending snapshot is decided, once');

CREATE OR REPLACE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('audit_log is append-only');

CREATE OR REPLACE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('audit_log is append-only');

CREATE OR REPLACE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION kpi_refuse('audit_log is append-only');

CREATE OR REPLACE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('decisions are append-only');

CREATE OR REPLACE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('decisions are append-only');

CREATE OR REPLACE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
FOR EACH STATEMENT EXECUTE FUNCTION kpi_refuse('decisions are append-only');

-- users and roles (DESIGN section 10): grants and revocations, append-only like the audit log; a
-- person's current roles are the latest row of each (email, role, unit) whose action is 'grant'
CREATE TABLE IF NOT EXISTS role_grants (
    seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email    TEXT NOT NULL,
    role     TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',
    action   TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
    by_id    TEXT NOT NULL,
    by_name  TEXT,
    at       TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS role_grants_key ON role_grants (email, role, unit, seq);

CREATE OR REPLACE TRIGGER role_grants_no_update BEFORE UPDATE ON role_grants
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('role_grants is append-only');

CREATE OR REPLACE TRIGGER role_grants_no_delete BEFORE DELETE ON role_grants
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('role_grants is append-only');

CREATE OR REPLACE TRIGGER role_grants_no_truncate BEFORE TRUNCATE ON role_grants
FOR EACH STATEMENT EXECUTE FUNCTION kpi_refuse('role_grants is append-only');

-- one row per id_token (its subject and `iat`): replicas recording the same sign-in write one row
CREATE TABLE IF NOT EXISTS sign_ins (
    user_id   TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (user_id, issued_at)
);

-- scorecard versions saved by the award committee (kpi/scoring/versions.py), append-only
CREATE TABLE IF NOT EXISTS scorecard_versions (
    base            TEXT NOT NULL,
    version         INTEGER NOT NULL,
    file_name       TEXT NOT NULL UNIQUE,
    text            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    based_on        TEXT NOT NULL,
    based_on_sha256 TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_name    TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (base, version)
);

CREATE OR REPLACE TRIGGER scorecard_versions_no_update BEFORE UPDATE ON scorecard_versions
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('scorecard_versions is append-only');

CREATE OR REPLACE TRIGGER scorecard_versions_no_delete BEFORE DELETE ON scorecard_versions
FOR EACH ROW EXECUTE FUNCTION kpi_refuse('scorecard_versions is append-only');

CREATE OR REPLACE TRIGGER scorecard_versions_no_truncate BEFORE TRUNCATE ON scorecard_versions
FOR EACH STATEMENT EXECUTE FUNCTION kpi_refuse('scorecard_versions is append-only');
