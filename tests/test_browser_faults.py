"""Headless Chromium against an app whose data folder holds a damaged newest snapshot and a malformed
scorecard beside the good ones: every page still renders, with a clear notice where it matters."""
from __future__ import annotations

import shutil

import pytest
from browser_support import needs_chromium, settle, visit_every_page

from kpi import store

pytestmark = [needs_chromium, pytest.mark.browser]

MALFORMED = """[scorecard]
title = "Bảng điểm hỏng"
period = "2024"
version = "v2"
units = ["Cần Thơ", "An Giang"]

[[criteria]]
id = "C1"
indicator = "jobs_created"
points = inf
method = "plan_ratio"
"""


@pytest.fixture(scope="module")
def faulty_dir(demo_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("faulty") / "data"
    shutil.copytree(demo_dir, folder)
    base = store.get_snapshot(None, folder)
    newer = store.write_snapshot(store.read_table(base, "facts"), store.read_table(base, "units"),
                                 store.read_table(base, "indicators"), created_by="test", parent=base.id,
                                 demo=True, data_dir=folder)
    facts = newer.path / "facts.parquet"
    payload = bytearray(facts.read_bytes())
    payload[len(payload) // 2] ^= 0xFF
    facts.chmod(0o600)
    facts.write_bytes(bytes(payload))
    (folder / "scorecards").mkdir(exist_ok=True)
    (folder / "scorecards" / "hong.toml").write_text(MALFORMED, encoding="utf-8")
    return folder, newer.id


@pytest.fixture(scope="module")
def app_data_dir(faulty_dir):
    return faulty_dir[0]


def test_every_page_renders_with_a_notice_of_the_damaged_snapshot(app_url, browser, faulty_dir):
    damaged_id = faulty_dir[1]
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    for href in visit_every_page(page, app_url):
        assert page.locator("[data-testid='stException']").count() == 0, href
        body = page.locator("[data-testid='stMain']").inner_text()
        if "trinh-chieu" not in href:  # the presentation mode shows slides only
            assert damaged_id in body and "bị hỏng" in body, href
    page.goto(f"{app_url}/xep-hang?sc=hong.toml")
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    assert "hong.toml" in page.locator("[data-testid='stMain']").inner_text()
