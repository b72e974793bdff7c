-- Read once per loaded snapshot by kpi/store/lookup.py: the figures regions and the nation published
-- themselves (their own rows of facts, as in queries/facts_published.sql, for every period and indicator).
SELECT f.unit, f.period, f.indicator, f.actual AS published
FROM units AS u
JOIN facts AS f ON f.unit = u.unit
WHERE u.level IN ('nation', 'region')
  AND f.actual IS NOT NULL
