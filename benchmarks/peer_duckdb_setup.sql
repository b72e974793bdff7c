-- The plain-DuckDB peer of bench_queries.py (benchmarks/query_peers.py): the small tables it is given,
-- copied once from the registered frames (the atom map with each target's number of atoms, the
-- catalogue, which figures compare with last year).
CREATE TABLE atoms AS SELECT * FROM atoms_frame;
CREATE TABLE catalogue AS SELECT * FROM catalogue_frame;
CREATE TABLE comparable AS SELECT * FROM comparable_frame;
