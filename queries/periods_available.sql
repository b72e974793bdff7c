-- Periods that hold at least one actual figure, newest first, with the generation in force.
SELECT p.period, p.year, p.months, p.generation, count(f.actual) AS n_actual
FROM periods AS p
JOIN facts AS f USING (period)
GROUP BY ALL
HAVING count(f.actual) > 0
ORDER BY p.year DESC, p.months DESC
