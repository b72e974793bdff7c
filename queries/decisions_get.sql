-- One locked award decision by its id (kpi.scoring.decisions.load_decision).
SELECT id, scorecard_name, scorecard_sha256, scorecard_text, snapshot_id, results, sensitivity, locked_by, locked_at
FROM decisions
WHERE id = :id
