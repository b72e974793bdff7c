"""The Dữ liệu page in headless Chromium: download the template, fill it, upload it, read the report,
confirm, see the new snapshot and its diff. Set KPI_SCREENSHOTS=DIR to keep screenshots of each step."""
import io
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from browser_support import needs_chromium, open_nav_link

from kpi import store
from kpi.importing.merge import prepare_import

pytestmark = [pytest.mark.browser, needs_chromium]


@pytest.fixture(scope="module")
def app_data_dir(demo_dir, tmp_path_factory) -> Path:
    """A copy of the demo folder, served by app_url: the test writes a snapshot into it."""
    folder = tmp_path_factory.mktemp("browser_data") / "data"
    shutil.copytree(demo_dir, folder)
    return folder


def _settle(page, pause: int = 800):
    page.wait_for_timeout(pause)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
    page.wait_for_timeout(pause)


def _shot(page, name: str) -> None:
    folder = os.environ.get("KPI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _fill(template: bytes) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Số liệu"]
    # unit, period, indicator, actual, plan, plan kind, plan high, numerator, denominator, source, note
    sheet.append(["Bến Tre", "2020", "Giải quyết việc làm", 18500, 18000, None, None, None, None,
                  "Báo cáo năm 2020 (sửa)", None])
    sheet.append(["Cần Thơ", "6 tháng đầu năm 2023", "Tỷ lệ hộ nghèo", 0.5, None, None, None, 1250, 250000,
                  "Báo cáo 6 tháng", None])
    sheet.append(["Hà Tĩnh", "6T/2026", "jobs_created", 12000, 25000, None, None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_template_fill_upload_confirm_history_diff(app_url, browser, app_data_dir, tmp_path):
    before = [s.id for s in store.list_snapshots(app_data_dir)]
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    page.goto(app_url)  # the app's first run registers the pages; then follow the sidebar link
    page.wait_for_selector("[data-testid='stMain']", timeout=60000)
    _settle(page)
    open_nav_link(page, "Dữ liệu")
    page.wait_for_url("**/du-lieu**")
    _settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    _shot(page, "data_1_page.png")

    with page.expect_download() as download:
        page.get_by_role("button", name="Tải mẫu nhập liệu (Excel)").click()
    template = Path(download.value.path()).read_bytes()
    filled = tmp_path / "mau_da_dien.xlsx"
    filled.write_bytes(_fill(template))
    expected = prepare_import([(filled.name, filled.read_bytes())], data_dir=app_data_dir)
    assert expected.ok, [i.text() for i in expected.errors]
    counts = expected.counts

    # a file with an error first: the report names row and column, and there is no confirm button
    bad = tmp_path / "co_loi.csv"
    bad.write_text("unit,period,indicator,actual\nBến Tre,2026,jobs_created,5\n", encoding="utf-8")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    _settle(page, 1500)
    assert "Chưa thể nhập" in page.inner_text("[data-testid='stMain']")
    assert page.get_by_role("button", name="Xác nhận: ghi bản dữ liệu mới").count() == 0
    _shot(page, "data_2_errors.png")
    page.locator("[data-testid='stFileChipDeleteBtn'] button").first.click()
    _settle(page)

    # an unusual figure: a warning, and the confirm button waits for the box to be ticked
    unusual = tmp_path / "bat_thuong.csv"
    unusual.write_text("unit,period,indicator,actual\nBến Tre,2020,jobs_created,99000\n", encoding="utf-8")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(unusual))
    _settle(page, 1500)
    assert "cảnh báo: số liệu có thể đúng nhưng bất thường" in page.inner_text("[data-testid='stMain']")
    confirm = page.get_by_role("button", name="Xác nhận: ghi bản dữ liệu mới")
    assert confirm.is_disabled()
    page.get_by_text("Tôi đã kiểm tra các cảnh báo").click()
    _settle(page)
    assert confirm.is_enabled()
    _shot(page, "data_2b_warnings.png")
    page.locator("[data-testid='stFileChipDeleteBtn'] button").first.click()
    _settle(page)
    assert [s.id for s in store.list_snapshots(app_data_dir)] == before  # nothing written without the click

    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(filled))
    _settle(page, 1500)
    text = page.inner_text("[data-testid='stMain']")
    assert "Xem trước các thay đổi" in text
    assert f"Thêm mới {counts['added']}, thay đổi {counts['changed']}, giữ nguyên {counts['unchanged']}" in text
    _shot(page, "data_3_preview.png")
    assert [s.id for s in store.list_snapshots(app_data_dir)] == before  # nothing written yet

    page.get_by_role("button", name="Xác nhận: ghi bản dữ liệu mới").click()
    _settle(page, 1500)
    after = [s.id for s in store.list_snapshots(app_data_dir)]
    assert len(after) == len(before) + 1 and after[1:] == before
    assert f"Đã ghi bản dữ liệu mới {after[0]}" in page.inner_text("[data-testid='stMain']")
    assert f"snap={after[0]}" in page.url
    _shot(page, "data_4_written.png")

    page.get_by_role("tab", name="Lịch sử bản dữ liệu").click()
    _settle(page)
    assert "mau_da_dien.xlsx" in page.inner_text("[data-testid='stMain']") or \
        page.locator("[data-testid='stDataFrame']").count() > 0
    _shot(page, "data_5_history.png")

    page.get_by_role("tab", name="So sánh hai bản dữ liệu").click()
    _settle(page)
    assert f"Thêm mới {counts['added']}, thay đổi {counts['changed']}, bị xóa 0 số liệu." in \
        page.inner_text("[data-testid='stMain']")
    _shot(page, "data_6_diff.png")
    with page.expect_download() as download:  # the CSV is built when the button is clicked
        page.get_by_role("button", name="Tải danh sách khác biệt (CSV)").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 1 + counts["added"] + counts["changed"] and rows[0].startswith("change,indicator")
    assert page.locator("[data-testid='stException']").count() == 0
