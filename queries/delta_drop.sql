-- Delta snapshots (kpi/store/deltas.py): the deltas' temporary table is no longer needed.
DROP TABLE IF EXISTS temp.delta
