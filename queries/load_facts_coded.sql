-- Load a snapshot (kpi/store/database.py): the names queries/lookup_published.sql reads (from when the
-- facts were stored with ENUM codes): the view facts_coded, the same rows and columns as facts, and the
-- type fact_unit, an ENUM of the units table's keys. Its join `f.unit = TRY_CAST(u.unit AS fact_unit)`
-- compares as VARCHAR, the cast made on the units' side.
CREATE TYPE fact_unit AS ENUM (SELECT DISTINCT unit FROM units WHERE unit IS NOT NULL ORDER BY unit);
CREATE VIEW facts_coded AS SELECT * FROM facts;
