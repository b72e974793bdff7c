INSERT INTO audit_log (at, user_id, user_name, action, what, ids)
VALUES (:at, :user_id, :user_name, :action, :what, :ids)
