"""Every page renders under AppTest, on the demo data and on an empty data folder."""
import pytest
from conftest import run_page

from kpi.screens.domains import DOMAIN_PAGES

PAGES = [None, "pages/compare.py", "pages/trends.py"]
EVERY_PAGE = PAGES + [f"domain:{key}" for key in DOMAIN_PAGES] + ["pages/ranking.py", "pages/present.py"]
# the Dữ liệu page on an empty folder offers the first import instead (tests/test_importer.py)


@pytest.mark.page
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_demo(page, demo_dir):
    at = run_page(page, demo_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.title) == 1


@pytest.mark.page
@pytest.mark.parametrize("page", EVERY_PAGE)
def test_page_empty_state(page, empty_dir):
    """Every page of the navigation on an empty data folder: a helpful empty state, no traceback."""
    at = run_page(page, empty_dir)
    assert not at.exception, [e.value for e in at.exception]
    assert any("Chưa có dữ liệu" in i.value for i in at.info)


@pytest.mark.page
def test_overview_for_ben_tre_2020(demo_dir):
    at = run_page(None, demo_dir, {"unit": "VN63-83", "period": "2020", "geo": "63"})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "18.382 người" in text
    assert "Vượt" in text


@pytest.mark.page
def test_english_labels(demo_dir):
    at = run_page("pages/compare.py", demo_dir, {"lang": "en"})
    assert not at.exception
    assert at.title[0].value == "Compare"


@pytest.mark.page
def test_cumulative_period_counts_are_progress_not_failure(demo_dir):
    at = run_page(None, demo_dir, {"unit": "VN34-86", "period": "2026-M06", "geo": "34"})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Lũy kế:" in text and "kế hoạch cả năm" in text
    # a count at 6 months short of the whole-year plan is judged on its pace, never 'Chưa đạt'
    assert any(word in text for word in ("Vượt tiến độ", "Đúng tiến độ", "Chậm tiến độ"))
    assert "vượt tiến độ" in text and "đúng tiến độ" in text  # the summary sentence counts them


@pytest.mark.query
def test_region_names_follow_the_language(demo_snapshot):
    from kpi.figures import units
    from kpi.units.names import unit_name

    table = units(demo_snapshot)
    assert unit_name(table, "R34-MRD", "vi") == "Vùng Đồng bằng sông Cửu Long"
    assert unit_name(table, "R34-MRD", "en") == "Mekong River Delta"
    assert unit_name(table, "VN", "en") == "Whole country"
