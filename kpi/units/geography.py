"""Which reporting units ("atoms") make up each unit, in each province generation.

Every province territory is a union of the 63 former provinces (the 2025 merger joined whole
provinces), so territories are represented as sets of former-province codes. An atom (a unit
that reports figures at a period's date) counts towards a target unit when the atom's territory
lies inside the target's. A target is *exact* for a generation when its atoms of that
generation cover its territory exactly; otherwise it cannot honestly be re-expressed there
(e.g. former Bến Tre in 2025: it is now a part of Vĩnh Long and no figure covers it alone).
"""
from __future__ import annotations

import pandas as pd

GENERATIONS = (63, 34)


def _territories(units: pd.DataFrame) -> dict[str, frozenset[str]]:
    provinces = units[units["level"] == "province"]
    old = provinces[provinces["generation"].isin(["63", "both"])]
    territory: dict[str, frozenset[str]] = {}
    for _, row in old.iterrows():
        territory[row["unit"]] = frozenset([row["gso_code"]])
    for _, row in provinces[provinces["generation"] == "34"].iterrows():
        territory[row["unit"]] = frozenset(old.loc[old["successor"] == row["unit"], "gso_code"])
    for _, row in units[units["level"] == "region"].iterrows():
        column = "region_63" if row["generation"] == "63" else "region_34"
        territory[row["unit"]] = frozenset(old.loc[old[column] == row[column], "gso_code"])
    for _, row in units[units["level"] == "nation"].iterrows():
        territory[row["unit"]] = frozenset(old["gso_code"])
    return territory


def _atoms_of_generation(units: pd.DataFrame, generation: int) -> list[str]:
    provinces = units[units["level"] == "province"]
    return list(provinces.loc[provinces["generation"].isin([str(generation), "both"]), "unit"])


def build_atom_map(units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (unit_atoms, target_cover).

    unit_atoms: target, generation, atom  (one row per atom counted towards a target)
    target_cover: target, generation, n_atoms, exact
    Units other than provinces, regions and the nation (agencies, communes) are their own
    single atom in both generations.
    """
    territory = _territories(units)
    atom_rows: list[tuple[str, int, str]] = []
    cover_rows: list[tuple[str, int, int, bool]] = []
    for generation in GENERATIONS:
        atoms = _atoms_of_generation(units, generation)
        for target in units["unit"]:
            if target not in territory:
                atom_rows.append((target, generation, target))
                cover_rows.append((target, generation, 1, True))
                continue
            inside = [a for a in atoms if territory[a] <= territory[target]]
            covered = frozenset().union(*(territory[a] for a in inside)) if inside else frozenset()
            atom_rows.extend((target, generation, a) for a in inside)
            cover_rows.append((target, generation, len(inside), bool(inside) and covered == territory[target]))
    unit_atoms = pd.DataFrame(atom_rows, columns=["target", "generation", "atom"])
    target_cover = pd.DataFrame(cover_rows, columns=["target", "generation", "n_atoms", "exact"])
    return unit_atoms, target_cover


def predecessors(units: pd.DataFrame, unit: str) -> list[str]:
    """Former provinces whose territory a post-merger province took over (empty when unchanged)."""
    return sorted(units.loc[units["successor"] == unit, "unit"])
