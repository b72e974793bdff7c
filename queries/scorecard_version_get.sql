-- One saved scorecard version by the name it is listed as (dbscl-2025.v2.toml)
SELECT base, version, file_name, text, sha256, based_on, based_on_sha256, created_by, created_name, created_at
FROM scorecard_versions
WHERE file_name = :file_name
