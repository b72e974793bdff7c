-- Every saved scorecard version (kpi/scoring/versions.py), by base name and version
SELECT base, version, file_name, text, sha256, based_on, based_on_sha256, created_by, created_name, created_at
FROM scorecard_versions
ORDER BY base, version
