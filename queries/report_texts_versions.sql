SELECT unit, period, geography, domain, version, strengths, weaknesses, directions, proposals,
       author_id, author_name, saved_at, snapshot
FROM report_texts
WHERE unit = :unit AND period = :period AND geography = :geography AND domain = :domain
ORDER BY version DESC
