-- Reporting completeness (kpi/screens/reporting.py): in which snapshots of a chain an actual figure
-- of each target unit for the period is present, read from the facts files each snapshot wrote itself
-- (its full facts.parquet or its facts.delta.parquet; $paths: the chain, any order; the screen keeps
-- the oldest). A target counts from the first snapshot holding a figure of one of its atoms (the units that report at the period's date).
-- Parameters: $paths (facts.parquet files), $period (a period code), $targets (unit keys).
WITH seen AS (
    SELECT f.filename AS path, f.unit AS atom, count(*) AS n_figures
    FROM read_parquet($paths, filename = true, union_by_name = true) AS f
    WHERE f.period = $period AND f.actual IS NOT NULL
    GROUP BY ALL
)
SELECT c.target AS unit, s.path, sum(s.n_figures) AS n_figures
FROM target_cover AS c
JOIN periods AS p ON p.generation = c.generation AND p.period = $period
JOIN unit_atoms AS a ON a.target = c.target AND a.generation = c.generation
JOIN seen AS s ON s.atom = a.atom
WHERE list_contains($targets, c.target)
GROUP BY ALL
ORDER BY unit, path
