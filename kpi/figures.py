"""Figures with their measures, as every page, export and the command line show them.

`figures()` looks up the sums of queries/facts_aggregate.sql (columns actual, plan, numerator,
denominator of facts.parquet, summed over each unit's atoms) for the chosen periods and the same
periods last year in the snapshot's index (kpi.store.lookup: a few dictionary gets and array takes,
no query), turns the sums into figures (kpi.formulas.aggregate_arrays) and adds achievement,
status, verdict and change (kpi.formulas), matching last year's rows, territories and poverty
standards over the question's grid with NumPy. Nothing downstream re-decides them.

A row's figures depend only on its own sums and last year's, never on the rest of the question. So
a question asking last year (the pages') is answered from the snapshot's table of figures (_Table):
every row of the regions, the nation and the provinces of several atoms computed once per loaded
snapshot by that same code, other targets added when first asked for (bounded); the question is
then positions in a dense array and one take per column (tests/test_figures_table.py checks it gives
the frame computed for the question itself, and the one computed from queries/facts_aggregate.sql).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.arrays import ArrowStringArray

from kpi import formulas
from kpi.periods import parse_period
from kpi.store import lookup, queries
from kpi.store.snapshots import Snapshot
from kpi.store.standards import same_standard
from kpi.units import geography

OUTPUT_COLUMNS = [
    "unit", "period", "indicator", "actual", "plan", "plan_kind", "plan_high", "baseline", "target_level",
    "achievement_pct", "status", "progress_status", "expected_share", "share_basis", "expected", "progress_pct",
    "verdict", "previous", "change_pct", "change_pp", "change_comparable", "numerator", "denominator", "complete",
    "comparable", "published",
    "n_actual", "n_atoms", "sources", "notes", "estimate_status", "aggregation", "direction",
]
_OUTPUT_INDEX = pd.Index(OUTPUT_COLUMNS)  # the result frame's columns, built once
# a figure's standing in its report (facts.estimate_status); a figure of several units takes the least
# settled of theirs: one estimate makes the sum an estimate
ESTIMATE_ORDER = ("estimate", "preliminary", "official")
_STR = pd.StringDtype("pyarrow", na_value=np.nan)  # pandas' default "str" dtype


def estimate_standing(statuses) -> str | None:
    """'estimate', 'preliminary', 'official' or None from one status or several joined by ';'."""
    if statuses is None or (isinstance(statuses, float) and np.isnan(statuses)):
        return None
    present = set(str(statuses).split(";"))
    return next((s for s in ESTIMATE_ORDER if s in present), None)


@lru_cache(maxsize=32)
def _table(snapshot: Snapshot, name: str) -> pd.DataFrame:
    # snapshots are immutable, so their catalogue, units and periods are cached per snapshot
    return queries.run(name, snapshot)


def indicators(snapshot: Snapshot) -> pd.DataFrame:
    """The indicator catalogue of the snapshot (queries/indicators_all.sql), domain order."""
    return _table(snapshot, "indicators_all").copy()


def units(snapshot: Snapshot) -> pd.DataFrame:
    """The units of the snapshot (queries/units_all.sql)."""
    return _table(snapshot, "units_all").copy()


def shared_tables(snapshot: Snapshot) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The snapshot's units and indicator catalogue as one read-only object each, shared by every
    page run and session (the pages' context): view models and names memoised on them (kpi.memo,
    kpi.units.names) find them again. Callers must not modify them; units() and indicators() give copies."""
    return _table(snapshot, "units_all"), _table(snapshot, "indicators_all")


def reported_codes(snapshot: Snapshot) -> set[str]:
    """Indicators with any figure in the snapshot (queries/indicators_reported.sql)."""
    return set(_table(snapshot, "indicators_reported")["indicator"])


def unreported(snapshot: Snapshot, codes) -> list[str]:
    """Of `codes`, those the snapshot holds no figure of at all (in their order)."""
    reported = reported_codes(snapshot)
    return [c for c in codes if c not in reported]


def available_periods(snapshot: Snapshot) -> list[str]:
    """Periods with at least one actual figure, newest first (queries/periods_available.sql)."""
    return list(_table(snapshot, "periods_available")["period"])


def all_periods(snapshot: Snapshot) -> list[str]:
    """Every period present in the snapshot, with or without actual figures (queries/periods_all.sql)."""
    return list(_table(snapshot, "periods_all")["period"])


def figures(snapshot: Snapshot, targets: list[str], periods: list[str],
            indicator_codes: list[str] | None = None, with_previous: bool = True) -> pd.DataFrame:
    """One row per (unit, period, indicator): figures, achievement, status, verdict, change on last year."""
    codes = list(indicator_codes) if indicator_codes is not None else _catalogue_meta(snapshot)["codes"]
    if with_previous:   # a row's figures do not depend on the rest of the question: taken from the table
        frame = _Table.of(snapshot).frame(snapshot, targets, periods, codes)
        if frame is not None:
            return frame
    return _frame(*_computed(snapshot, targets, periods, codes, with_previous))


def _computed(snapshot: Snapshot, targets, periods, codes, with_previous: bool):
    """The columns of the question's whole grid (the asked periods, last year's and last year's whole
    year: kpi.store.lookup.grid), the grid, and the rows to show: the asked periods, in catalogue
    order, then unit, then period."""
    meta = _catalogue_meta(snapshot)
    parsed = {p: parse_period(p) for p in periods}
    previous_of = {p: q.same_period_last_year().code for p, q in parsed.items()}
    # last year's whole year: the seasonal profile of a 3-, 6- or 9-month period (progress in the year)
    last_whole_of = {p: str(q.year - 1) for p, q in parsed.items() if not q.is_whole_year}
    wanted = sorted(set(periods) | (set(previous_of.values()) | set(last_whole_of.values()) if with_previous else set()))
    # the sums of queries/facts_aggregate.sql, looked up in the snapshot's index (kpi.store.lookup)
    grid = lookup.grid(snapshot, targets, wanted, codes)
    parts = grid.parts
    figures_ = formulas.aggregate_arrays(parts)
    unit, period, indicator = parts["unit"], parts["period"], parts["indicator"]
    n = len(unit)
    # per period of the grid: is it asked for, its months, and where last year's figures sit in the grid
    period_at = {q: k for k, q in enumerate(grid.periods)}
    asked = np.array([q in parsed for q in grid.periods], dtype=bool)
    current = asked[grid.p]
    months = np.array([parse_period(q).months for q in grid.periods], dtype="float64")[grid.p]
    previous_at = np.array([period_at.get(previous_of[q], -1) if q in parsed and with_previous else -1
                            for q in grid.periods], dtype=np.int64)
    last_whole_at = np.array([period_at.get(last_whole_of.get(q), -1) if q in parsed else -1
                              for q in grid.periods], dtype=np.int64)
    # last year's figure, compared only when complete
    previous = _from_row(figures_, grid, previous_at)
    last_whole = _from_row(figures_, grid, last_whole_at)
    # across a boundary change of the unit (Hà Nội 2007 -> 2008) the change is not comparable ...
    compared_with = [previous_of.get(q, q) for q in grid.periods]
    covered = _covered(snapshot)
    generation_pairs = [(_generation(q), _generation(o)) for q, o in zip(grid.periods, compared_with)]
    territory = np.array([[covered.get((u, a)) == covered.get((u, b)) for a, b in generation_pairs]
                          for u in grid.targets], dtype=bool).reshape(len(grid.targets), len(grid.periods))
    # ... and across a change of the poverty standard (data/catalogue/standards.csv), for its indicators
    standard = _same_standard(grid.indicators, grid.periods, [previous_of.get(q) for q in grid.periods])
    change_comparable = (territory[grid.t, grid.p] & standard[grid.i, grid.p]) if n else np.zeros(0, dtype=bool)
    previous = np.where(change_comparable, previous, np.nan)
    direction = np.array([meta["direction_of"][c] for c in grid.indicators] + [0], dtype="int64")[grid.i]
    order = np.array([meta["order_of"][c] for c in grid.indicators] + [0])[grid.i]
    aggregation = parts["aggregation"]
    measures = formulas.measures_arrays(figures_["actual"], figures_["plan"], direction, figures_["complete"],
                                        previous, aggregation == "ratio", figures_["plan_kind"], figures_["plan_high"])
    last_whole = np.where(change_comparable, last_whole, np.nan)  # last year's pace only on the same territory
    share = formulas.expected_share_arrays(months, previous, last_whole)
    cumulative_count = (months < 12) & (aggregation == "sum") & figures_["complete"]
    progress = formulas.progress_arrays(figures_["actual"], figures_["plan"], figures_["plan_kind"], direction,
                                        share["expected_share"], cumulative_count)
    applies = progress["progress_status"] != formulas.NO_STATUS
    # a rate at 3, 6 or 9 months: against the path from last year's year-end figure to the target
    path = formulas.rate_path_arrays(figures_["actual"], figures_["plan"], figures_["plan_kind"], direction, months,
                                     last_whole, (months < 12) & (aggregation != "sum") & figures_["complete"])
    on_path = path["progress_status"] != formulas.NO_STATUS
    progress["progress_status"] = np.where(on_path, path["progress_status"], progress["progress_status"])
    progress_columns = {
        "progress_status": progress["progress_status"],
        "expected": np.where(on_path, path["expected"], progress["expected"]),
        "progress_pct": progress["progress_pct"],
        "expected_share": np.where(applies, share["expected_share"], np.where(on_path, months / 12, np.nan)),
        "share_basis": np.where(applies, share["share_basis"], np.where(on_path, "path", None)).astype(object),
    }
    needs_baseline = np.isin(formulas.plan_kinds(figures_["plan_kind"]), formulas.RELATIVE_KINDS)
    verdict = formulas.verdict_array(measures["status"], figures_["actual"], figures_["complete"],
                                     figures_["comparable"], direction, progress["progress_status"],
                                     needs_baseline, ~np.isnan(figures_["plan"]))
    standing = {s: estimate_standing(s) for s in set(parts["estimate_statuses"].tolist())}
    columns = {
        "unit": unit, "period": period, "indicator": indicator, **figures_, **measures, **progress_columns,
        "verdict": verdict, "change_comparable": change_comparable,
        "published": lookup.published(snapshot, unit, period, indicator),
        "n_actual": parts["n_actual"], "n_atoms": parts["n_atoms"], "sources": parts["sources"],
        "notes": parts["notes"], "estimate_status": [standing[s] for s in parts["estimate_statuses"].tolist()],
        "aggregation": aggregation, "direction": direction,
    }
    # the asked periods, in catalogue order, then unit, then period (ties: as the query orders them)
    rows = np.flatnonzero(current)
    rows = rows[np.lexsort((grid.i[rows], grid.p[rows], grid.t[rows], order[rows]))]
    return columns, rows, grid, order


def _frame(columns: dict, rows: np.ndarray, *_) -> pd.DataFrame:
    """The result frame: OUTPUT_COLUMNS of `rows`. A text column is of pandas' string dtype when its
    rows hold text and nothing else (None aside), otherwise of object dtype: decided on the rows
    returned, not on last year's rows of the grid, whose columns derived from their own last year
    (share_basis) are not computed in full here and would make the dtype depend on the question."""
    data = {}
    for name in OUTPUT_COLUMNS:
        values = np.asarray(columns[name])
        taken = values[rows]
        if values.dtype == object and pd.api.types.infer_dtype(taken, skipna=True) == "string":
            # pandas' "str" dtype, built straight from an Arrow array (8x faster than pd.array)
            taken = ArrowStringArray(pa.array(taken, type=pa.large_string(), from_pandas=True), dtype=_STR)
        data[name] = taken
    return pd.DataFrame(data, copy=False)  # in OUTPUT_COLUMNS' order (columns= would cost 3x: a reindex)


MAX_TABLE_ROWS = 250_000  # rows of figures kept per loaded snapshot (_Table; about 320 bytes a row, 80 MB)


@lru_cache(maxsize=4096)
def _related(period: str) -> tuple[str, str | None]:
    """The same period last year and, for a part of a year, last year's whole year (figures())."""
    q = parse_period(period)
    return q.same_period_last_year().code, None if q.is_whole_year else str(q.year - 1)


@dataclass(frozen=True, eq=False)
class _Rows:
    """figures() of every period and indicator of some targets, computed once (_computed over the
    snapshot's whole axes): a row's figures depend only on its own and last year's sums, never on
    the rest of the question. Replaced as a whole when targets are added (readers keep the old one)."""
    target_at: dict          # target -> position on the first axis of `position`
    period_at: dict          # period -> position (the snapshot's periods, sorted)
    code_at: dict            # indicator -> position (sorted)
    position: np.ndarray     # [target, period, indicator] -> row (-1: no such row)
    order: np.ndarray        # per row: the catalogue order of its indicator
    columns: dict            # column of OUTPUT_COLUMNS -> values per row (text columns: see below)
    text: pa.Table           # text columns holding only text or None, as Arrow strings
    valid: dict              # column of `text` -> per row: it holds text
    mixed: dict              # other text columns -> (per row: holds text, per row: holds another object)

    @property
    def n(self) -> int:
        return len(self.order)


def _rows_of(snapshot: Snapshot, targets: list[str], periods: list[str], codes: list[str]) -> _Rows:
    columns, _, grid, order = _computed(snapshot, targets, periods, codes, True)
    out, text, valid, mixed = {}, {}, {}, {}
    for name in OUTPUT_COLUMNS:
        values = np.asarray(columns[name])
        if values.dtype.kind == "U":
            values = values.astype(object)
        if values.dtype != object:
            out[name] = values
            continue
        try:   # text and None only (NaN, pd.NA or another object: kept as objects)
            strings = pa.array(values, type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            strings = None
        if strings is not None:
            text[name] = strings
            valid[name] = strings.is_valid().to_numpy(zero_copy_only=False)
        else:   # kept as objects: text where the question's grid holds only text, else as they are
            null = pd.isna(values)
            is_text = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
            out[name] = values
            mixed[name] = (is_text, ~is_text & ~null)
    position = np.full((len(grid.targets), len(grid.periods), len(grid.indicators)), -1, dtype=np.int64)
    if len(grid.t):
        position[grid.t, grid.p, grid.i] = np.arange(len(grid.t))
    return _Rows({t: k for k, t in enumerate(grid.targets)}, {p: k for k, p in enumerate(grid.periods)},
                 {c: k for k, c in enumerate(grid.indicators)}, position, np.asarray(order), out,
                 pa.table(text) if text else pa.table({}), valid, mixed)


def _layout(rows: _Rows) -> tuple:
    """How the rows' columns are stored: which as arrays of which dtype, which as Arrow strings."""
    return tuple((c, v.dtype) for c, v in rows.columns.items()), tuple(rows.valid), tuple(rows.mixed)


def _joined(old: _Rows, new: _Rows) -> _Rows:
    """The rows of both (`new` of other targets, on the same periods and indicators)."""
    position = np.concatenate([old.position, np.where(new.position >= 0, new.position + old.n, -1)])
    target_at = dict(old.target_at)
    target_at.update({t: k + len(old.target_at) for t, k in new.target_at.items()})
    text = pa.concat_tables([old.text, new.text]).combine_chunks() if old.text.num_columns else old.text
    return _Rows(target_at, old.period_at, old.code_at, position, np.concatenate([old.order, new.order]),
                 {c: np.concatenate([v, new.columns[c]]) for c, v in old.columns.items()}, text,
                 {c: np.concatenate([v, new.valid[c]]) for c, v in old.valid.items()},
                 {c: (np.concatenate([v[0], new.mixed[c][0]]), np.concatenate([v[1], new.mixed[c][1]]))
                  for c, v in old.mixed.items()})


class _Table:
    """Per loaded snapshot (kept with its lookup index, kpi.store.lookup.derived): the figures of
    every target without a single-atom cover (regions, the nation, provinces of communes) computed
    once, and of other targets added when first asked for (at most MAX_TABLE_ROWS rows). A question
    asking last year too is then positions in a dense array and one take per column."""

    def __init__(self, snapshot: Snapshot):
        self.periods, self.codes = lookup.axes(snapshot)
        self.several = lookup.targets(snapshot)
        self.lock = threading.Lock()
        self.rows = _rows_of(snapshot, sorted(t for t, s in self.several.items() if s), self.periods, self.codes)

    @classmethod
    def of(cls, snapshot: Snapshot) -> _Table:
        return lookup.derived(snapshot, "figures", lambda: cls(snapshot))

    def _with(self, snapshot: Snapshot, targets: list[str]) -> _Rows | None:
        """The rows with those of `targets` added (None: past MAX_TABLE_ROWS)."""
        with self.lock:
            rows = self.rows
            targets = [t for t in targets if t not in rows.target_at]
            if targets:
                if rows.n + len(targets) * len(self.periods) * len(self.codes) > MAX_TABLE_ROWS:
                    return None
                new = _rows_of(snapshot, targets, self.periods, self.codes)
                if rows.n and _layout(rows) == _layout(new):
                    rows = _joined(rows, new)
                else:   # columns stored otherwise (or nothing yet): all computed together
                    rows = _rows_of(snapshot, [*rows.target_at, *targets], self.periods, self.codes)
                self.rows = rows
            return rows

    def frame(self, snapshot: Snapshot, targets, periods, codes) -> pd.DataFrame | None:
        """figures()' answer with last year; None where it is to be computed (_computed)."""
        rows = self.rows
        asked = [t for t in sorted(set(targets)) if t in self.several]   # a target without a cover has no rows
        if any(t not in rows.target_at for t in asked):
            rows = self._with(snapshot, asked)
            if rows is None:
                return None
        period_at, code_at = rows.period_at, rows.code_at
        now = sorted(p for p in set(periods) if p in period_at)
        wanted = set(periods)
        for p in set(periods):
            wanted.update(q for q in _related(p) if q is not None)
        wanted = sorted(p for p in wanted if p in period_at)
        ti = np.array([rows.target_at[t] for t in asked], dtype=np.int64)
        ii = np.array(sorted(code_at[c] for c in set(codes) if c in code_at), dtype=np.int64)
        if not len(ti) or not len(ii) or not wanted:
            return None
        grid = rows.position[np.ix_(ti, [period_at[p] for p in wanted], ii)].ravel()
        grid = grid[grid >= 0]
        if not len(grid):
            return None   # no row at all: the computed answer's empty columns
        at = rows.position[np.ix_(ti, [period_at[p] for p in now], ii)]
        t, p, i = np.nonzero(at >= 0)
        taken = at[t, p, i]
        taken = taken[np.lexsort((i, p, t, rows.order[taken]))]
        data, n = {}, len(taken)
        text = rows.text.take(taken) if rows.text.num_columns else None
        for name in OUTPUT_COLUMNS:
            if name in rows.valid:
                data[name] = ArrowStringArray(text.column(name), dtype=_STR) if rows.valid[name][taken].any() \
                    else np.full(n, None, dtype=object)
                continue
            values = rows.columns[name][taken]
            if name in rows.mixed:
                is_text, other = rows.mixed[name]
                if is_text[taken].any() and not other[taken].any():
                    values = ArrowStringArray(pa.array(values, type=pa.large_string(), from_pandas=True), dtype=_STR)
            data[name] = values
        # the arrays are fresh and already as pandas stores them: no checks, no copies (as pd.DataFrame(data))
        return pd.DataFrame._from_arrays([data[c] for c in OUTPUT_COLUMNS], columns=_OUTPUT_INDEX,
                                         index=pd.RangeIndex(n), verify_integrity=False)


def _from_row(figures_: dict, grid, period_at: np.ndarray) -> np.ndarray:
    """Per row, the complete `actual` of the same unit and indicator in the grid's period
    `period_at[row's period]` (-1: none); NaN where that row is absent or incomplete."""
    n = len(grid.t)
    if not n:
        return np.zeros(0, dtype="float64")
    other = period_at[grid.p]
    has = other >= 0
    rows = np.full(n, -1, dtype=np.int64)
    rows[has] = grid.position[grid.t[has], other[has], grid.i[has]]
    found = rows >= 0
    out = np.full(n, np.nan)
    taken = rows[found]
    out[found] = np.where(figures_["complete"][taken], figures_["actual"][taken], np.nan)
    return out


def _same_standard(indicators: list[str], periods: list[str], others: list) -> np.ndarray:
    """[indicator, period] True where the period and the one it is compared with are measured by the
    same standard (kpi.store.standards.same_standard over the grid's distinct cells)."""
    if not indicators or not periods:
        return np.ones((len(indicators), len(periods)), dtype=bool)
    cells_i = np.repeat(np.array(indicators, dtype=object), len(periods))
    cells_p = np.tile(np.array(periods, dtype=object), len(indicators))
    cells_o = np.tile(np.array(others, dtype=object), len(indicators))
    return same_standard(cells_i, cells_p, cells_o).reshape(len(indicators), len(periods))


@lru_cache(maxsize=4096)
def _generation(period: str) -> int:
    """The province generation in force at the end of the period (kpi.units.geography.generations_of)."""
    return int(geography.generations_of([period])[0])


@lru_cache(maxsize=32)
def _catalogue_meta(snapshot: Snapshot) -> dict:
    """The catalogue's codes (its order), direction and order per code, read once per snapshot."""
    catalogue = _table(snapshot, "indicators_all")
    codes = catalogue["code"].tolist()
    return {"codes": codes, "direction_of": dict(zip(codes, catalogue["direction"].tolist())),
            "order_of": dict(zip(codes, catalogue["code_order"].tolist()))}


@lru_cache(maxsize=32)
def _covered(snapshot: Snapshot) -> dict:
    """The territory each unit's figure covers in each province generation (kpi.units.geography)."""
    return geography.covered_territories(_table(snapshot, "units_all"))


@lru_cache(maxsize=256)
def _figures_cached(snapshot: Snapshot, targets: tuple, periods: tuple, codes: tuple | None,
                    with_previous: bool) -> pd.DataFrame:
    return figures(snapshot, list(targets), list(periods), list(codes) if codes is not None else None, with_previous)


def figures_cached(snapshot: Snapshot, targets, periods, indicator_codes=None,
                   with_previous: bool = True) -> pd.DataFrame:
    """figures() memoised per immutable snapshot: Streamlit reruns and other sessions do not query again."""
    codes = tuple(indicator_codes) if indicator_codes is not None else None
    return _figures_cached(snapshot, tuple(targets), tuple(periods), codes, with_previous).copy()
