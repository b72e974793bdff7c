-- the newest approved snapshot (what pages and kpi facts show by default)
SELECT id FROM snapshots WHERE state = 'approved' ORDER BY seq DESC LIMIT 1
