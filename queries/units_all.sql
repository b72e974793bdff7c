-- The units of the snapshot (nation, regions, provinces of both generations, agencies).
SELECT * FROM units ORDER BY level, gso_code, unit
