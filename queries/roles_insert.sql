-- A grant or a revocation (append-only), in the transaction that writes its audit row
INSERT INTO role_grants (email, role, unit, action, by_id, by_name, at)
VALUES (:email, :role, :unit, :action, :by_id, :by_name, :at)
