-- Run once when a snapshot is loaded (kpi/store/database.py): the sums behind every unit made of
-- several atoms (a region, the nation, a post-merger province before 1 July 2025), per period and
-- indicator. An atom counts only in periods of its own generation (periods.generation).
--
-- In one pass over the facts (the view facts: the snapshot's Parquet file, queries/load_facts_view.sql):
-- atoms that count towards the same targets in a generation form a class (the communes of one
-- province: that province, its region, the nation); the facts are summed per class, period, indicator
-- and text (source, note, estimate status: a few distinct values), a hash aggregate of a few thousand
-- groups, and the class sums are then summed per target. The same counts, sums and texts as joining
-- every fact to every target it counts towards, without the (facts x targets) rows in between.
--
-- Sums are exact and do not depend on the order DuckDB's threads add in: each value is taken as a
-- DECIMAL(38, 12) (a figure to 12 decimals, far beyond any shown; an import reads 15 significant digits, as Excel
-- shows), summed in integer arithmetic, and made a DOUBLE once, at the end. So a rebuild of the same
-- snapshot gives the same bits (doubles summed in parallel may differ in the last bit).
-- A sum holding a value of 1e16 or more in magnitude, an infinity or NaN (no import accepts one; a
-- snapshot written by other means may hold one) is summed as doubles instead, as before: such a value
-- has no DECIMAL, and the pages show what the doubles give (an infinity, a missing figure).
CREATE OR REPLACE TEMP TABLE target_atoms AS
SELECT a.target, a.generation, a.atom
FROM unit_atoms AS a
JOIN target_cover AS c ON c.target = a.target AND c.generation = a.generation AND c.n_atoms > 1;

CREATE OR REPLACE TEMP TABLE atom_class AS
SELECT atom, generation, dense_rank() OVER (ORDER BY generation, targets) AS class
FROM (SELECT atom, generation, string_agg(target, chr(31) ORDER BY target) AS targets
      FROM temp.target_atoms GROUP BY atom, generation);

CREATE OR REPLACE TEMP TABLE class_targets AS
SELECT DISTINCT c.class, t.target, t.generation
FROM temp.atom_class AS c
JOIN temp.target_atoms AS t ON t.atom = c.atom AND t.generation = c.generation;

CREATE OR REPLACE TEMP TABLE class_sums AS
SELECT c.class, f.period, f.indicator, f.source, f.note, f.estimate_status,
       count(f.actual)       AS n_actual,
       count(f.plan)         AS n_plan,
       count(f.numerator)    AS n_num,
       count(f.denominator)  AS n_den,
       count(f.plan) FILTER (WHERE coalesce(f.plan_kind, 'level') = 'level') AS n_plan_level,
       sum(CASE WHEN abs(f.actual) < 1e16 THEN f.actual::DECIMAL(38, 12) END) AS exact_actual,
       count(f.actual) FILTER (WHERE NOT abs(f.actual) < 1e16) AS n_wide_actual,
       sum(f.actual) AS double_actual,
       sum(CASE WHEN abs(f.plan) < 1e16 THEN f.plan::DECIMAL(38, 12) END) AS exact_plan,
       count(f.plan) FILTER (WHERE NOT abs(f.plan) < 1e16) AS n_wide_plan,
       sum(f.plan) AS double_plan,
       sum(CASE WHEN abs(f.numerator) < 1e16 THEN f.numerator::DECIMAL(38, 12) END) AS exact_num,
       count(f.numerator) FILTER (WHERE NOT abs(f.numerator) < 1e16) AS n_wide_num,
       sum(f.numerator) AS double_num,
       sum(CASE WHEN abs(f.denominator) < 1e16 THEN f.denominator::DECIMAL(38, 12) END) AS exact_den,
       count(f.denominator) FILTER (WHERE NOT abs(f.denominator) < 1e16) AS n_wide_den,
       sum(f.denominator) AS double_den
FROM facts AS f
JOIN periods AS p ON p.period = f.period
JOIN temp.atom_class AS c ON c.atom = f.unit AND c.generation = p.generation
GROUP BY ALL;

CREATE TABLE target_sums AS
SELECT t.target, t.generation, s.period, s.indicator,
       sum(s.n_actual)::BIGINT      AS n_actual,
       sum(s.n_plan)::BIGINT        AS n_plan,
       sum(s.n_num)::BIGINT         AS n_num,
       sum(s.n_den)::BIGINT         AS n_den,
       sum(s.n_plan_level)::BIGINT  AS n_plan_level,
       CASE WHEN sum(s.n_wide_actual) > 0 THEN sum(s.double_actual)
            ELSE sum(s.exact_actual)::DOUBLE END AS sum_actual,
       CASE WHEN sum(s.n_wide_plan) > 0 THEN sum(s.double_plan)
            ELSE sum(s.exact_plan)::DOUBLE END AS sum_plan,
       CASE WHEN sum(s.n_wide_num) > 0 THEN sum(s.double_num)
            ELSE sum(s.exact_num)::DOUBLE END AS sum_num,
       CASE WHEN sum(s.n_wide_den) > 0 THEN sum(s.double_den)
            ELSE sum(s.exact_den)::DOUBLE END AS sum_den,
       string_agg(DISTINCT s.source, '; ' ORDER BY s.source) AS sources,
       string_agg(DISTINCT s.note, '; ' ORDER BY s.note) AS notes,
       string_agg(DISTINCT s.estimate_status, ';' ORDER BY s.estimate_status) AS estimate_statuses
FROM temp.class_sums AS s
JOIN temp.class_targets AS t ON t.class = s.class
GROUP BY t.target, t.generation, s.period, s.indicator
ORDER BY t.target, s.period, s.indicator;

DROP TABLE temp.class_sums;
DROP TABLE temp.class_targets;
DROP TABLE temp.atom_class;
DROP TABLE temp.target_atoms;
