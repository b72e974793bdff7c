-- Delta snapshots (kpi/store/deltas.py): the rows a chain of deltas upserts, the newest delta winning
-- on (indicator, unit, period). $paths: the delta files, oldest first (their position is their order).
-- Held as a temporary table: the deltas are small beside their base (compaction keeps them so).
CREATE OR REPLACE TEMP TABLE delta AS
SELECT * EXCLUDE (filename)
FROM read_parquet($paths, filename = true, union_by_name = true)
QUALIFY row_number() OVER (PARTITION BY indicator, unit, period
                           ORDER BY list_position($paths, filename) DESC) = 1
