-- Load a snapshot (kpi/store/database.py) whose overrides are too many for an anti-join on every read
-- (months without their plan across a large file, database.OVERRIDES_MAX): the facts written once into
-- the snapshot's database (facts_stored), and the view facts reads that table instead.
CREATE TABLE facts_stored AS SELECT * FROM facts;
CREATE OR REPLACE VIEW facts AS SELECT * FROM facts_stored;
DELETE FROM fact_overrides;
