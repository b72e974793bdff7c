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


def nav_links(page) -> list[tuple[str, str]]:
    """(title, href) of every page of the navigation: the top bar's sections opened one by one."""
    page.wait_for_selector("[data-testid='stTopNavSection']", timeout=30000)
    found: dict[str, str] = {}
    sections = page.locator("[data-testid='stTopNavSection']")
    for i in range(sections.count()):
        sections.nth(i).click()
        page.wait_for_selector("[data-testid='stTopNavDropdownLink']", timeout=10000)
        links = page.locator("[data-testid='stTopNavDropdownLink']")
        for k in range(links.count()):
            found[links.nth(k).get_attribute("href")] = links.nth(k).inner_text().strip().splitlines()[-1]
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)
    return [(title, href) for href, title in found.items()]


def open_nav_link(page, title: str) -> None:
    """Follow the navigation's link to the page titled `title` (its section opened first)."""
    page.wait_for_selector("[data-testid='stTopNavSection']", timeout=30000)
    sections = page.locator("[data-testid='stTopNavSection']")
    for i in range(sections.count()):
        sections.nth(i).click()
        link = page.locator("[data-testid='stTopNavDropdownLink']", has_text=title)
        page.wait_for_timeout(300)
        if link.count():
            link.first.click()
            return
        page.keyboard.press("Escape")
    raise AssertionError(f"no navigation link titled {title!r}")


def visit_every_page(page, app_url: str):
    """Open the app, then each page of its navigation in turn; yields each page's link once drawn."""
    page.goto(app_url)
    settle(page)
    hrefs = [href for _, href in nav_links(page)]
    assert len(hrefs) >= 16, hrefs  # every page of the navigation
    for href in hrefs:
        page.goto(href if href.startswith("http") else f"{app_url}/{href.lstrip('/')}")
        settle(page)
        yield href
