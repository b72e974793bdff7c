-- One person's current grants (kpi.access.roles): as roles_current, for one e-mail address (lower case)
SELECT g.email, g.role, g.unit, g.by_id, g.by_name, g.at
FROM role_grants AS g
WHERE g.email = :email
  AND g.action = 'grant'
  AND g.seq = (SELECT MAX(h.seq) FROM role_grants AS h
               WHERE h.email = g.email AND h.role = g.role AND h.unit = g.unit)
ORDER BY g.role, g.unit
