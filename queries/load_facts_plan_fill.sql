-- Load a snapshot (kpi/store/database.py): a whole-year plan applies to every cumulative period of its
-- year (DESIGN 4.1). A 'YYYY-Mnn' row without a plan takes the plan, plan_kind and plan_high of the
-- unit's 'YYYY' row: those rows, so completed, become overrides of the file's (replacing a delta's row
-- of the same key; queries/load_facts_create.sql). Reads the view facts (the deltas applied).
CREATE OR REPLACE TEMP TABLE plan_filled AS
SELECT m.* REPLACE (y.plan AS plan, y.plan_kind AS plan_kind, y.plan_high AS plan_high)
FROM facts AS m
JOIN (SELECT unit, indicator, period AS year, plan, plan_kind, plan_high
      FROM facts WHERE length(period) = 4 AND plan IS NOT NULL) AS y
  ON y.unit = m.unit AND y.indicator = m.indicator AND y.year = left(m.period, 4)
WHERE m.plan IS NULL AND length(m.period) > 4;
DELETE FROM fact_overrides AS o USING temp.plan_filled AS p
WHERE o.indicator = p.indicator AND o.unit = p.unit AND o.period = p.period;
INSERT INTO fact_overrides BY NAME SELECT * FROM temp.plan_filled;
DROP TABLE temp.plan_filled;
