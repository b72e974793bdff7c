-- Figures of target units (provinces, regions, the nation) for periods and indicators.
-- Each target is built from its atoms: the units that report at the period's date
-- (unit_atoms / target_cover, see kpi/geography.py). A target of one atom reads its own row of
-- facts; a target of several reads the sums prepared at load time (build_target_sums.sql).
-- kpi.formulas.aggregate_parts turns the sums into figures: counts summed, rates as
-- sum(numerator)/sum(denominator). A target of one atom keeps its plan's kind (plan_kind, plan_high);
-- over several atoms only level plans are summed (n_plan_level counts them).
-- sources, notes, estimate_statuses: of the one atom, or the distinct ones of several joined ('; ', ';').
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
single AS (
    SELECT g.target, g.period, g.indicator,
           (f.actual IS NOT NULL)::INTEGER      AS n_actual,
           (f.plan IS NOT NULL)::INTEGER        AS n_plan,
           (f.numerator IS NOT NULL)::INTEGER   AS n_num,
           (f.denominator IS NOT NULL)::INTEGER AS n_den,
           (f.plan IS NOT NULL AND coalesce(f.plan_kind, 'level') = 'level')::INTEGER AS n_plan_level,
           f.actual AS sum_actual, f.plan AS sum_plan, f.numerator AS sum_num, f.denominator AS sum_den,
           f.actual AS one_actual, f.plan AS one_plan, f.plan_kind AS one_plan_kind,
           f.plan_high AS one_plan_high, f.source AS sources, f.note AS notes, f.estimate_status AS estimate_statuses
    FROM grid AS g
    JOIN unit_atoms AS a ON a.target = g.target AND a.generation = g.generation
    JOIN facts AS f ON f.unit = a.atom AND f.period = g.period AND f.indicator = g.indicator
    WHERE g.n_atoms = 1
      AND list_contains($periods, f.period)
      AND list_contains($indicators, f.indicator)
),
several AS (
    SELECT s.target, s.period, s.indicator, s.n_actual, s.n_plan, s.n_num, s.n_den, s.n_plan_level,
           s.sum_actual, s.sum_plan, s.sum_num, s.sum_den,
           NULL::DOUBLE AS one_actual, NULL::DOUBLE AS one_plan, NULL::VARCHAR AS one_plan_kind,
           NULL::DOUBLE AS one_plan_high, s.sources, s.notes, s.estimate_statuses
    FROM grid AS g
    JOIN target_sums AS s
      ON s.target = g.target AND s.generation = g.generation AND s.period = g.period
     AND s.indicator = g.indicator
    WHERE g.n_atoms > 1
),
parts AS (
    SELECT * FROM single
    UNION ALL
    SELECT * FROM several
)
SELECT g.target AS unit, g.period, g.indicator, g.aggregation, g.n_atoms, g.exact,
       coalesce(p.n_actual, 0) AS n_actual,
       coalesce(p.n_plan, 0)   AS n_plan,
       coalesce(p.n_num, 0)    AS n_num,
       coalesce(p.n_den, 0)    AS n_den,
       coalesce(p.n_plan_level, 0) AS n_plan_level,
       p.sum_actual, p.sum_plan, p.sum_num, p.sum_den, p.one_actual, p.one_plan, p.one_plan_kind, p.one_plan_high,
       p.sources, p.notes, p.estimate_statuses
FROM grid AS g
LEFT JOIN parts AS p USING (target, period, indicator)
ORDER BY g.indicator, g.period, g.target
