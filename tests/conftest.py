"""Shared fixtures: a demo snapshot built once per test session, an empty data folder, AppTest runner."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from kpi.screens.domains import DOMAIN_PAGES

# no per-example deadline: the CI machine's 2 cores may be busy; the properties matter, not timing
settings.register_profile("project", deadline=None)
settings.load_profile("project")

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """A data folder holding the demo snapshot (built once; tests must not write into it)."""
    from kpi.demo.provinces import build_demo

    folder = tmp_path_factory.mktemp("demo_data")
    build_demo(folder)
    return folder


@pytest.fixture(scope="session")
def demo_snapshot(demo_dir):
    from kpi import store

    return store.get_snapshot(None, demo_dir)


@pytest.fixture
def empty_dir(tmp_path) -> Path:
    return tmp_path


@pytest.fixture
def reference_dir() -> Path:
    """../shared/reference, or skip when the folder is absent (CI without shared/)."""
    if not REFERENCE.is_dir():
        pytest.skip(f"reference folder {REFERENCE} is absent")
    return REFERENCE


def run_page(page: str | None, data_dir: Path, query: dict | None = None, timeout: float = 60):
    """Run dashboard.py under AppTest on `page` (e.g. 'pages/compare.py'; None = default page).

    A domain page is named by its domain, 'domain:poverty': the one file pages/domain.py is
    registered once per domain (kpi.screens.domains.DOMAIN_PAGES), told apart by URL path.
    """
    from streamlit.testing.v1 import AppTest

    os.environ["KPI_DATA_DIR"] = str(data_dir)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=timeout)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page and page.startswith("domain:"):
        at.switch_page("pages/domain.py")
        # AppTest switches by file; a file under several URL paths is told apart by the page hash
        # st.navigation registered for the URL (AppTest keeps that map after a run)
        url_path = DOMAIN_PAGES[page.split(":", 1)[1]].url_path
        at._page_hash = next(h for h, info in at._registered_pages.items() if info.get("url_pathname") == url_path)
        at.run()
    elif page:
        at.switch_page(page)
        at.run()
    return at
