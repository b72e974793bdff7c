-- A new scorecard version (append-only), in the transaction that writes its audit row. A version
-- someone else saved first under the same key (or name) inserts nothing (rowcount 0): the caller
-- takes the next number (kpi.scoring.versions.save_version)
INSERT INTO scorecard_versions (base, version, file_name, text, sha256, based_on, based_on_sha256, created_by,
                                created_name, created_at)
VALUES (:base, :version, :file_name, :text, :sha256, :based_on, :based_on_sha256, :created_by, :created_name, :created_at)
ON CONFLICT DO NOTHING
