-- Read once per loaded snapshot by kpi/store/lookup.py: the figures regions and the nation published
-- themselves (their own rows of facts, as in queries/facts_published.sql, for every period and indicator).
-- It reads the stored table (facts_coded, queries/load_facts_create.sql) joined on the unit's ENUM code,
-- so that the join's filter on the few units skips the facts' row groups as on VARCHAR columns (through
-- the view facts it scans them all), and returns the texts as VARCHAR, as the view does.
SELECT f.unit::VARCHAR AS unit, f.period::VARCHAR AS period, f.indicator::VARCHAR AS indicator,
       f.actual AS published
FROM units AS u
JOIN facts_coded AS f ON f.unit = TRY_CAST(u.unit AS fact_unit)
WHERE u.level IN ('nation', 'region')
  AND f.actual IS NOT NULL
