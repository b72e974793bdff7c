-- PostgreSQL: the catalogue exists once its snapshots table does
SELECT to_regclass('snapshots') IS NOT NULL AS present
