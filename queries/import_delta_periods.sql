-- Import (kpi/store/deltas.py): the distinct periods of the deltas' rows (temp.delta), to count a chain.
SELECT DISTINCT period FROM temp.delta ORDER BY period
