"""In headless Chromium: from So sánh, a province's drill-down link opens /chi-tiet with its communes."""
import pytest
from browser_support import needs_chromium, settle

pytestmark = [needs_chromium, pytest.mark.browser]

URL = "/so-sanh?ind=jobs_created&period=2026-M09&geo=34&unit=VN34-15"


def test_compare_to_the_communes_of_lao_cai(app_url, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(app_url + URL)
    settle(page)
    link = page.get_by_role("link", name="Xem chi tiết xã, phường và cơ quan của Lào Cai")
    link.scroll_into_view_if_needed()
    link.click()
    page.wait_for_url("**/chi-tiet**", timeout=30000)
    settle(page)
    page.get_by_text("Giải quyết việc làm — Lào Cai, 9 tháng năm 2026").wait_for(timeout=30000)
    main = page.locator("[data-testid='stMain']")
    assert "95 / 99" in main.inner_text()
    assert "41.384 người" in main.inner_text()
    table = page.locator("[data-testid='stDataFrame']").first
    table.wait_for(timeout=30000)
    assert table.is_visible()
    # the commune table is drawn on a canvas; its accessible copy holds the communes' rows
    cells = page.locator("[data-testid='stDataFrame'] [role='gridcell']").all_inner_texts()
    assert any(c.startswith(("Xã ", "Phường ")) for c in cells), cells[:20]
    assert "Xã Bảo Ái" in main.inner_text()  # the communes that have not reported, named under the table
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_link_column_address_opens_the_same_view(app_url, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_url}/chi-tiet?unit=VN34-86&ind=poor_household_rate&period=2026-M09&geo=34&lang=en")
    settle(page)
    # the view's own title and count, waited for: a busy server may send them after the page first settles
    main = page.locator("[data-testid='stMain']")
    try:
        page.get_by_text("Poor-household rate — Vĩnh Long").first.wait_for(timeout=30000)
        page.get_by_text("124 of 124").first.wait_for(timeout=30000)
    except Exception:  # Playwright's TimeoutError
        pytest.fail("the view's title or count never came; the page said:\n" + main.inner_text())
    text = main.inner_text()
    assert "Poor-household rate — Vĩnh Long" in text and "124 of 124" in text, text
    assert "The communes add up to the province figure." in text
    assert page.locator("[data-testid='stException']").count() == 0
