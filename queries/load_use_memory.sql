-- Load a snapshot (kpi/store/database.py): leave the database just built (so that it can be detached).
USE memory
