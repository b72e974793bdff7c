"""Where a figure comes from, on the page (issue 11 item 8): each figure's source and note where the
figure is, quoted figures marked as quoted, and the figure's standing in its report (ước, sơ bộ,
chính thức) kept from the import to the page: an optional column, validated, stored in the facts
Parquet, carried by kpi.figures; a snapshot written before it loads with the column empty."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import run_page

from kpi import store
from kpi.figures import estimate_standing, figures
from kpi.importing.merge import import_file
from kpi.screens.compare import compare_screen
from kpi.screens.overview import overview_screen
from kpi.text import sources
from kpi.text.i18n import t

HEADER = "unit,period,indicator,actual,plan,source,Tình trạng số liệu\n"
REPORT = "Báo cáo số 12/BC-SNV ngày 05/01/2021"


def _import(folder, rows: str, name: str = "bc.csv"):
    path = folder / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return import_file(path, data_dir=folder, accept_warnings=True, decimal=",")


# --------------------------------------------------------------------------- the words (unit)

@pytest.mark.unit
def test_a_source_names_its_report_without_where_the_import_read_it():
    assert sources.report_name(f"{REPORT} (bc.csv dòng 2)") == REPORT
    assert sources.report_name(f"{REPORT} (bc.xlsx dòng 7, cột C)") == REPORT
    assert sources.report_name("bc.csv dòng 2") == ""  # a file with no source column quotes no report
    assert sources.report_name("Dữ liệu minh họa (sinh tự động bởi kpi/demo.py)") == ""
    assert sources.quoted_reports(f"{REPORT} (a.csv dòng 2); Dữ liệu minh họa (x); {REPORT} (a.csv dòng 3)") \
        == [REPORT]
    assert sources.source_text("bc.xlsx dòng 7, cột C", "en") == "bc.xlsx row 7, column C"
    assert sources.source_text("Dữ liệu minh họa (sinh tự động)", "en") == t("src_generated", "en")
    assert sources.source_text(None) == "" and not sources.is_quoted(float("nan"))


@pytest.mark.unit
def test_the_demo_sources_are_the_generated_ones():
    from kpi.demo.agencies import SOURCE
    from kpi.demo.provinces import DEMO_SOURCE, SRC_BEN_TRE

    assert sources.is_generated(DEMO_SOURCE) and sources.is_generated(SOURCE)
    assert not sources.is_generated(SRC_BEN_TRE) and sources.quoted_reports(SRC_BEN_TRE) == [SRC_BEN_TRE]


@pytest.mark.unit
def test_a_sum_is_as_settled_as_its_least_settled_part():
    assert estimate_standing("official;preliminary") == "preliminary"
    assert estimate_standing("estimate;official") == "estimate"
    assert estimate_standing("official") == "official"
    assert estimate_standing(None) is None and estimate_standing(float("nan")) is None
    assert sources.standing_text("estimate") == "ước" and sources.standing_text("estimate", "en") == "estimated"
    assert sources.standing_text("") == ""


# --------------------------------------------------------------------------- import to page (query)

@pytest.mark.query
def test_the_standing_is_imported_validated_stored_and_carried(tmp_path):
    report, snapshot = _import(tmp_path, (
        f"Bến Tre,2020,jobs_created,18.382,18.000,{REPORT},ước\n"
        f"Trà Vinh,2020,jobs_created,17.000,16.500,{REPORT},Sơ bộ\n"
        f"Vĩnh Long,2020,jobs_created,20.000,19.000,{REPORT},chính thức\n"
        f"Cần Thơ,2020,jobs_created,30.000,29.000,{REPORT},\n"))
    assert snapshot is not None, [i.text() for i in report.errors]
    stored = store.read_table(snapshot, "facts").set_index("unit")["estimate_status"]
    assert stored.to_dict() == {"VN63-83": "estimate", "VN63-84": "preliminary", "VN63-86": "official",
                                "VN63-92": None}
    frame = figures(snapshot, ["VN63-83", "VN63-84", "VN63-86", "VN63-92", "VN34-86"], ["2020"], ["jobs_created"])
    standing = frame.set_index("unit")["estimate_status"].to_dict()
    assert standing["VN63-83"] == "estimate" and standing["VN63-84"] == "preliminary"
    assert standing["VN63-86"] == "official" and pd.isna(standing["VN63-92"])
    assert standing["VN34-86"] == "estimate"  # the new Vĩnh Long = Bến Tre + Trà Vinh + Vĩnh Long: one is ước
    row = frame.set_index("unit").loc["VN63-83"]
    assert sources.quoted_reports(row["sources"]) == [REPORT]


@pytest.mark.query
def test_a_standing_that_is_not_a_known_word_is_an_error_naming_the_cell(tmp_path):
    _import(tmp_path, "Bến Tre,2020,jobs_created,18.382,18.000,x,\n", "first.csv")
    before = store.list_snapshots(tmp_path)
    report, snapshot = _import(tmp_path, "Bến Tre,2020,jobs_created,18.400,18.000,x,gần đúng\n")
    assert snapshot is None and store.list_snapshots(tmp_path) == before
    texts = [issue.text() for issue in report.errors]
    assert any("gần đúng" in text and "dòng 2" in text and "Tình trạng số liệu" in text and "'ước'" in text
               for text in texts), texts


@pytest.mark.query
def test_the_same_figure_now_official_is_a_change(tmp_path):
    _import(tmp_path, f"Bến Tre,2020,jobs_created,18.382,18.000,{REPORT},ước\n", "uoc.csv")
    report, snapshot = _import(tmp_path, f"Bến Tre,2020,jobs_created,18.382,18.000,{REPORT},chính thức\n")
    assert snapshot is not None and report.counts["changed"] == 1, report.counts
    frame = figures(snapshot, ["VN63-83"], ["2020"], ["jobs_created"])
    assert frame["estimate_status"].tolist() == ["official"]


@pytest.mark.query
def test_a_snapshot_written_before_the_standing_loads_with_it_empty(tmp_path):
    _import(tmp_path, f"Bến Tre,2020,jobs_created,18.382,18.000,{REPORT},ước\n")
    snapshot = store.get_snapshot(None, tmp_path)
    path = snapshot.path / "facts.parquet"
    pq.write_table(pq.read_table(path).drop_columns(["estimate_status"]), path)
    manifest_path = snapshot.path / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["files"]["facts.parquet"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    manifest_path.write_text(json.dumps(manifest))
    again = store.get_snapshot(None, tmp_path)
    frame = figures(again, ["VN63-83"], ["2020"], ["jobs_created"])
    assert frame["actual"].tolist() == [18382] and frame["estimate_status"].isna().all()
    assert list(store.read_table(again, "facts").columns) == store.FACT_COLUMNS


@pytest.mark.query
def test_the_overview_cards_say_source_quotation_and_standing(demo_snapshot):
    from kpi.demo.provinces import SRC_BEN_TRE
    from kpi.figures import indicators, units

    catalogue, table = indicators(demo_snapshot), units(demo_snapshot)
    screen = overview_screen(demo_snapshot, table, catalogue, "VN63-83", "2020")
    cards = {c.indicator: c for s in screen.sections for c in s.cards}
    jobs, unemployment, abroad = cards["jobs_created"], cards["urban_unemployment_rate"], cards["workers_abroad"]
    assert jobs.quoted and SRC_BEN_TRE in jobs.source and "đạt 102,1%" in jobs.source  # the report and its note
    assert unemployment.quoted and unemployment.standing == "ước"  # "ước đạt 3,34%"
    assert not abroad.quoted and abroad.source == t("src_source_line", "vi", source=t("src_generated", "vi"))
    # the table carries the same, one column each
    assert {t("source", "vi"), t("src_standing", "vi"), t("src_note", "vi")} <= set(screen.table.columns)
    # the latest period's figures are estimates in the demo
    latest = overview_screen(demo_snapshot, table, catalogue, "VN34-86", "2026-M09")
    assert all(c.standing == "ước" for s in latest.sections for c in s.cards if c.value != "–")


@pytest.mark.query
def test_the_compare_table_names_each_provinces_source(demo_snapshot):
    from kpi.figures import indicators, units

    screen = compare_screen(demo_snapshot, units(demo_snapshot), indicators(demo_snapshot), 63, "2020",
                            "jobs_created", None, "en")
    column = screen.table[t("source", "en")]
    quoted = [v for v in column if v.startswith(t("src_quoted_line", "en", reports=""))]
    assert len(quoted) == 1 and "Báo Dân sinh 08/12/2021" in quoted[0]  # Bến Tre's figure, quoted from the report
    assert (column == t("src_generated", "en")).sum() >= 60
    # right after the figure, in a word: quoted for Bến Tre, demo for the generated ones
    kinds = screen.table[t("src_standing", "en")]
    assert list(screen.table.columns).index(t("src_standing", "en")) == list(screen.table.columns).index(
        t("actual", "en")) + 1
    assert (kinds == t("src_quoted", "en").lower()).sum() == 1 and (kinds == t("src_kind_generated", "en")).sum() >= 60


@pytest.mark.page
def test_the_overview_page_marks_quoted_and_estimated_figures(demo_dir):
    at = run_page(None, demo_dir, {"unit": "VN63-83", "period": "2020", "geo": "63"})
    assert not at.exception, [e.value for e in at.exception]
    html = " ".join(m.value for m in at.markdown)
    assert t("src_quoted", "vi") in html and t("src_standing_line", "vi", standing="ước") in html
    captions = " ".join(c.value for c in at.caption)
    assert "Báo Dân sinh 08/12/2021" in captions and "Ghi chú" in captions
    at = run_page(None, demo_dir, {"unit": "VN34-86", "period": "2026-M09", "geo": "34", "lang": "en"})
    assert not at.exception, [e.value for e in at.exception]
    assert t("src_standing_line", "en", standing="estimated") in " ".join(m.value for m in at.markdown)
