"""Published aggregates on the screens (issue 10 item 6): the figure GSO publishes for a region or the
nation is shown, labelled as published, instead of the ratio of sums where that cannot be computed,
and beside it where it can. GSO-shaped tables (tests/test_gso_tables.py) imported into a tmp folder."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import run_page
from openpyxl import Workbook
from test_gso_tables import _population_csv

from kpi import figures, store
from kpi.importing.merge import commit_import, prepare_import
from kpi.screens.compare import compare_screen
from kpi.screens.domains import domain_view, focus_cards, indicator_table
from kpi.screens.overview import overview_screen
from kpi.screens.tables import figure_table
from kpi.store.indicators import load_indicators
from kpi.text.i18n import t
from kpi.units.table import build_units

SHARE = "employment_share_agriculture"
POPULATION = "average_population"


def _share_xlsx() -> bytes:
    """GSO's employment share by sector: the whole country's published rate and two provinces."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Cơ cấu lao động có việc làm phân theo khu vực kinh tế (%)"])
    sheet.append([])
    sheet.append(["Cities, provincies", "Agriculture, forestry and fishing 2007", "Agriculture, forestry and fishing 2008",
                  "Services 2007", "Services 2008"])
    sheet.append([" WHOLE COUNTRY", 52.9, 52.3, 28.5, 28.9])
    sheet.append(["Ha Tay", 61.2, None, 20.1, None])
    sheet.append(["Ha Noi", 20.5, 35.1, 55.0, 42.2])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def gso_dir(tmp_path_factory):
    """A data folder: an empty base, then GSO's average population and employment share tables."""
    folder = tmp_path_factory.mktemp("published") / "data"
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in store.FACT_COLUMNS})
    store.write_snapshot(empty, build_units(), load_indicators(), created_by="tests", note="base", data_dir=folder)
    report = prepare_import([("pop.csv", _population_csv())], indicator=POPULATION, data_dir=folder)
    commit_import(report, note="GSO population", data_dir=folder)
    report = prepare_import([("share.xlsx", _share_xlsx())], indicator=SHARE,
                            column_group="agriculture, forestry and fishing", data_dir=folder)
    assert report.ok, [i.text() for i in report.errors]
    commit_import(report, note="GSO share", data_dir=folder)
    return folder


@pytest.fixture(scope="module")
def gso(gso_dir):
    snapshot = store.get_snapshot(None, gso_dir)
    return snapshot, figures.units(snapshot), figures.indicators(snapshot)


@pytest.mark.query
def test_compare_aggregates_show_the_published_figure_labelled(gso):
    snapshot, units, catalogue = gso
    screen = compare_screen(snapshot, units, catalogue, 63, "2008", SHARE, None, "vi")
    nation = screen.aggregates[0]
    # no numerators: no ratio of sums; the published 52,3% stands alone, said to be published
    assert nation.value == "52,3% (số công bố)"
    assert nation.note == "Số công bố; chưa tính được từ số liệu các tỉnh (1 / 63 đơn vị có số liệu)"
    en = compare_screen(snapshot, units, catalogue, 63, "2008", SHARE, None, "en").aggregates[0]
    assert en.value == "52.3% (published)" and en.note.startswith("Published figure; it cannot be computed")
    # a count: the sum of the few provinces stays (incomplete), the published figure beside it
    screen = compare_screen(snapshot, units, catalogue, 63, "2008", POPULATION, "R63-RRD", "vi")
    nation, region = screen.aggregates
    assert nation.value.startswith("9.030,9 nghìn người (chưa đủ số liệu: 4 / 63")
    assert nation.note == "Số công bố: 85.118,7 nghìn người"
    assert region.note == "Số công bố: 19.473,7 nghìn người" and "(số công bố)" not in region.value


@pytest.mark.query
def test_overview_cards_and_table_for_the_nation(gso):
    snapshot, units, catalogue = gso
    screen = overview_screen(snapshot, units, catalogue, "VN", "2008", "vi")
    assert screen.has_figures
    cards = {c.indicator: c for s in screen.sections for c in s.cards}
    assert cards[SHARE].value == "52,3% (số công bố)"
    assert "Số công bố; chưa tính được từ số liệu các tỉnh" in cards[SHARE].caption
    assert cards[POPULATION].value == "9.030,9 nghìn người"
    assert "Số công bố: 85.118,7 nghìn người" in cards[POPULATION].caption
    table = screen.table.set_index(t("indicator", "vi"))
    share_name = catalogue.set_index("code").loc[SHARE, "name_vi"]
    population_name = catalogue.set_index("code").loc[POPULATION, "name_vi"]
    assert list(table.columns[:3]) == [t("uom", "vi"), t("actual", "vi"), t("published", "vi")]
    assert table.loc[share_name, t("actual", "vi")] == "52,3 (số công bố)"
    assert table.loc[population_name, t("actual", "vi")] == "9.030,9"
    assert table.loc[population_name, t("published", "vi")] == "85.118,7"


@pytest.mark.query
def test_the_nation_with_only_published_rates_has_figures(gso):
    """Only published figures (no province reports 2008 for a rate): still a page, never 'no figures'."""
    snapshot, units, catalogue = gso
    frame = figures.figures(snapshot, ["VN"], ["2008"], [SHARE])
    assert frame["actual"].isna().all() and frame["published"].notna().all()
    screen = overview_screen(snapshot, units, catalogue, "VN", "2008", "vi")
    assert screen.has_figures


@pytest.mark.query
def test_domain_page_table_and_cards_for_the_nation(gso):
    snapshot, units, catalogue = gso
    view = domain_view(snapshot, units, catalogue, "employment", "VN", "2008", 63, "vi")
    assert view.has_figures
    table = indicator_table(view, catalogue, "vi").set_index(t("indicator", "vi"))
    name = catalogue.set_index("code").loc[SHARE, "name_vi"]
    assert table.loc[name, t("actual", "vi")] == "52,3 (số công bố)"
    assert "Số công bố; chưa tính được từ số liệu các tỉnh" in table.loc[name, t("dom_note", "vi")]
    # a province's own figure has no published aggregate: nothing is added
    province = indicator_table(domain_view(snapshot, units, catalogue, "employment", "VN-01", "2008", 63, "vi"),
                               catalogue, "vi").set_index(t("indicator", "vi"))
    assert province.loc[name, t("actual", "vi")] == "35,1"
    assert "công bố" not in province.loc[name, t("dom_note", "vi")]
    # none of the page's focus indicators is reported: the reported ones are the cards
    assert SHARE in view.focus
    card = next(c for c in focus_cards(view, catalogue, "vi") if c.indicator == SHARE)
    assert card.value == "52,3% (số công bố)" and "Số công bố; chưa tính được" in card.caption


@pytest.mark.query
def test_figure_table_without_published_figures_has_no_published_column(gso):
    snapshot, units, catalogue = gso
    frame = figures.figures(snapshot, ["VN-01"], ["2008"], [SHARE, POPULATION])
    assert t("published", "vi") not in figure_table(frame, catalogue, "vi").columns


@pytest.mark.page
def test_compare_page_shows_the_published_national_rate(gso_dir):
    at = run_page("pages/compare.py", gso_dir, {"geo": "63", "period": "2008", "ind": SHARE})
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("nation", "vi")] == "52,3% (số công bố)"
    captions = [c.value.replace("\\", "") for c in at.caption]
    assert any("Số công bố; chưa tính được từ số liệu các tỉnh" in c for c in captions)


@pytest.mark.page
def test_overview_page_shows_published_beside_computed(gso_dir):
    at = run_page(None, gso_dir, {"geo": "63", "period": "2008", "unit": "VN"})
    assert not at.exception
    # markdown-escaped on the page ('85\\.118,7'): compared as the reader sees it
    text = (" ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)).replace("\\", "")
    assert "52,3% (số công bố)" in text
    assert "Số công bố: 85.118,7 nghìn người" in text


@pytest.mark.page
def test_domain_page_shows_the_published_national_rate(gso_dir):
    at = run_page("domain:employment", gso_dir, {"geo": "63", "period": "2008", "unit": "VN"})
    assert not at.exception
    table = at.dataframe[0].value
    assert "52,3 (số công bố)" in set(table[t("actual", "vi")])
    assert any("Số công bố; chưa tính được" in n for n in table[t("dom_note", "vi")])
