-- Lock an award decision (kpi.scoring.decisions.lock_decision): append-only, never updated
-- (triggers decisions_no_update / decisions_no_delete in catalogue_schema.sql).
INSERT INTO decisions (id, scorecard_name, scorecard_sha256, scorecard_text, snapshot_id, results, sensitivity,
                       locked_by, locked_at)
VALUES (:id, :scorecard_name, :scorecard_sha256, :scorecard_text, :snapshot_id, :results, :sensitivity,
        :locked_by, :locked_at)
