SELECT id, seq, parent, state, created_by, author_name, created_at, note, files, units, decided_by, decided_at,
       comment
FROM snapshots
WHERE id = :id
