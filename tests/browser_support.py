"""Shared by the browser tests: Debian's headless Chromium and a dashboard served on a free port."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run"]
REPO = Path(__file__).resolve().parent.parent
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def served_app(data_dir: Path):
    """Start the dashboard (scripts/serve.py) on data_dir; yield its URL; stop it afterwards."""
    port = _free_port()
    env = dict(os.environ, KPI_DATA_DIR=str(data_dir))
    proc = subprocess.Popen([sys.executable, "scripts/serve.py", "run", "dashboard.py", "--server.port", str(port),
                             "--server.headless", "true", "--server.address", "127.0.0.1"],
                            cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("streamlit did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def settle(page) -> None:
    """Wait until the page has drawn and Streamlit has finished running it."""
    page.wait_for_selector("[data-testid='stMain']", timeout=30000)
    page.wait_for_timeout(800)
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60000)
    page.wait_for_timeout(500)


def visit_every_page(page, app_url: str):
    """Open the app, then each page of its navigation in turn; yields each page's link once drawn."""
    page.goto(app_url)
    settle(page)
    page.wait_for_selector("[data-testid='stSidebarNav'] a", timeout=30000)
    more = page.locator("[data-testid='stSidebarNavViewButton']")
    if more.count():  # Streamlit shows the first ten pages and "View N more"
        more.first.click()
        page.wait_for_timeout(500)
    links = page.locator("[data-testid='stSidebarNav'] a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) >= 16, hrefs  # every page of the navigation, the folded ones too
    for href in hrefs:
        page.goto(href if href.startswith("http") else f"{app_url}/{href.lstrip('/')}")
        settle(page)
        yield href
