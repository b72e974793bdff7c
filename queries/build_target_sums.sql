-- Run once when a snapshot is loaded (kpi/store.py): the sums behind every unit made of several
-- atoms (a region, the nation, a post-merger province before 1 July 2025), per period and indicator.
-- An atom counts only in periods of its own generation (periods.generation).
CREATE TABLE target_sums AS
SELECT a.target, a.generation, f.period, f.indicator,
       count(f.actual)       AS n_actual,
       count(f.plan)         AS n_plan,
       count(f.numerator)    AS n_num,
       count(f.denominator)  AS n_den,
       count(f.plan) FILTER (WHERE coalesce(f.plan_kind, 'level') = 'level') AS n_plan_level,
       sum(f.actual)         AS sum_actual,
       sum(f.plan)           AS sum_plan,
       sum(f.numerator)      AS sum_num,
       sum(f.denominator)    AS sum_den,
       string_agg(DISTINCT f.source, '; ' ORDER BY f.source) AS sources,
       string_agg(DISTINCT f.note, '; ' ORDER BY f.note) AS notes,
       string_agg(DISTINCT f.estimate_status, ';' ORDER BY f.estimate_status) AS estimate_statuses
FROM unit_atoms AS a
JOIN target_cover AS c ON c.target = a.target AND c.generation = a.generation AND c.n_atoms > 1
JOIN periods AS p ON p.generation = a.generation
JOIN facts AS f ON f.unit = a.atom AND f.period = p.period
GROUP BY ALL
ORDER BY a.target, f.period, f.indicator
