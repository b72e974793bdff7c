-- A catalogue's random identity, written by its first writing transaction and never changed: a catalogue
-- made afresh at the same place counts its versions again from 1, under another identity
INSERT INTO catalogue_meta (key, value) VALUES (:key, :value)
ON CONFLICT (key) DO NOTHING
