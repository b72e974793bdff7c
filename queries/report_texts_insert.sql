INSERT INTO report_texts (unit, period, geography, domain, version, strengths, weaknesses, directions, proposals,
                          author_id, author_name, saved_at, snapshot)
VALUES (:unit, :period, :geography, :domain, :version, :strengths, :weaknesses, :directions, :proposals,
        :author_id, :author_name, :saved_at, :snapshot)
