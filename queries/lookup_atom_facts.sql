-- Read by kpi/store/lookup.py the first time a target of one atom is asked for: that atom's own rows
-- of facts (what queries/facts_aggregate.sql's `single` part joins), kept for the next questions.
-- Parameters: $atoms (unit keys).
SELECT unit, period, indicator, actual, plan, plan_kind, plan_high, numerator, denominator,
       source, note, estimate_status
FROM facts
WHERE list_contains($atoms, unit)
