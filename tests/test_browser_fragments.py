"""The pages' own choosers rerun only their part of the page (st.fragment) and still keep the view in
the link: headless Chromium against the served demo."""
from urllib.parse import parse_qs, urlparse

import pytest
from browser_support import needs_chromium, settle

pytestmark = [needs_chromium, pytest.mark.browser]

CHART_DATA = """n => {
  const gd = document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')[n];
  return gd && gd.data ? JSON.stringify(gd.data.map(d => [d.x, d.y, d.marker && d.marker.color])) : null;
}"""


def _choose(page, area: str, label: str, option: str) -> None:
    box = page.locator(f'[data-testid="{area}"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True)).first
    box.locator("input").click()
    box.locator("input").fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def _changed(page, n: int, before: str) -> None:
    page.wait_for_function(f"([n, b]) => {{ const now = ({CHART_DATA})(n); return now !== null && now !== b; }}",
                           arg=[n, before], timeout=60000)
    settle(page)


def _charts(page, count: int) -> list[str]:
    """The Plotly data of the page's `count` charts in page order, once all are drawn (Plotly's code is
    loaded on demand, and the charts are drawn one by one)."""
    page.wait_for_function(f"c => [...Array(c).keys()].every(n => ({CHART_DATA})(n) !== null)", arg=count,
                           timeout=60000)
    return [page.evaluate(CHART_DATA, n) for n in range(count)]


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _selected(page, area: str, label: str) -> str:
    box = page.locator(f'[data-testid="{area}"] [data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True)).first
    return box.inner_text() + " " + box.locator("input").input_value()


def test_so_sanh_indicator_change_redraws_the_chart_and_keeps_the_link(app_url, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_url}/so-sanh?unit=VN34-86&period=2025&geo=34&ind=jobs_created")
    settle(page)
    before = _charts(page, 1)[0]
    _choose(page, "stMain", "Chỉ tiêu", "Đưa người lao động đi làm việc ở nước ngoài theo hợp đồng")
    _changed(page, 0, before)
    query = _query(page)
    assert query["ind"] == "workers_abroad" and query["unit"] == "VN34-86" and query["period"] == "2025"
    assert "Vĩnh Long" in _selected(page, "stSidebar", "Đơn vị")
    assert page.locator("h1").first.inner_text().startswith("So sánh")
    assert page.locator("[data-testid='stException']").count() == 0
    # the link opens the same view; a sidebar filter (a whole page run) keeps the page's own choice
    page.goto(page.url)
    settle(page)
    assert "nước ngoài" in _selected(page, "stMain", "Chỉ tiêu")
    before = _charts(page, 1)[0]
    _choose(page, "stSidebar", "Đơn vị", "Cần Thơ")
    _changed(page, 0, before)
    query = _query(page)
    assert query["unit"] == "VN34-92" and query["ind"] == "workers_abroad"
    page.close()


def test_domain_map_indicator_change_redraws_map_and_trend_only_in_its_part(app_url, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_url}/giam-ngheo?unit=VN34-86&period=2025&geo=34")
    settle(page)
    over_years, map_before, trend_before = _charts(page, 3)  # the years, the map, the trend
    assert page.locator('[data-testid="stMain"] .js-plotly-plot').count() == 3
    _choose(page, "stMain", "Chỉ tiêu", "Tỷ lệ hộ cận nghèo")
    _changed(page, 1, map_before)
    page.wait_for_function(f"b => ({CHART_DATA})(2) !== b", arg=trend_before, timeout=60000)
    assert page.evaluate(CHART_DATA, 0) == over_years  # the part above is not the fragment's
    assert _query(page)["map_poverty"] == "near_poor_household_rate"
    assert page.locator("[data-testid='stException']").count() == 0
    page.goto(page.url)
    settle(page)
    assert "cận nghèo" in _selected(page, "stMain", "Chỉ tiêu")
    page.close()
