-- Load a snapshot (kpi/store/database.py): write what was inserted in compressed form.
CHECKPOINT snap
