-- seq: the next commit number, inside the writing transaction (BEGIN IMMEDIATE)
INSERT INTO snapshots (id, seq, parent, state, created_by, author_name, created_at, note, files, units,
                       decided_by, decided_at, comment)
VALUES (:id, (SELECT COALESCE(MAX(seq), 0) + 1 FROM snapshots), :parent, :state, :created_by, :author_name,
        :created_at, :note, :files, :units, :decided_by, :decided_at, :comment)
