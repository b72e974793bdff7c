-- The current grants (kpi.access.roles): the latest row of each (email, role, unit) when it is a grant
SELECT g.email, g.role, g.unit, g.by_id, g.by_name, g.at
FROM role_grants AS g
WHERE g.action = 'grant'
  AND g.seq = (SELECT MAX(h.seq) FROM role_grants AS h
               WHERE h.email = g.email AND h.role = g.role AND h.unit = g.unit)
ORDER BY g.email, g.role, g.unit
