-- The edited texts of the Word report (kpi/store/report_texts.py): append-only versions per unit,
-- period, geography and domain ('' for the whole sector); the newest version wins. Portable SQL (SQLite and PostgreSQL).
CREATE TABLE IF NOT EXISTS report_texts (
    unit        TEXT    NOT NULL,
    period      TEXT    NOT NULL,
    geography   INTEGER NOT NULL,
    domain      TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    strengths   TEXT    NOT NULL,
    weaknesses  TEXT    NOT NULL,
    directions  TEXT    NOT NULL,
    proposals   TEXT    NOT NULL,
    author_id   TEXT    NOT NULL,
    author_name TEXT    NOT NULL,
    saved_at    TEXT    NOT NULL,
    snapshot    TEXT    NOT NULL,
    PRIMARY KEY (unit, period, geography, domain, version)
);
