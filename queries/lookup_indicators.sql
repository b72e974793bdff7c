-- Read once per loaded snapshot by kpi/store/lookup.py: how each indicator aggregates.
SELECT code, aggregation FROM indicators ORDER BY code
