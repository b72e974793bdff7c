-- Every locked award decision, newest first (kpi.scoring.decisions.list_decisions).
SELECT id, scorecard_name, scorecard_sha256, scorecard_text, snapshot_id, results, sensitivity, locked_by, locked_at
FROM decisions
ORDER BY locked_at DESC, id DESC
