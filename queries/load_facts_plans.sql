-- Load a snapshot (kpi/store/database.py), once the facts are inserted: a whole-year plan applies to
-- every cumulative period of its year (DESIGN 4.1). A 'YYYY-Mnn' row without a plan takes the plan,
-- plan_kind and plan_high of the unit's 'YYYY' row (every year at once; load_facts_year_plans.sql
-- does one year). Updates the stored table (facts_coded, queries/load_facts_create.sql).
UPDATE facts_coded AS f
SET plan = w.plan, plan_kind = w.plan_kind, plan_high = w.plan_high
FROM (
    SELECT unit, indicator, period::VARCHAR AS year, plan, plan_kind, plan_high
    FROM facts_coded
    WHERE length(period::VARCHAR) = 4 AND plan IS NOT NULL
) AS w
WHERE f.plan IS NULL AND length(f.period::VARCHAR) > 4 AND left(f.period::VARCHAR, 4) = w.year
  AND f.unit = w.unit AND f.indicator = w.indicator
