SELECT seq, at, user_id, user_name, action, what, ids FROM audit_log ORDER BY seq
