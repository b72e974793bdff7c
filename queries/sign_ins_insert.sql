-- One sign-in per id_token: a second replica (or tab) recording the same one inserts nothing
-- (rowcount 0), and then writes no audit row (kpi.access.audit.record_sign_in)
INSERT INTO sign_ins (user_id, issued_at, at) VALUES (:user_id, :issued_at, :at)
ON CONFLICT (user_id, issued_at) DO NOTHING
