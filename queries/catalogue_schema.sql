-- The snapshot catalogue, the audit log, the award decisions, users' roles and sign-ins (DESIGN section 10), in the data
-- folder's catalogue.sqlite. Idempotent: run on every first connection of a process.
CREATE TABLE IF NOT EXISTS catalogue_meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- one row per committed snapshot; a snapshot folder without a row here is not a snapshot
CREATE TABLE IF NOT EXISTS snapshots (
    id          TEXT PRIMARY KEY,
    seq         INTEGER NOT NULL UNIQUE,        -- commit order: the head is the highest non-rejected seq
    parent      TEXT,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    created_by  TEXT NOT NULL,                  -- the user id who committed it
    author_name TEXT,
    created_at  TEXT NOT NULL,
    note        TEXT,
    files       TEXT NOT NULL,                  -- JSON: file name -> SHA-256
    units       TEXT,                           -- JSON: the units an import wrote (approver scope)
    decided_by  TEXT,
    decided_at  TEXT,
    comment     TEXT
);

-- a snapshot is never deleted, and only a pending one changes, once, to approved or rejected
CREATE TRIGGER IF NOT EXISTS snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'snapshots are never deleted from the catalogue');
END;

CREATE TRIGGER IF NOT EXISTS snapshots_decided_once BEFORE UPDATE ON snapshots
WHEN OLD.state <> 'pending' OR NEW.state = 'pending' OR NEW.id <> OLD.id OR NEW.seq <> OLD.seq
    OR NEW.files <> OLD.files OR NEW.created_by <> OLD.created_by OR NEW.created_at <> OLD.created_at
    OR NEW.parent IS NOT OLD.parent
BEGIN
    SELECT RAISE(ABORT, 'only a pending snapshot is decided, once');
END;

CREATE TABLE IF NOT EXISTS audit_log (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    user_name TEXT,
    action    TEXT NOT NULL,
    what      TEXT,
    ids       TEXT                              -- JSON list of the ids involved
);

CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE IF NOT EXISTS decisions (
    id               TEXT PRIMARY KEY,
    scorecard_name   TEXT,
    scorecard_sha256 TEXT,
    scorecard_text   TEXT,
    snapshot_id      TEXT,
    results          TEXT,                      -- JSON
    sensitivity      TEXT,                      -- JSON
    locked_by        TEXT,
    locked_at        TEXT
);

CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only');
END;

-- users and roles (DESIGN section 10): grants and revocations, append-only like the audit log; a
-- person's current roles are the latest row of each (email, role, unit) whose action is 'grant'
CREATE TABLE IF NOT EXISTS role_grants (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    email    TEXT NOT NULL,                     -- lower case
    role     TEXT NOT NULL,
    unit     TEXT NOT NULL DEFAULT '',          -- the unit key the role is limited to; '' for every unit
    action   TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
    by_id    TEXT NOT NULL,                     -- who granted or revoked it
    by_name  TEXT,
    at       TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS role_grants_key ON role_grants (email, role, unit, seq);

CREATE TRIGGER IF NOT EXISTS role_grants_no_update BEFORE UPDATE ON role_grants
BEGIN
    SELECT RAISE(ABORT, 'role_grants is append-only');
END;

CREATE TRIGGER IF NOT EXISTS role_grants_no_delete BEFORE DELETE ON role_grants
BEGIN
    SELECT RAISE(ABORT, 'role_grants is append-only');
END;

-- one row per id_token (its subject and `iat`): replicas recording the same sign-in write one row
CREATE TABLE IF NOT EXISTS sign_ins (
    user_id   TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    at        TEXT NOT NULL,
    PRIMARY KEY (user_id, issued_at)
);

-- scorecard versions saved by the award committee (kpi/scoring/versions.py), append-only like the
-- audit log: one row per (base name, version), its exact TOML text and SHA-256, the version it was
-- based on (name and SHA-256), who saved it and when
CREATE TABLE IF NOT EXISTS scorecard_versions (
    base            TEXT NOT NULL,              -- the scorecard's name without .vN.toml (dbscl-2025)
    version         INTEGER NOT NULL,
    file_name       TEXT NOT NULL UNIQUE,       -- how it is listed and referred to: dbscl-2025.v2.toml
    text            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    based_on        TEXT NOT NULL,
    based_on_sha256 TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_name    TEXT,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (base, version)
);

CREATE TRIGGER IF NOT EXISTS scorecard_versions_no_update BEFORE UPDATE ON scorecard_versions
BEGIN
    SELECT RAISE(ABORT, 'scorecard_versions is append-only');
END;

CREATE TRIGGER IF NOT EXISTS scorecard_versions_no_delete BEFORE DELETE ON scorecard_versions
BEGIN
    SELECT RAISE(ABORT, 'scorecard_versions is append-only');
END;
