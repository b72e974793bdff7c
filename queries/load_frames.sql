-- Load a snapshot (kpi/store/database.py): the atom map and the periods, from the DataFrames the
-- loader registers as unit_atoms_frame, target_cover_frame and periods_frame.
CREATE TABLE unit_atoms AS SELECT * FROM unit_atoms_frame;
CREATE TABLE target_cover AS SELECT * FROM target_cover_frame;
CREATE TABLE periods AS SELECT * FROM periods_frame;
