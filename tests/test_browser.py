"""Headless Chromium against the running app: every page in the navigation, no exception box."""
import pytest
from browser_support import needs_chromium, settle, visit_every_page

pytestmark = [needs_chromium, pytest.mark.browser]


def _assert_no_exception(page, where):
    boxes = page.locator("[data-testid='stException']")
    assert boxes.count() == 0, f"{where}: {boxes.first.inner_text()[:500]}"


def test_deep_link_on_a_fresh_server(app_url, browser):
    # the first visitor of a shared link lands on that page, with no "Page not found" dialog
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{app_url}/so-sanh?ind=poor_household_rate")
    settle(page)
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text().startswith("So sánh")
    page.close()


def test_every_page_renders(app_url, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    for href in visit_every_page(page, app_url):
        _assert_no_exception(page, href)
        assert page.locator("[data-testid='stMain']").inner_text().strip(), href  # the page drew something
    page.close()


def test_overview_link_reproduces_a_view(app_url, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{app_url}/?unit=VN63-83&period=2020&geo=63")
    settle(page)
    _assert_no_exception(page, "overview")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("18.382 người").first.wait_for(timeout=30000)  # a loaded machine draws slowly
    body = main.inner_text()
    assert "Bến Tre" in body and "18.382 người" in body and "102,1%" in body, body[:3000]
    page.close()


def test_compare_draws_a_chart(app_url, browser):
    page = browser.new_page(viewport={"width": 1600, "height": 1000})
    page.goto(f"{app_url}/so-sanh?ind=poor_household_rate&period=2024&geo=63&unit=VN63-83")
    settle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=30000)
    _assert_no_exception(page, "compare")
    page.close()
