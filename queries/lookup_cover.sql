-- Read once per loaded snapshot by kpi/store/lookup.py: every target's cover per generation (as in
-- queries/facts_aggregate.sql's grid) and, for a target of one atom, that atom.
SELECT c.target, c.generation, c.n_atoms, c.exact, a.atom
FROM target_cover AS c
LEFT JOIN unit_atoms AS a
  ON a.target = c.target AND a.generation = c.generation AND c.n_atoms = 1
ORDER BY c.target, c.generation
