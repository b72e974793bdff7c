-- Load a snapshot (kpi/store/database.py): every period code present in the facts.
SELECT DISTINCT period FROM facts ORDER BY period
