-- Read once per loaded snapshot by kpi/store/lookup.py: the generation of every period.
SELECT period, generation FROM periods ORDER BY period
