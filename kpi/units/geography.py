"""Which reporting units ("atoms") make up each unit, in each province generation.

A *generation* is the list of provinces in force, named by its size: 61 (1997-2003), 64 (1 January
2004 - 31 July 2008), 63 (1 August 2008 - 30 June 2025), 34 (since 1 July 2025); `generation_at`
gives it for a date (kpi.units.history). The atoms of a generation are the provinces valid
throughout it. Territories are sets of pieces (kpi.units.history): a province's are fixed; a region
is a grouping, so its territory in a generation is that of its member provinces of that generation
(R63 regions: the 63-province list also after 2025). An atom counts towards a target when its
territory lies inside the target's. A target is *exact* for a generation when its atoms cover its
territory exactly; otherwise it cannot honestly be re-expressed there (e.g. former Bến Tre in
2025, today's Hà Nội in 2007: Mê Linh was then part of Vĩnh Phúc).

`same_territory` is the rule for a change between two periods (so với cùng kỳ): the unit's figures
must cover the same territory at both dates, else the change is not comparable (Hà Nội 2007 -> 2008,
the Red River Delta 2007 -> 2008, which gained four communes of Hòa Bình).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpi.periods import parse_period
from kpi.units import history

GENERATIONS = tuple(g for g, _start in history.GENERATION_STARTS)
_STARTS = [start for _g, start in history.GENERATION_STARTS[1:]]


def generation_at(date: dt.date) -> int:
    """The province list in force on `date`: 61, 64, 63 or 34."""
    position = sum(1 for start in _STARTS if date >= start)
    return GENERATIONS[position]


def generations_of(periods: Sequence[str]) -> np.ndarray:
    """generation_at() of the end of each period code, vectorised (once per distinct period)."""
    codes, uniques = pd.factorize(pd.Series(list(periods), dtype=object))
    table = np.array([generation_at(parse_period(p).end_date) for p in uniques] + [0], dtype="int64")
    return table[np.where(codes >= 0, codes, len(uniques))]


def _span(generation: int) -> tuple[dt.date | None, dt.date | None]:
    position = GENERATIONS.index(generation)
    start = history.GENERATION_STARTS[position][1]
    following = history.GENERATION_STARTS[position + 1][1] if position + 1 < len(GENERATIONS) else None
    return start, (following - dt.timedelta(days=1)) if following else None


def _as_date(value) -> dt.date | None:
    """A valid_from / valid_to cell as a date (None when open): dates, Timestamps from DuckDB, NaT."""
    if value is None or pd.isna(value):
        return None
    return value.date() if isinstance(value, dt.datetime) else value


def _atoms_of_generation(units: pd.DataFrame, generation: int) -> list[str]:
    """Provinces valid throughout the generation's time."""
    start, end = _span(generation)
    atoms = []
    for _, row in units[units["level"] == "province"].iterrows():
        begins, ends = _as_date(row["valid_from"]), _as_date(row["valid_to"])
        if begins is not None and (start is None or begins > start):
            continue
        if ends is not None and (end is None or ends < end):
            continue
        atoms.append(row["unit"])
    return atoms


def _province_pieces(units: pd.DataFrame) -> dict[str, frozenset[str]]:
    provinces = units[units["level"] == "province"]
    current = provinces[provinces["generation"].isin(["63", "both"])]
    pieces: dict[str, frozenset[str]] = {}
    for _, row in current.iterrows():
        pieces[row["unit"]] = frozenset(history.PIECES.get(row["gso_code"], (row["gso_code"],)))
    for _, row in provinces[provinces["generation"] == "34"].iterrows():
        pieces[row["unit"]] = frozenset().union(*(pieces[u] for u in current.loc[current["successor"] == row["unit"],
                                                                                      "unit"]))
    for unit, own in history.former_pieces().items():
        if unit in set(provinces["unit"]):
            pieces[unit] = frozenset(own)
    return pieces


def territories(units: pd.DataFrame) -> dict[tuple[str, int], frozenset[str]]:
    """(unit, generation) -> its territory as a set of pieces, for provinces, regions and the nation."""
    pieces = _province_pieces(units)
    atoms = {g: _atoms_of_generation(units, g) for g in GENERATIONS}
    by_unit = units.set_index("unit")
    out: dict[tuple[str, int], frozenset[str]] = {}
    for generation in GENERATIONS:
        for unit, own in pieces.items():
            out[(unit, generation)] = own
        for _, row in units[units["level"] == "region"].iterrows():
            column = "region_63" if row["generation"] == "63" else "region_34"
            members_of = 63 if (column == "region_63" and generation == 34) else generation
            members = [a for a in atoms[members_of] if by_unit.at[a, column] == row[column]]
            out[(row["unit"], generation)] = frozenset().union(*(pieces[a] for a in members))
        for unit in units.loc[units["level"] == "nation", "unit"]:
            out[(unit, generation)] = frozenset().union(*(pieces[a] for a in atoms[generation]))
    return out


def _cover(units: pd.DataFrame):
    """(target, generation) -> (atoms inside, territory they cover, the target's territory)."""
    territory = territories(units)
    pieces = _province_pieces(units)
    cover = {}
    for generation in GENERATIONS:
        atoms = _atoms_of_generation(units, generation)
        for target in units["unit"]:
            own = territory.get((target, generation))
            if own is None:
                continue
            inside = [a for a in atoms if pieces[a] <= own]
            cover[(target, generation)] = (inside, frozenset().union(*(pieces[a] for a in inside)), own)
    return cover


def build_atom_map(units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (unit_atoms, target_cover).

    unit_atoms: target, generation, atom  (one row per atom counted towards a target)
    target_cover: target, generation, n_atoms, exact
    Units other than provinces, regions and the nation (agencies, communes) are their own
    single atom in every generation.
    """
    cover = _cover(units)
    atom_rows: list[tuple[str, int, str]] = []
    cover_rows: list[tuple[str, int, int, bool]] = []
    for generation in GENERATIONS:
        for target in units["unit"]:
            if (target, generation) not in cover:
                atom_rows.append((target, generation, target))
                cover_rows.append((target, generation, 1, True))
                continue
            inside, covered, own = cover[(target, generation)]
            atom_rows.extend((target, generation, a) for a in inside)
            cover_rows.append((target, generation, len(inside), bool(inside) and covered == own))
    unit_atoms = pd.DataFrame(atom_rows, columns=["target", "generation", "atom"])
    target_cover = pd.DataFrame(cover_rows, columns=["target", "generation", "n_atoms", "exact"])
    return unit_atoms, target_cover


def covered_territories(units: pd.DataFrame) -> dict[tuple[str, int], frozenset[str]]:
    """(target, generation) -> the territory its figure covers in that generation (empty: none)."""
    return {key: covered for key, (_inside, covered, _own) in _cover(units).items()}


def same_territory(covered: dict[tuple[str, int], frozenset[str]], units: Sequence[str],
                   periods_a: Sequence[str], periods_b: Sequence[str]) -> np.ndarray:
    """True where each unit's figure covers the same territory at the end of both periods, vectorised
    (once per distinct unit and pair of generations). Units outside `covered` (agencies) never change.

    `covered` is covered_territories() of the snapshot's units.
    """
    generation_a, generation_b = generations_of(periods_a), generations_of(periods_b)
    keys = pd.Series(list(units), dtype=object).str.cat([pd.Series(generation_a).astype(str),
                                                        pd.Series(generation_b).astype(str)], sep="|")
    codes, uniques = pd.factorize(keys)
    table = []
    for key in uniques:
        unit, first, second = key.rsplit("|", 2)
        a, b = covered.get((unit, int(first))), covered.get((unit, int(second)))
        table.append(a == b)
    return np.array(table + [True], dtype=bool)[np.where(codes >= 0, codes, len(uniques))]


def predecessors(units: pd.DataFrame, unit: str) -> list[str]:
    """Former provinces whose territory a post-merger province took over (empty when unchanged)."""
    return sorted(units.loc[(units["successor"] == unit) & (units["generation"] == "63"), "unit"])
