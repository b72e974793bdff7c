UPDATE snapshots SET state = :state, decided_by = :decided_by, decided_at = :decided_at, comment = :comment
WHERE id = :id AND state = 'pending'
