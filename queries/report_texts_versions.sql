SELECT unit, period, geography, version, strengths, weaknesses, directions, proposals,
       author_id, author_name, saved_at, snapshot
FROM report_texts
WHERE unit = :unit AND period = :period AND geography = :geography
ORDER BY version DESC
