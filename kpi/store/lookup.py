"""A loaded snapshot's figures as a lookup: a page's question is a handful of dictionary gets and
array takes, not a query.

For each loaded snapshot (kpi.store.database) an index is prepared once, lazily on first use and
under a lock (sessions asking at once wait for one build), from the tables the snapshot holds:

- the cover of every target (target_cover, unit_atoms): per (target, generation) its number of
  atoms, whether they cover its territory exactly, and its one atom when it has one;
- the generation of every period (periods) and the aggregation of every indicator (indicators);
- the precomputed sums of every target of several atoms (target_sums, queries/lookup_sums.sql) as
  NumPy arrays with a dict of row positions keyed by (target, generation, period, indicator);
- the figures regions and the nation published themselves (queries/lookup_published.sql).

A target of one atom reads its atom's own rows of facts: they are read per atom on first use
(queries/lookup_atom_facts.sql) and kept (at most MAX_ATOM_ROWS rows, then started again), since
the whole facts table (millions of rows) is what the precomputed sums exist to avoid holding twice.

`grid()` answers exactly what queries/facts_aggregate.sql answers (same rows, same order, same
columns and values; tests/test_lookup.py checks them against each other): the SQL stays the
definition, the lookup is its fast path. The index is tied to the loaded database it was read from:
when the snapshot is evicted and loaded again it is rebuilt, and the indexes of snapshots no longer
loaded are dropped, and with an index what the layers above derived from it once (`derived()`:
kpi.figures' table of figures).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from kpi.store import database, queries
from kpi.store.snapshots import Snapshot

MAX_ATOM_ROWS = 1_000_000  # facts rows of single-atom targets kept per snapshot (about 100 MB at most)

COUNT_COLUMNS = ("n_actual", "n_plan", "n_num", "n_den", "n_plan_level")
SUM_COLUMNS = ("sum_actual", "sum_plan", "sum_num", "sum_den")
ONE_COLUMNS = ("one_actual", "one_plan", "one_plan_high")
TEXT_COLUMNS = ("sources", "notes", "estimate_statuses")
# the columns of queries/facts_aggregate.sql, in its order
COLUMNS = ("unit", "period", "indicator", "aggregation", "n_atoms", "exact", *COUNT_COLUMNS, *SUM_COLUMNS,
           "one_actual", "one_plan", "one_plan_kind", "one_plan_high", *TEXT_COLUMNS)


@dataclass(frozen=True)
class Grid:
    """The answer of one question: `parts` as queries/facts_aggregate.sql returns it (one row per
    target, period and indicator, ordered by indicator, period, target), and where each row sits in
    the question's grid: `targets`, `periods`, `indicators` (the distinct asked values that exist,
    sorted), per row their positions `t`, `p`, `i`, and `position[t, p, i]` the row (-1: none)."""
    parts: dict[str, np.ndarray]
    targets: list[str]
    periods: list[str]
    indicators: list[str]
    t: np.ndarray
    p: np.ndarray
    i: np.ndarray
    position: np.ndarray


@dataclass(eq=False)
class _Atoms:
    """Facts rows of single-atom targets read so far: arrays and (atom, period, indicator) -> row.
    Replaced as a whole when atoms are added (readers keep a consistent old one)."""
    read: frozenset = frozenset()
    rows: dict = field(default_factory=dict)
    arrays: dict = field(default_factory=dict)


@dataclass(eq=False)
class _Index:
    con: object                                # the loaded database it was read from
    cover: dict                                # (target, generation) -> (n_atoms, exact, atom or None)
    generation: dict                           # period -> generation
    aggregation: dict                          # indicator -> aggregation
    sums_targets: dict                         # target of several atoms -> its position in sums_at
    periods_at: dict                           # period -> its position in sums_at
    indicators_at: dict                        # indicator -> its position in sums_at
    sums_at: np.ndarray                        # [target, period, indicator] -> row of `sums` (-1: none)
    sums: dict                                 # column -> array
    published: dict                            # (unit, period, indicator) -> published figure
    several: dict                              # target with a cover -> no cover of it is a single atom
    atoms: _Atoms = field(default_factory=_Atoms)
    lock: threading.Lock = field(default_factory=threading.Lock)
    derived: dict = field(default_factory=dict)                  # key -> value built from this index (derived())
    derived_lock: threading.Lock = field(default_factory=threading.Lock)


_LOCK = threading.Lock()
_INDEXES: dict[Snapshot, _Index] = {}
_BUILDING: dict[Snapshot, threading.Lock] = {}


def _read(snapshot: Snapshot, name: str, **params) -> dict[str, np.ndarray]:
    return queries.run_arrays(name, snapshot, **params)


def _build(snapshot: Snapshot, con) -> _Index:
    cover = _read(snapshot, "lookup_cover")
    periods = _read(snapshot, "lookup_periods")
    catalogue = _read(snapshot, "lookup_indicators")
    sums = _read(snapshot, "lookup_sums")
    published = _read(snapshot, "lookup_published")
    # a period has one generation, so (target, period, indicator) names a row of the sums
    generation = dict(zip(periods["period"].tolist(), periods["generation"].tolist()))
    own = np.array([generation.get(p) == g for p, g in zip(sums["period"].tolist(), sums["generation"].tolist())],
                   dtype=bool)
    targets = {t: k for k, t in enumerate(sorted(set(sums["target"].tolist())))}
    periods_at = {p: k for k, p in enumerate(generation)}
    indicators_at = {c: k for k, c in enumerate(catalogue["code"].tolist())}
    sums_at = np.full((len(targets), len(periods_at), len(indicators_at)), -1, dtype=np.int64)
    rows = np.flatnonzero(own & np.array([c in indicators_at for c in sums["indicator"].tolist()], dtype=bool))
    sums_at[[targets[t] for t in sums["target"][rows].tolist()], [periods_at[p] for p in sums["period"][rows].tolist()],
            [indicators_at[c] for c in sums["indicator"][rows].tolist()]] = rows
    several: dict = {}
    for t, n in zip(cover["target"].tolist(), cover["n_atoms"].tolist()):
        several[t] = several.get(t, True) and n != 1
    return _Index(
        con=con,
        cover={(t, g): (n, bool(e), a) for t, g, n, e, a in zip(
            cover["target"].tolist(), cover["generation"].tolist(), cover["n_atoms"].tolist(),
            cover["exact"].tolist(), cover["atom"].tolist())},
        generation=generation,
        aggregation=dict(zip(catalogue["code"].tolist(), catalogue["aggregation"].tolist())),
        sums_targets=targets, periods_at=periods_at, indicators_at=indicators_at, sums_at=sums_at,
        sums={c: sums[c] for c in (*COUNT_COLUMNS, *SUM_COLUMNS, *TEXT_COLUMNS)},
        published=dict(zip(zip(published["unit"].tolist(), published["period"].tolist(),
                               published["indicator"].tolist()), published["published"].tolist())),
        several=several,
    )


def _index(snapshot: Snapshot) -> _Index:
    """The snapshot's index, built on first use (once, however many sessions ask at once)."""
    con = database.load(snapshot)   # loaded once; a new connection means it was evicted and reloaded
    with _LOCK:
        index = _INDEXES.get(snapshot)
        if index is not None and index.con is con:
            return index
        building = _BUILDING.setdefault(snapshot, threading.Lock())
    with building:
        with _LOCK:
            index = _INDEXES.get(snapshot)
            if index is not None and index.con is con:
                return index
        try:
            index = _build(snapshot, con)
        except BaseException:
            with _LOCK:
                _BUILDING.pop(snapshot, None)
            raise
        with _LOCK:  # published and the build lock dropped at once: nobody builds it a second time
            loaded = database.loaded()
            for other in [s for s in _INDEXES if s not in loaded]:  # freed with their snapshot
                del _INDEXES[other]
            _INDEXES[snapshot] = index
            _BUILDING.pop(snapshot, None)
    return index


def derived(snapshot: Snapshot, key: str, build):
    """`build()`'s value, built once per loaded snapshot (whoever asks first, the others wait) and
    kept with its index: rebuilt when the snapshot is loaded again, dropped with it. For what the
    layers above derive from a snapshot's figures once instead of per question (kpi.figures)."""
    index = _index(snapshot)
    value = index.derived.get(key)
    if value is None:
        with index.derived_lock:
            value = index.derived.get(key)
            if value is None:
                value = index.derived[key] = build()
    return value


def targets(snapshot: Snapshot) -> dict:
    """Every target with a cover in some generation -> True when none of its covers is a single atom
    (a region, the nation, a province of communes), False when one is (its atom's own rows are read)."""
    return _index(snapshot).several


def axes(snapshot: Snapshot) -> tuple[list[str], list[str]]:
    """Every period and every indicator a grid of the snapshot can hold, sorted (grid()'s axes)."""
    index = _index(snapshot)
    return sorted(index.generation), sorted(index.aggregation)


def forget(snapshot: Snapshot | None = None) -> None:
    """Drop the index of a snapshot (or all): rebuilt on next use. For tests and benchmarks."""
    with _LOCK:
        if snapshot is None:
            _INDEXES.clear()
        else:
            _INDEXES.pop(snapshot, None)


def indexed() -> list[Snapshot]:
    """The snapshots whose index is held now (for tests and diagnostics)."""
    with _LOCK:
        return list(_INDEXES)


def _atoms(snapshot: Snapshot, index: _Index, wanted: set) -> _Atoms:
    """The facts of single-atom targets with those of `wanted` atoms read (once per atom)."""
    atoms = index.atoms
    if wanted <= atoms.read:
        return atoms
    with index.lock:
        atoms = index.atoms
        missing = sorted(wanted - atoms.read)
        if not missing:
            return atoms
        found = _read(snapshot, "lookup_atom_facts", atoms=missing)
        start = 0
        if atoms.arrays and len(next(iter(atoms.arrays.values()))) + len(found["unit"]) <= MAX_ATOM_ROWS:
            start = len(next(iter(atoms.arrays.values())))
            arrays = {c: np.concatenate([atoms.arrays[c], v]) for c, v in found.items()}
            rows, read = dict(atoms.rows), atoms.read | set(missing)
        else:   # the first atoms, or past the bound: start again with the atoms asked now
            found = _read(snapshot, "lookup_atom_facts", atoms=sorted(wanted)) if atoms.arrays else found
            arrays, rows, read = found, {}, frozenset(wanted)
        keys = zip(found["unit"].tolist(), found["period"].tolist(), found["indicator"].tolist())
        rows.update({key: start + k for k, key in enumerate(keys)})
        index.atoms = atoms = _Atoms(frozenset(read), rows, arrays)
    return atoms


def grid(snapshot: Snapshot, targets, periods, indicators) -> Grid:
    """What queries/facts_aggregate.sql returns for these targets, periods and indicators."""
    index = _index(snapshot)
    target_list = sorted(set(targets))
    period_list = sorted(p for p in set(periods) if p in index.generation)
    indicator_list = sorted(c for c in set(indicators) if c in index.aggregation)
    # which (target, period) cells exist: the target has a cover in the period's generation
    covers = [[index.cover.get((t, index.generation[p])) for p in period_list] for t in target_list]
    cells = [(ti, pi) for pi in range(len(period_list)) for ti in range(len(target_list)) if covers[ti][pi]]
    n_cells, n_ind = len(cells), len(indicator_list)
    n = n_cells * n_ind
    # row order of the SQL: indicator, period, target
    cell_t = np.array([c[0] for c in cells], dtype=np.int64)
    cell_p = np.array([c[1] for c in cells], dtype=np.int64)
    t = np.tile(cell_t, n_ind)
    p = np.tile(cell_p, n_ind)
    i = np.repeat(np.arange(n_ind, dtype=np.int64), n_cells)
    position = np.full((len(target_list), len(period_list), max(n_ind, 1)), -1, dtype=np.int64)
    position[t, p, i] = np.arange(n)

    cell_cover = [covers[ti][pi] for ti, pi in cells]
    n_atoms = np.tile(np.array([c[0] for c in cell_cover], dtype=np.int64), n_ind)
    exact = np.tile(np.array([c[1] for c in cell_cover], dtype=bool), n_ind)
    # each row's source: a row of the precomputed sums (a take from the dense index), or its one atom's
    # row of facts (a dictionary get per row)
    counts = np.array([c[0] for c in cell_cover], dtype=np.int64)
    sums_at = np.full(n, -1, dtype=np.int64)
    many = np.tile(counts > 1, n_ind)
    if many.any():
        target_at = np.array([index.sums_targets.get(x, -1) for x in target_list], dtype=np.int64)[t[many]]
        period_at = np.array([index.periods_at[x] for x in period_list], dtype=np.int64)[p[many]]
        indicator_at = np.array([index.indicators_at[x] for x in indicator_list], dtype=np.int64)[i[many]]
        found = np.where(target_at >= 0, index.sums_at[np.maximum(target_at, 0), period_at, indicator_at], -1)
        sums_at[many] = found
    facts_at = np.full(n, -1, dtype=np.int64)
    single_atoms = {c[2] for c in cell_cover if c[0] == 1 and c[2] is not None}
    atoms = _atoms(snapshot, index, single_atoms) if single_atoms and n_ind else None
    if atoms is not None:
        one = [(k, c[2], period_list[cell_p[k]]) for k, c in enumerate(cell_cover) if c[0] == 1 and c[2] is not None]
        for row_of_code, code in enumerate(indicator_list):
            base = row_of_code * n_cells
            for k, atom, period_code in one:
                facts_at[base + k] = atoms.rows.get((atom, period_code, code), -1)

    parts = {
        "unit": np.array(target_list, dtype=object)[t] if n else np.array([], dtype=object),
        "period": np.array(period_list, dtype=object)[p] if n else np.array([], dtype=object),
        "indicator": np.array(indicator_list, dtype=object)[i] if n else np.array([], dtype=object),
        "aggregation": np.array([index.aggregation[c] for c in indicator_list], dtype=object)[i]
        if n else np.array([], dtype=object),
        "n_atoms": n_atoms, "exact": exact,
    }
    from_sums, from_facts = sums_at >= 0, facts_at >= 0
    s_rows, f_rows = sums_at[from_sums], facts_at[from_facts]
    f = atoms.arrays if atoms is not None and from_facts.any() else None

    def filled(dtype, fill, sums_column=None, facts_column=None, facts_test=None):
        out = np.full(n, fill, dtype=dtype)
        if sums_column is not None and s_rows.size:
            out[from_sums] = index.sums[sums_column][s_rows]
        if f is not None and facts_column is not None:
            values = f[facts_column][f_rows]
            out[from_facts] = values if facts_test is None else facts_test(values)
        return out

    def present(values):
        return np.array([v is not None for v in values]) if values.dtype == object else ~np.isnan(values)

    for column, facts_column in zip(COUNT_COLUMNS[:4], ("actual", "plan", "numerator", "denominator")):
        parts[column] = filled(np.int64, 0, column, facts_column, lambda v: present(v).astype(np.int64))
    parts["n_plan_level"] = filled(np.int64, 0, "n_plan_level")
    if f is not None:
        kinds = f["plan_kind"][f_rows]
        level = np.array([k is None or k == "level" for k in kinds], dtype=bool)
        parts["n_plan_level"][from_facts] = (present(f["plan"][f_rows]) & level).astype(np.int64)
    for column, facts_column in zip(SUM_COLUMNS, ("actual", "plan", "numerator", "denominator")):
        parts[column] = filled(np.float64, np.nan, column, facts_column)
    for column, facts_column in zip(ONE_COLUMNS, ("actual", "plan", "plan_high")):
        parts[column] = filled(np.float64, np.nan, None, facts_column)
    parts["one_plan_kind"] = filled(object, None, None, "plan_kind")
    for column, facts_column in zip(TEXT_COLUMNS, ("source", "note", "estimate_status")):
        parts[column] = filled(object, None, column, facts_column)
    return Grid({c: parts[c] for c in COLUMNS}, target_list, period_list, indicator_list, t, p, i, position)


def query_parts(snapshot: Snapshot, targets, periods, indicators) -> dict[str, np.ndarray]:
    """The same answer as grid().parts from the SQL that defines it (queries/facts_aggregate.sql):
    what the lookup is checked against (tests/test_lookup.py, benchmarks/bench_queries.py)."""
    return queries.run_arrays("facts_aggregate", snapshot, targets=list(targets), periods=list(periods),
                              indicators=list(indicators))


def published(snapshot: Snapshot, units, periods, indicators) -> np.ndarray:
    """Per row (unit, period, indicator): the figure a region or the nation published itself
    (queries/lookup_published.sql), NaN where none."""
    table = _index(snapshot).published
    if not table:
        return np.full(len(units), np.nan)
    return np.array([table.get(key, np.nan) for key in zip(units, periods, indicators)], dtype="float64")
