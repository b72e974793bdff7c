"""Tình hình báo cáo: the counts of reporting units (one count, said the same way everywhere), the
units with nothing yet, partial reports, the first snapshot and author of each unit's figures for
the period along the catalogue's chain, the Excel file, and the page in both languages."""
from __future__ import annotations

import io

import pytest
from conftest import run_page

from kpi import figures, store
from kpi.screens import reporting as view
from kpi.store import snapshots
from kpi.units.names import units_of_geography

VINH_LONG, HA_NOI = "VN34-86", "VN-01"
PERIOD = "2026-M09"


def _screen(snapshot, geography=34, period=PERIOD, region=None, lang="vi"):
    return view.reporting_screen(snapshot, figures.units(snapshot), figures.indicators(snapshot), geography, period,
                                 region, lang)


@pytest.fixture(scope="module")
def chain_dir(tmp_path_factory, demo_snapshot):
    """Two snapshots: the first without Vĩnh Long's figures for 9 months of 2026 and without Hà Nội's
    jobs created for that period; the second, built on it, with them."""
    folder = tmp_path_factory.mktemp("reporting_chain")
    facts = store.read_table(demo_snapshot, "facts")
    units, indicators = store.read_table(demo_snapshot, "units"), store.read_table(demo_snapshot, "indicators")
    period = facts["period"] == PERIOD
    drop = period & ((facts["unit"] == VINH_LONG) | ((facts["unit"] == HA_NOI) & (facts["indicator"] == "jobs_created")))
    first = store.write_snapshot(facts[~drop], units, indicators, created_by="tests", demo=True, note="first",
                                 data_dir=folder)
    second = store.write_snapshot(facts, units, indicators, created_by="tests", demo=True, note="second",
                                  parent=first.id, data_dir=folder)
    return folder, first, second


@pytest.mark.query
@pytest.mark.parametrize("geography, period", [(34, PERIOD), (34, "2024"), (63, "2024")])
def test_every_province_of_the_demo_has_reported(demo_snapshot, geography, period):
    screen = _screen(demo_snapshot, geography, period)
    provinces = units_of_geography(figures.units(demo_snapshot), geography, levels=("province",))
    assert screen.units == provinces and not screen.not_applicable
    assert screen.count_line == f"{geography} / {geography} đơn vị đã báo cáo"
    assert screen.nothing_yet == []
    assert len(screen.table) == geography
    assert screen.domain_counts and all(n == total == geography for _name, n, total in screen.domain_counts)
    assert screen.arrivals[provinces[0]].snapshot_id == demo_snapshot.id


@pytest.mark.query
def test_former_provinces_after_the_merger_are_not_counted_as_missing(demo_snapshot):
    screen = _screen(demo_snapshot, 63, PERIOD)
    assert len(screen.units) + len(screen.not_applicable) == 63
    assert screen.count_line == f"{len(screen.units)} / {len(screen.units)} đơn vị đã báo cáo"
    ben_tre = dict(screen.not_applicable)["Bến Tre"]
    assert "hợp nhất vào Vĩnh Long từ 01/07/2025" in ben_tre
    assert HA_NOI in screen.units


@pytest.mark.query
def test_counts_gaps_and_first_arrivals_along_the_chain(chain_dir):
    folder, first, second = chain_dir
    early = _screen(first)
    assert early.count_line == "33 / 34 đơn vị đã báo cáo"
    assert early.nothing_yet == [VINH_LONG]
    assert early.complete_line.startswith("32 / 34 ")  # Hà Nội lacks one indicator
    assert (early.states.loc[HA_NOI] == view.REPORTED).sum() == len(early.codes) - 1
    assert early.states.loc[HA_NOI, "jobs_created"] == view.MISSING
    assert list(early.table["Đơn vị"][:2]) == ["Vĩnh Long", "Hà Nội"]  # still to report first
    row = early.table.set_index("Đơn vị")
    assert row.loc["Vĩnh Long", "Tình trạng"] == "Chưa báo cáo"
    assert row.loc["Hà Nội", "Tình trạng"] == "Đã báo cáo một phần"
    assert row.loc["Hà Nội", "Số chỉ tiêu đã báo cáo"] == f"{len(early.codes) - 1}/{len(early.codes)}"
    assert VINH_LONG not in early.arrivals
    late = _screen(second)
    assert late.count_line == "34 / 34 đơn vị đã báo cáo" and late.nothing_yet == []
    entries = {e.id: e for e in snapshots.catalogue_entries(folder)}
    # Vĩnh Long's figures came with the second snapshot, Hà Nội's (most of them) with the first
    assert late.arrivals[VINH_LONG].snapshot_id == second.id
    assert late.arrivals[HA_NOI].snapshot_id == first.id
    assert late.arrivals[VINH_LONG].author == entries[second.id].author_name
    assert late.arrivals[VINH_LONG].created_at == entries[second.id].created_at.replace("T", " ")[:16]
    table = late.table.set_index("Đơn vị")
    assert table.loc["Vĩnh Long", "Bản dữ liệu"] == f"{second.id} (đã duyệt)"
    assert view.chain(second)[0].id == first.id and [e.id for e in view.chain(second)] == [first.id, second.id]


@pytest.mark.query
def test_first_arrival_in_a_delta_snapshot(demo_snapshot, tmp_path):
    """An import's snapshot holds only its own rows (facts.delta.parquet on its parent's file): the
    figures it brought arrive with it."""
    facts = store.read_table(demo_snapshot, "facts")
    units, indicators = store.read_table(demo_snapshot, "units"), store.read_table(demo_snapshot, "indicators")
    drop = (facts["period"] == PERIOD) & (facts["unit"] == VINH_LONG)
    first = store.write_snapshot(facts[~drop], units, indicators, created_by="tests", demo=True, note="first",
                                 data_dir=tmp_path)
    second = store.write_snapshot(facts, units, indicators, created_by="tests", demo=True, note="delta",
                                  parent=first.id, data_dir=tmp_path, delta=facts[drop],
                                  parent_manifest=first.manifest)
    assert not (second.path / "facts.parquet").exists() and (second.path / "facts.delta.parquet").is_file()
    late = _screen(second)
    assert late.count_line == "34 / 34 đơn vị đã báo cáo"
    assert late.arrivals[VINH_LONG].snapshot_id == second.id
    assert late.arrivals[HA_NOI].snapshot_id == first.id


@pytest.mark.query
def test_region_limits_the_units(demo_snapshot):
    units = figures.units(demo_snapshot)
    region = units_of_geography(units, 34, levels=("region",))[0]
    screen = _screen(demo_snapshot, 34, "2024", region=region)
    assert 0 < len(screen.units) < 34
    assert screen.count_line == f"{len(screen.units)} / {len(screen.units)} đơn vị đã báo cáo"


@pytest.mark.query
def test_excel_says_the_same_counts(chain_dir):
    from openpyxl import load_workbook

    _folder, first, _second = chain_dir
    screen = _screen(first)
    book = load_workbook(io.BytesIO(view.reporting_workbook(screen)))
    ws, detail = book.worksheets
    texts = [str(ws.cell(r, 1).value) for r in range(1, ws.max_row + 1)]
    assert screen.count_line in texts and "33 / 34 đơn vị đã báo cáo" in texts
    assert any(first.id in text for text in texts)
    assert any(text.startswith("Chưa báo cáo số liệu nào: Vĩnh Long") for text in texts)
    header = texts.index("Đơn vị") + 1
    assert ws.max_row >= header + 34
    names = [ws.cell(r, 1).value for r in range(header + 1, header + 35)]
    assert "Vĩnh Long" in names and "Hà Nội" in names
    marks = {detail.cell(r, c).value for r in range(1, detail.max_row + 1) for c in range(2, detail.max_column + 1)}
    assert {"✓", "–"} <= marks


@pytest.mark.page
@pytest.mark.parametrize("lang, title, line", [("vi", "Tình hình báo cáo", "34 / 34 đơn vị đã báo cáo"),
                                              ("en", "Reporting status", "34 / 34 units have reported")])
def test_page_in_both_languages(demo_dir, lang, title, line):
    at = run_page("pages/reporting.py", demo_dir, {"lang": lang, "period": PERIOD, "geo": "34"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == title
    assert at.metric[0].value == "34 / 34"
    assert any(m.value.startswith(f"**{line}**") for m in at.markdown)
    assert len(at.dataframe[0].value) == 34


@pytest.mark.page
def test_page_names_the_units_with_nothing_yet(chain_dir):
    folder, first, _second = chain_dir
    at = run_page("pages/reporting.py", folder, {"period": PERIOD, "geo": "34", "snap": first.id})
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value == "33 / 34"
    assert any(m.value.startswith("**33 / 34 đơn vị đã báo cáo**") for m in at.markdown)
    assert any("Vĩnh Long" in w.value for w in at.warning)


@pytest.mark.page
def test_page_63_provinces_after_the_merger(demo_dir):
    at = run_page("pages/reporting.py", demo_dir, {"period": PERIOD, "geo": "63"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value == "11 / 11"
    assert any("Bến Tre" in m.value and "hợp nhất" in m.value for m in at.markdown)


@pytest.mark.page
def test_page_empty_state(empty_dir):
    at = run_page("pages/reporting.py", empty_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert any("Chưa có dữ liệu" in i.value for i in at.info)
