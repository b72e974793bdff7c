-- Load a snapshot (kpi/store/database.py): whether any month's row lacks a plan (then its year's plan is
-- looked for, queries/load_facts_plan_fill.sql; a snapshot whose every row has its plan skips it).
SELECT count(*) FROM facts WHERE plan IS NULL AND length(period) > 4
