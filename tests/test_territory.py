"""Territory changes before 2025 (issue 10, item 5): Hà Tây (1 August 2008) and the 1 January 2004
splits are units with dates; figures resolve by the period's date; a total missing a territory is
incomplete; a change across a boundary change is not comparable."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi import figures, store
from kpi.periods import parse_period
from kpi.store.indicators import load_indicators
from kpi.units import geography
from kpi.units.resolve import UnitError, resolve_unit
from kpi.units.table import build_units


@pytest.fixture(scope="module")
def units() -> pd.DataFrame:
    return build_units()


@pytest.mark.unit
@pytest.mark.parametrize("unit, name, valid_from, valid_to, successor", [
    ("VN64-28", "Hà Tây", None, dt.date(2008, 7, 31), "VN-01"),
    ("VN64-01", "Hà Nội", None, dt.date(2008, 7, 31), "VN-01"),
    ("VN-01", "Hà Nội", dt.date(2008, 8, 1), None, None),
    ("VN64-26", "Vĩnh Phúc", None, dt.date(2008, 7, 31), "VN63-26"),   # Mê Linh went to Hà Nội
    ("VN63-26", "Vĩnh Phúc", dt.date(2008, 8, 1), dt.date(2025, 6, 30), "VN34-25"),
    ("VN64-17", "Hòa Bình", None, dt.date(2008, 7, 31), "VN63-17"),    # four communes of Lương Sơn
    ("VN61-92", "Cần Thơ", None, dt.date(2003, 12, 31), "VN63-92"),
    ("VN63-92", "Cần Thơ", dt.date(2004, 1, 1), dt.date(2025, 6, 30), "VN34-92"),
    ("VN63-93", "Hậu Giang", dt.date(2004, 1, 1), dt.date(2025, 6, 30), "VN34-92"),
    ("VN61-66", "Đắk Lắk", None, dt.date(2003, 12, 31), "VN63-66"),
    ("VN63-67", "Đắk Nông", dt.date(2004, 1, 1), dt.date(2025, 6, 30), "VN34-68"),
    ("VN61-12", "Lai Châu", None, dt.date(2003, 12, 31), "VN-12"),
    ("VN-12", "Lai Châu", dt.date(2004, 1, 1), None, None),
    ("VN-11", "Điện Biên", dt.date(2004, 1, 1), None, None),
])
def test_units_before_2025_have_their_dates(units, unit, name, valid_from, valid_to, successor):
    row = units.set_index("unit").loc[unit]
    assert row["name_vi"] == name and row["level"] == "province"
    assert (None if pd.isna(row["valid_from"]) else row["valid_from"]) == valid_from
    assert (None if pd.isna(row["valid_to"]) else row["valid_to"]) == valid_to
    assert (row["successor"] if isinstance(row["successor"], str) else None) == successor


@pytest.mark.unit
def test_the_63_and_34_province_lists_are_unchanged(units):
    provinces = units[units["level"] == "province"]
    assert provinces["generation"].isin(["63", "both"]).sum() == 63
    assert provinces["generation"].isin(["34", "both"]).sum() == 34
    assert set(provinces.loc[provinces["generation"].isin(["61", "64"]), "unit"]) == {
        "VN64-01", "VN64-28", "VN64-26", "VN64-17", "VN61-92", "VN61-66", "VN61-12"}
    assert units.set_index("unit").loc["VN64-28", "region"] == "R63-RRD"


@pytest.mark.unit
@pytest.mark.parametrize("day, generation", [
    ("1997-01-01", 61), ("2003-12-31", 61), ("2004-01-01", 64), ("2008-07-31", 64), ("2008-08-01", 63),
    ("2025-06-30", 63), ("2025-07-01", 34),
])
def test_generation_at(day, generation):
    assert geography.generation_at(dt.date.fromisoformat(day)) == generation


@pytest.mark.unit
@pytest.mark.parametrize("text, period, key", [
    ("Ha Noi", "2007", "VN64-01"), ("Hà Nội", "2008", "VN-01"), ("01", "2005", "VN64-01"),
    ("Ha Tay", "2006", "VN64-28"), ("Hà Tây", "2008-M06", "VN64-28"),
    ("Vinh Phuc", "2007", "VN64-26"), ("Vinh Phuc", "2009", "VN63-26"),
    ("Can Tho", "2003", "VN61-92"), ("Can Tho", "2004", "VN63-92"), ("Hau Giang", "2004", "VN63-93"),
    ("Dak Lak", "2003", "VN61-66"), ("Dak Nong", "2005", "VN63-67"),
    ("Lai Chau", "2003", "VN61-12"), ("Lai Chau", "2004", "VN-12"), ("Dien Bien", "2004", "VN-11"),
])
def test_names_resolve_by_the_period_date(units, text, period, key):
    assert resolve_unit(text, units, parse_period(period)) == key


@pytest.mark.unit
@pytest.mark.parametrize("text, period, words", [
    ("Ha Tay", "2009", "từ 1/8/2008 đã hợp nhất vào tỉnh/thành phố Hà Nội"),
    ("Hau Giang", "2003", "chưa tồn tại tại kỳ năm 2003 (tỉnh/thành phố từ 1/1/2004)"),
    ("Dak Nong", "2002", "chưa tồn tại"),
])
def test_units_outside_their_dates_say_why(units, text, period, words):
    with pytest.raises(UnitError) as caught:
        resolve_unit(text, units, parse_period(period))
    assert words in str(caught.value)


@pytest.mark.unit
def test_atoms_by_generation(units):
    unit_atoms, cover = geography.build_atom_map(units)
    cover = cover.set_index(["target", "generation"])
    atoms = unit_atoms.groupby(["target", "generation"])["atom"].apply(set)
    assert cover.loc[("VN", 64), "n_atoms"] == 64 and cover.loc[("VN", 61), "n_atoms"] == 61
    assert cover.loc[("VN", 63), "n_atoms"] == 63 and cover.loc[("VN", 34), "n_atoms"] == 34
    assert "VN64-28" in atoms[("VN", 64)] and "VN64-28" not in atoms[("VN", 63)]
    # today's Hà Nội cannot be re-expressed in 2007: Mê Linh lay in Vĩnh Phúc, four communes in Hòa Bình
    assert atoms[("VN-01", 64)] == {"VN64-01", "VN64-28"} and not cover.loc[("VN-01", 64), "exact"]
    # the Cần Thơ of 2003 is exactly today's Cần Thơ and Hậu Giang of 2004-2025
    assert atoms[("VN61-92", 64)] == {"VN63-92", "VN63-93"} and cover.loc[("VN61-92", 64), "exact"]
    assert atoms[("VN61-12", 63)] == {"VN-11", "VN-12"} and cover.loc[("VN61-12", 63), "exact"]
    # a region is its member provinces of the time
    assert {"VN64-01", "VN64-28", "VN64-26"} <= atoms[("R63-RRD", 64)] and cover.loc[("R63-RRD", 64), "exact"]
    assert "VN64-17" in atoms[("R63-NMM", 64)] and cover.loc[("R63-NMM", 64), "exact"]


@pytest.mark.unit
def test_same_territory_rule(units):
    covered = geography.covered_territories(units)
    targets = ["VN-01", "VN-01", "VN", "R63-RRD", "R63-RRD", "VN63-83", "VN34-86", "VN64-28", "AGENCY-1"]
    now = ["2008", "2009", "2008", "2008", "2005", "2025-M09", "2025-M09", "2007", "2008"]
    before = ["2007", "2008", "2007", "2007", "2004", "2024-M09", "2024-M09", "2006", "2007"]
    assert geography.same_territory(covered, targets, now, before).tolist() == [
        False,   # Hà Nội 2007 -> 2008: Hà Tây, Mê Linh and four communes joined it
        True, True,
        False,   # the Red River Delta gained the four communes of Hòa Bình
        True,    # 2004 splits stayed inside their regions
        False,   # former Bến Tre has no figure of its own after the merger
        True,    # Vĩnh Long (34) is exactly Vĩnh Long, Bến Tre and Trà Vinh of 2024
        True, True]


# --- figures on a small snapshot ------------------------------------------------------------------

def _facts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator", "unit", "period", "actual"])
    frame["source"], frame["note"] = "test", ""
    return frame.reindex(columns=store.FACT_COLUMNS).astype(
        {c: "float64" for c in ("actual", "plan", "plan_high", "numerator", "denominator") if c in store.FACT_COLUMNS})


@pytest.fixture(scope="module")
def labour_snapshot(tmp_path_factory):
    """Labour force (thousand people) of every province in 2005 (without Hà Tây), 2006, 2007 and 2008."""
    units = build_units()
    _atoms, cover = geography.build_atom_map(units)
    provinces_64 = geography._atoms_of_generation(units, 64)
    provinces_63 = geography._atoms_of_generation(units, 63)
    assert len(provinces_64) == 64 and len(provinces_63) == 63
    rows = [("labour_force", u, "2005", 100.0) for u in provinces_64 if u != "VN64-28"]
    rows += [("labour_force", u, year, 100.0) for year in ("2006", "2007") for u in provinces_64]
    rows += [("labour_force", u, "2008", 100.0) for u in provinces_63]
    rows = [(i, u, p, {("VN64-01", "2007"): 1653.7, ("VN64-28", "2007"): 1575.2,
                       ("VN-01", "2008"): 3421.2}.get((u, p), a)) for i, u, p, a in rows]
    rows += [("labour_force", "VN", "2005", 44904.5)]   # GSO's published national figure
    folder = tmp_path_factory.mktemp("territory")
    return store.write_snapshot(_facts(rows), units, load_indicators(), created_by="tests", data_dir=folder)


@pytest.mark.query
def test_a_total_missing_a_territory_is_incomplete(labour_snapshot):
    frame = figures.figures(labour_snapshot, ["VN", "R63-RRD"], ["2005", "2006"], ["labour_force"])
    got = frame.set_index(["unit", "period"])
    assert not got.loc[("VN", "2005"), "complete"]           # Hà Tây is missing
    assert got.loc[("VN", "2005"), "n_actual"] == 63 and got.loc[("VN", "2005"), "n_atoms"] == 64
    assert not got.loc[("R63-RRD", "2005"), "complete"]
    assert got.loc[("VN", "2006"), "complete"] and got.loc[("VN", "2006"), "actual"] == 6400.0
    assert got.loc[("VN", "2005"), "published"] == 44904.5    # GSO's own figure, beside the sum
    assert np.isnan(got.loc[("VN", "2006"), "published"])


@pytest.mark.query
def test_a_change_across_a_boundary_change_is_not_comparable(labour_snapshot):
    frame = figures.figures(labour_snapshot, ["VN-01", "VN64-01", "VN64-28", "VN", "VN63-30"], ["2007", "2008"],
                            ["labour_force"])
    got = frame.set_index(["unit", "period"])
    hanoi = got.loc[("VN-01", "2008")]
    assert hanoi["actual"] == 3421.2
    assert np.isnan(hanoi["previous"]) and np.isnan(hanoi["change_pct"]) and not hanoi["change_comparable"]
    # today's Hà Nội in 2007 is not comparable (Mê Linh was part of Vĩnh Phúc), never 1653,7
    assert got.loc[("VN-01", "2007"), "verdict"] == "not_comparable"
    assert got.loc[("VN64-01", "2007"), "actual"] == 1653.7 and got.loc[("VN64-28", "2007"), "actual"] == 1575.2
    assert got.loc[("VN64-28", "2008"), "verdict"] == "not_comparable"   # no Hà Tây after 1 August 2008
    # a unit whose territory did not change keeps its change; the nation too
    assert got.loc[("VN63-30", "2008"), "change_pct"] == 0.0 and got.loc[("VN63-30", "2008"), "change_comparable"]
    assert got.loc[("VN", "2008"), "change_comparable"]
    assert got.loc[("VN", "2008"), "previous"] == pytest.approx(62 * 100 + 1653.7 + 1575.2)
