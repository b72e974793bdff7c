"""In headless Chromium: the "Tải PDF" download of /so-sanh for the 63 provinces is a PDF with every
province's row and writes an audit row; the browser's own print of the page (page.pdf) is A4 with the
chart whole on one page, and the page says that the PDF is how to print every row."""
import io
import re
import shutil

import pytest
from browser_support import needs_chromium, settle
from pypdf import PdfReader

from kpi import figures, store
from kpi.access import audit
from kpi.screens.compare import compare_screen
from kpi.text.i18n import t

pytestmark = [needs_chromium, pytest.mark.browser]

URL = "/so-sanh?ind=jobs_created&period=2020&geo=63&unit=VN63-83"


@pytest.fixture(scope="module")
def app_data_dir(demo_dir, tmp_path_factory):
    """A copy of the demo folder, served by app_url: the download writes to its audit log."""
    folder = tmp_path_factory.mktemp("pdf_data") / "data"
    shutil.copytree(demo_dir, folder)
    return folder


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_pdf_download_of_the_compare_page_holds_every_row(app_url, browser, app_data_dir, tmp_path):
    snapshot = store.get_snapshot(None, app_data_dir)
    screen = compare_screen(snapshot, figures.units(snapshot), figures.indicators(snapshot), 63, "2020",
                            "jobs_created", None, "vi", focus="VN63-83")
    page = browser.new_page(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    page.goto(f"{app_url}{URL}")
    settle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    main = page.locator("[data-testid='stMain']")
    assert t("pdf_print_caption", "vi") in main.inner_text()
    with page.expect_download(timeout=180000) as download:
        page.get_by_role("button", name=t("pdf_download", "vi")).click()
    path = tmp_path / "so-sanh.pdf"
    download.value.save_as(path)
    assert download.value.suggested_filename.endswith(".pdf")
    data = path.read_bytes()
    assert data[:5] == b"%PDF-"
    texts = [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]
    whole = _flat(" ".join(texts))
    names = list(screen.provinces["name"])
    assert len(names) == 63 and [n for n in names if n not in whole] == []
    assert "Bến Tre" in whole and "Đơn vị: Bến Tre" in whole and f"Trang {len(texts)}/{len(texts)}" in whole
    log = audit.read_log(app_data_dir)
    exports = log[(log["action"] == audit.EXPORT) & log["what"].str.contains(r"\.pdf", regex=True)]
    assert len(exports) == 1 and "so-sanh" in exports["what"].iloc[0] and snapshot.id in exports["ids"].iloc[0]
    page.close()


def test_browser_print_of_the_compare_page_is_tidy(app_url, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{app_url}{URL}")
    settle(page)
    page.wait_for_selector(".js-plotly-plot", timeout=60000)
    page.wait_for_timeout(1000)
    data = page.pdf(prefer_css_page_size=True, print_background=True)
    reader = PdfReader(io.BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 portrait
    texts = [_flat(p.extract_text() or "") for p in reader.pages]
    # the chart is whole on one page: its first and last province and its axis on the same page
    chart_pages = [x for x in texts if "Thanh Hóa" in x and "Đà Nẵng" in x]
    assert chart_pages, texts
    assert "So sánh" in texts[0] and t("pdf_print_caption", "vi")[:40] in " ".join(texts)
    page.close()
