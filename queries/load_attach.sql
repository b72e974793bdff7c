-- Load a snapshot (kpi/store/database.py): its own compressed in-memory database.
ATTACH ':memory:' AS snap (COMPRESS)
