-- The plain-DuckDB peer of bench_queries.py (benchmarks/query_peers.py): one page's question answered
-- straight from the Parquet file, no precomputation: read_parquet (period and indicator filters pushed
-- down), join with the atom map, group by, the project's figure rules, last year joined in SQL.
-- Parameters: $path, $targets, $indicators, $wanted (asked periods and last year's), $current and
-- $previous (each asked period and its same period last year, in step).
WITH facts AS (
    SELECT unit, period, indicator, actual, plan, numerator, denominator
    FROM read_parquet($path)
    WHERE list_contains($wanted, period) AND list_contains($indicators, indicator)
),
sums AS (
    SELECT a.target, f.period, f.indicator, any_value(a.n_atoms) AS n_atoms,
           count(f.actual) AS n_actual, count(f.plan) AS n_plan,
           count(f.numerator) AS n_num, count(f.denominator) AS n_den,
           sum(f.actual) AS sum_actual, sum(f.plan) AS sum_plan,
           sum(f.numerator) AS sum_num, sum(f.denominator) AS sum_den
    FROM facts AS f
    JOIN atoms AS a ON a.atom = f.unit
    WHERE list_contains($targets, a.target)
    GROUP BY a.target, f.period, f.indicator
),
figures AS (
    SELECT s.target, s.period, s.indicator, c.direction,
           CASE WHEN c.aggregation = 'sum' AND s.n_actual > 0 THEN s.sum_actual
                WHEN c.aggregation = 'ratio' AND s.n_num = s.n_atoms AND s.n_den = s.n_atoms AND s.sum_den > 0
                THEN s.sum_num / s.sum_den * 100 END AS actual,
           CASE WHEN c.aggregation = 'sum' AND s.n_plan = s.n_atoms THEN s.sum_plan END AS plan,
           s.n_actual = s.n_atoms AS all_actual
    FROM sums AS s
    JOIN catalogue AS c ON c.code = s.indicator
),
steps AS (
    SELECT unnest($current) AS period, unnest($previous) AS prev_period
),
answer AS (
    SELECT n.target AS unit, n.period, n.indicator, n.actual, n.plan, n.direction,
           n.actual IS NOT NULL AND n.all_actual AS complete,
           CASE WHEN k.comparable AND l.actual IS NOT NULL AND l.all_actual THEN l.actual END AS previous
    FROM figures AS n
    JOIN steps AS st ON st.period = n.period
    LEFT JOIN figures AS l ON l.target = n.target AND l.indicator = n.indicator AND l.period = st.prev_period
    LEFT JOIN comparable AS k ON k.unit = n.target AND k.period = n.period AND k.indicator = n.indicator
)
SELECT unit, period, indicator, actual, plan, previous,
       CASE WHEN complete AND plan IS NOT NULL THEN
            CASE WHEN direction < 0 THEN
                 CASE WHEN actual > 0 AND plan >= 0 THEN plan / actual * 100
                      WHEN actual = 0 AND plan > 0 THEN 'inf'::DOUBLE
                      WHEN actual = 0 AND plan = 0 THEN 100.0 END
            ELSE CASE WHEN plan > 0 AND actual >= 0 THEN actual / plan * 100 END END
       END AS achievement_pct,
       CASE WHEN previous IS NOT NULL AND previous <> 0 THEN (actual / previous - 1) * 100 END AS change_pct
FROM answer
