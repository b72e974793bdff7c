-- Load a snapshot (kpi/store/database.py), after each year is inserted: a whole-year plan applies to
-- every cumulative period of its year (DESIGN 4.1). A 'YYYY-Mnn' row without a plan takes the plan,
-- plan_kind and plan_high of the unit's 'YYYY' row. $year: 'YYYY'. Updates the stored table
-- (facts_coded, queries/load_facts_create.sql).
UPDATE facts_coded AS f
SET plan = w.plan, plan_kind = w.plan_kind, plan_high = w.plan_high
FROM (
    SELECT unit, indicator, plan, plan_kind, plan_high
    FROM facts_coded
    WHERE period::VARCHAR = $year AND plan IS NOT NULL
) AS w
WHERE left(f.period::VARCHAR, 4) = $year AND f.period::VARCHAR <> $year AND f.plan IS NULL
  AND f.unit = w.unit AND f.indicator = w.indicator
