-- The highest version saved of a scorecard (NULL when none)
SELECT MAX(version) AS version FROM scorecard_versions WHERE base = :base
