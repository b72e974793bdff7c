"""kpi.units.resolve builds what it looks up (the unit keys, each geography's or date's pool of units and
their names) once per units table, kept while the table is alive, and answers as the table itself
would: the answers and messages of cached look-ups against those of a fresh table, for keys, codes,
names, old and not-yet units, unknown texts; a changed table gets its own tables."""
from __future__ import annotations

import gc

import pytest

from kpi.periods import parse_period
from kpi.units import resolve
from kpi.units.resolve import UnitError, resolve_unit
from kpi.units.table import build_units

TEXTS = ["VN-01", "Hà Nội", "ha noi", "TP. Hồ Chí Minh", "tphcm", "01", "79", "1", "Cả nước", "Bến Tre",
         "Tỉnh Bến Tre", "Hà Tây", "Thừa Thiên Huế", "Huế", "Hà Giang", "Hòa Bình", "Quảng Bình", "Atlantis",
         "Ha Noii", "Vĩnh Phúc", "Đắk Lắk", "Đồng Bằng Sông Hồng", "999"]
WHEN = [(None, None), ("2007", None), ("2009", None), ("2026-M09", None), ("2024", None), (None, 63), (None, 34),
        ("2020", 63), ("2026", 34)]


def _answer(text, units, period, geography):
    try:
        return "ok", resolve_unit(text, units, parse_period(period) if period else None, geography)
    except UnitError as exc:
        return "error", str(exc)


@pytest.mark.unit
def test_cached_answers_are_the_fresh_tables_answers():
    units = build_units()
    cached = [_answer(text, units, p, g) for _ in range(2) for text in TEXTS for p, g in WHEN]
    fresh = []
    for text in TEXTS:
        for p, g in WHEN:
            resolve._TABLES.clear()  # nothing kept: built for this one call
            fresh.append(_answer(text, units.copy(), p, g))
    assert cached == fresh + fresh
    assert {kind for kind, _ in fresh} == {"ok", "error"}
    assert any("hợp nhất" in said for _, said in fresh) and any("gần giống" in said for _, said in fresh)


@pytest.mark.unit
def test_tables_are_built_once_per_units_table_and_dropped_with_it(monkeypatch):
    built = []
    real = resolve._candidates
    monkeypatch.setattr(resolve, "_candidates", lambda *args: built.append(args[1:]) or real(*args))
    units = build_units()
    period = parse_period("2020")
    for _ in range(5):
        assert resolve_unit("Hà Nội", units, period) == "VN-01"
        assert resolve_unit("Bến Tre", units, period) == "VN63-83"
    assert len(built) == 1  # one pool for the period's end date, reused
    resolve_unit("Hà Nội", units, parse_period("2021"))
    resolve_unit("Hà Nội", units, geography=63)
    assert len(built) == 3  # another date, another geography: each its own pool, once
    smaller = units[units["unit"] != "VN63-83"]  # another table: its own tables, not the first one's
    with pytest.raises(UnitError):
        resolve_unit("VN63-83", smaller, period)
    assert resolve_unit("VN63-83", units, period) == "VN63-83"
    assert id(units) in resolve._TABLES and id(smaller) in resolve._TABLES
    key = id(smaller)
    del smaller
    gc.collect()
    assert key not in resolve._TABLES  # kept only while the table is alive
