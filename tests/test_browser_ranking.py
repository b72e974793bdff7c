"""Headless Chromium on Xếp hạng thi đua: a committee member saves a bonus item as a new scorecard
version; the version is a row of the catalogue (no file in the data folder), the page chooses it,
and another process (here the test, beside the served app) lists and loads it by its name."""
from __future__ import annotations

import pytest
from browser_support import chromium, needs_chromium, served_app, settle
from conftest import copy_data

from kpi import scoring

pytestmark = [needs_chromium, pytest.mark.browser]


def test_a_version_saved_in_the_browser_is_the_catalogues_and_listed_elsewhere(demo_dir, tmp_path):
    data = copy_data(demo_dir, tmp_path / "data")
    with served_app(data) as url, chromium() as browser:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"{url}/xep-hang?sc=dbscl-2025.toml")
        settle(page)
        page.get_by_label("Lý do").first.fill("Sáng kiến cải cách thủ tục hành chính")
        page.get_by_role("button", name="Lưu thành phiên bản mới của bảng điểm").click()
        page.wait_for_selector("[data-testid='stAlertContentSuccess']", timeout=60000)
        settle(page)
        main = page.locator("[data-testid='stMain']").inner_text()
        assert page.locator("[data-testid='stException']").count() == 0
        assert "Đã lưu phiên bản mới dbscl-2025.v2.toml" in main and "Phiên bản 2" in main
    assert not (data / "scorecards").exists()
    listed = {e.name: e for e in scoring.scorecard_entries(data)}
    version = listed["dbscl-2025.v2.toml"]
    assert version.path is None and version.error is None and version.scorecard.version == 2
    assert version.scorecard.adjustments[-1].reason == "Sáng kiến cải cách thủ tục hành chính"
    assert scoring.load_scorecard(data / "scorecards" / "dbscl-2025.v2.toml", data) == version.scorecard
