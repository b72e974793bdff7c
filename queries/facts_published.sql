-- Published figures of aggregate units: a region's or the whole country's own row of facts, as a
-- GSO table prints it (kept by the importer, issue 10). kpi/figures.py shows it as `published`
-- beside the figure computed from the provinces (which it never replaces).
-- Parameters: $targets (unit keys), $periods (period codes), $indicators (indicator codes).
SELECT f.unit, f.period, f.indicator, f.actual AS published
FROM units AS u
JOIN facts AS f ON f.unit = u.unit
WHERE u.level IN ('nation', 'region')
  AND list_contains($targets, u.unit)
  AND list_contains($periods, f.period)
  AND list_contains($indicators, f.indicator)
  AND f.actual IS NOT NULL
