-- Every recorded id_token, oldest first (copying a catalogue)
SELECT user_id, issued_at, at FROM sign_ins ORDER BY at, user_id
