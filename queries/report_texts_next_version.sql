SELECT COALESCE(MAX(version), 0) + 1 AS version
FROM report_texts
WHERE unit = :unit AND period = :period AND geography = :geography AND domain = :domain
