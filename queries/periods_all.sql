-- Every period present in the snapshot (with or without actual figures), newest first.
SELECT period, year, months, generation FROM periods ORDER BY year DESC, months DESC
