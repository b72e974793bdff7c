-- The stored rows behind one unit's figures in one period: provenance for a displayed number.
-- Parameters: $units (atom unit keys), $period, $indicators.
SELECT f.indicator, f.unit, f.period, f.actual, f.plan, f.numerator, f.denominator, f.source, f.note
FROM facts AS f
WHERE list_contains($units, f.unit) AND f.period = $period AND list_contains($indicators, f.indicator)
ORDER BY f.indicator, f.unit
