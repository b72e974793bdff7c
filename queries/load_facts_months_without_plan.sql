-- Load a snapshot (kpi/store/database.py): whether any month's row lacks a plan (then the year's plans
-- are spread to the months, load_facts_plans.sql; a snapshot whose every row has its plan skips it).
SELECT count(*) FROM facts WHERE plan IS NULL AND length(period) > 4
