-- Every grant and revocation, oldest first (copying a catalogue)
SELECT seq, email, role, unit, action, by_id, by_name, at FROM role_grants ORDER BY seq
