-- Figures of target units (provinces, regions, the nation) for periods and indicators.
-- Each target is built from its atoms: the units that report at the period's date
-- (unit_atoms / target_cover, see kpi/geography.py). The sums here become figures in
-- kpi.formulas.aggregate_parts: counts summed, rates as sum(numerator)/sum(denominator).
-- Parameters: $targets (unit keys), $periods (period codes), $indicators (indicator codes).
WITH grid AS (
    SELECT c.target, c.generation, c.n_atoms, c.exact, p.period,
           i.code AS indicator, i.aggregation
    FROM target_cover AS c
    JOIN periods AS p ON p.generation = c.generation
    CROSS JOIN indicators AS i
    WHERE list_contains($targets, c.target)
      AND list_contains($periods, p.period)
      AND list_contains($indicators, i.code)
),
parts AS (
    SELECT g.target, g.period, g.indicator,
           f.actual, f.plan, f.numerator, f.denominator, f.source
    FROM grid AS g
    JOIN unit_atoms AS a ON a.target = g.target AND a.generation = g.generation
    JOIN facts AS f ON f.unit = a.atom AND f.period = g.period AND f.indicator = g.indicator
)
SELECT g.target AS unit, g.period, g.indicator, g.aggregation, g.n_atoms, g.exact,
       count(p.actual)       AS n_actual,
       count(p.plan)         AS n_plan,
       count(p.numerator)    AS n_num,
       count(p.denominator)  AS n_den,
       sum(p.actual)         AS sum_actual,
       sum(p.plan)           AS sum_plan,
       sum(p.numerator)      AS sum_num,
       sum(p.denominator)    AS sum_den,
       any_value(p.actual)   AS one_actual,
       any_value(p.plan)     AS one_plan,
       string_agg(DISTINCT p.source, '; ' ORDER BY p.source) AS sources
FROM grid AS g
LEFT JOIN parts AS p USING (target, period, indicator)
GROUP BY ALL
ORDER BY g.indicator, g.period, g.target
