-- Load a snapshot (kpi/store/database.py): close the database just built (its file complete).
DETACH snap
