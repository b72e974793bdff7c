"""Sign-in through the real local OIDC provider (npm `oidc-provider`, scripts/oidc/server.js) in headless
Chromium: the app and the provider started by the README's second command (scripts/start_signin.sh) on
127.0.0.1 ports, a viewer who cannot import or approve (and whose User is refused by commit_import), an
editor whose import is pending, an approver who approves it, and the viewer seeing it afterwards; the
audit log holds a row per action. Set KPI_SCREENSHOTS=DIR to keep screenshots of each step.

Skipped, with the reason, when Chromium or Node.js/npm are missing and scripts/setup.sh --signin
cannot install them (setup.sh --browser, run by scripts/test.sh, installs them on CI)."""
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from browser_support import REPO, _free_port, nav_links, needs_chromium, settle

from kpi import store
from kpi.access import audit, signin
from kpi.access.users import PermissionDenied
from kpi.importing.merge import commit_import, prepare_import

pytestmark = [pytest.mark.browser, needs_chromium]

PASSWORDS = {"lanhdao@demo.vn": "lanhdao123", "chuyenvien@demo.vn": "chuyenvien123",
             "truongphong@demo.vn": "truongphong123", "quantri@demo.vn": "quantri123"}
# the viewer's claims as the provider sends them (scripts/oidc/server.js)
VIEWER_CLAIMS = {"is_logged_in": True, "sub": "lanhdao@demo.vn", "email": "lanhdao@demo.vn", "email_verified": True,
                 "name": "Lãnh đạo Sở (demo)", "roles": ["viewer"]}
NEW_FIGURE = 18500  # Bến Tre 2020 jobs created: 18.382 in the demo (the published report)


def _oidc_ready() -> str | None:
    """None when Node.js and the provider's packages are there (after setup.sh --signin), else why not."""
    def missing() -> str | None:
        if not shutil.which("node"):
            return "Node.js is not installed"
        if not (REPO / "scripts" / "oidc" / "node_modules" / "oidc-provider").is_dir():
            return "scripts/oidc/node_modules is missing (npm ci)"
        return None
    if missing() is None:
        return None
    subprocess.run(["bash", "scripts/setup.sh", "--signin"], cwd=REPO, capture_output=True, timeout=900)
    reason = missing()
    return f"{reason} and bash scripts/setup.sh --signin could not install it" if reason else None


def _shot(page, name: str) -> None:
    folder = os.environ.get("KPI_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


@contextlib.contextmanager
def signin_app(data_dir: Path):
    """bash scripts/start_signin.sh on free 127.0.0.1 ports; yields the app's URL; stops both servers."""
    app_port, oidc_port = _free_port(), _free_port()
    env = dict(os.environ, KPI_DATA_DIR=str(data_dir), KPI_SKIP_SETUP="1", APP_PORT=str(app_port),
               OIDC_PORT=str(oidc_port), KPI_ROLES_FILE=str(REPO / "data" / "roles.example.toml"))
    log = data_dir.parent / "start_signin.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["bash", "scripts/start_signin.sh"], cwd=REPO, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{app_port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail("start_signin.sh stopped:\n" + log.read_text(errors="replace")[-3000:])
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the app did not start:\n" + log.read_text(errors="replace")[-3000:])
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the script's own group: the app and the provider
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def signin_data(demo_dir, tmp_path_factory) -> Path:
    reason = _oidc_ready()
    if reason:
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("signin") / "data"
    shutil.copytree(demo_dir, folder)
    return folder


@pytest.fixture(scope="module")
def app_data_dir(signin_data) -> Path:
    return signin_data


@pytest.fixture(scope="module")
def app_server():
    """app_url (conftest) served with the local OIDC provider beside it."""
    return signin_app


def sign_in(browser, app_url: str, email: str):
    """A fresh browser context (its own cookies) signed in as `email` through the provider's form."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(app_url)
    settle(page)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/interaction/**", timeout=30000)
    page.fill("#email", email)
    page.fill("#password", PASSWORDS[email])
    page.click("button[type=submit]")
    page.wait_for_url(app_url + "/**", timeout=30000)
    settle(page)
    page.wait_for_selector("[data-testid='stTopNavSection']", timeout=30000)
    return context, page


def goto(page, app_url: str, path: str) -> str:
    page.goto(f"{app_url}/{path}")
    page.wait_for_selector("[data-testid='stMain'] h1", timeout=60000)  # drawn, also on a busy machine
    settle(page)
    assert page.locator("[data-testid='stException']").count() == 0
    return page.inner_text("[data-testid='stMain']")


def nav_titles(page) -> list[str]:
    """The page titles of the navigation (the top bar's sections opened one by one)."""
    return [title for title, _ in nav_links(page)]


def test_wrong_password_is_refused_by_the_provider(browser, app_url):
    context = browser.new_context()
    page = context.new_page()
    page.goto(app_url)
    settle(page)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/interaction/**", timeout=30000)
    page.fill("#email", "lanhdao@demo.vn")
    page.fill("#password", "sai-mat-khau")
    page.click("button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert "không đúng" in page.inner_text("[role=alert]")
    assert "/interaction/" in page.url  # still at the provider: not signed in
    context.close()


def test_viewer_reads_but_cannot_import_or_approve(browser, app_url, signin_data):
    context, page = sign_in(browser, app_url, "lanhdao@demo.vn")
    side = page.inner_text("[data-testid='stSidebar']")
    assert "Lãnh đạo Sở (demo)" in side and "Quyền: xem" in side
    assert "Chế độ cục bộ" not in page.inner_text("[data-testid='stMain']")
    assert "Nhật ký hệ thống" not in nav_titles(page) and "Dữ liệu" in nav_titles(page)
    _shot(page, "signin_1_viewer_overview.png")

    text = goto(page, app_url, "du-lieu")
    assert page.locator("input[type=file]").count() == 0, "no import for a viewer"
    assert page.get_by_role("tab", name="Nhập số liệu").count() == 0
    assert page.get_by_role("button", name="Duyệt").count() == 0, "no approve button for a viewer"
    assert "cần quyền nhập liệu" in text
    _shot(page, "signin_2_viewer_data.png")

    goto(page, app_url, "xep-hang")
    save_version = page.get_by_role("button", name="Lưu thành phiên bản mới của bảng điểm")
    assert save_version.count() == 0, "no scorecard editing for a viewer"
    context.close()

    # the write itself refuses that user, not only the page: commit_import with the viewer's User
    viewer = signin.user_from_claims(VIEWER_CLAIMS)
    report = prepare_import([("x.csv", f"unit,period,indicator,actual\nBến Tre,2020,jobs_created,{NEW_FIGURE}\n"
                              .encode())], data_dir=signin_data)
    assert report.ok
    before = [s.id for s in store.list_snapshots(signin_data, states=None)]
    with pytest.raises(PermissionDenied):
        commit_import(report, user=viewer, data_dir=signin_data)
    assert [s.id for s in store.list_snapshots(signin_data, states=None)] == before


def test_editor_imports_pending_approver_approves_viewer_sees_it(browser, app_url, signin_data, tmp_path):
    upload = tmp_path / "ben_tre_2020.csv"
    upload.write_text(f"unit,period,indicator,actual\nBến Tre,2020,jobs_created,{NEW_FIGURE}\n", encoding="utf-8")
    approved_before = store.get_snapshot(None, signin_data).id

    # the editor imports: the new snapshot is pending, the pages still show the approved one
    context, page = sign_in(browser, app_url, "chuyenvien@demo.vn")
    goto(page, app_url, "du-lieu")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(upload))
    settle(page)
    assert "Xem trước các thay đổi" in page.inner_text("[data-testid='stMain']")
    page.get_by_role("button", name="Xác nhận: ghi bản dữ liệu mới").click()
    settle(page)
    _shot(page, "signin_3_editor_imported.png")
    pending = [s for s in store.list_snapshots(signin_data, states=None) if s.id != approved_before and s.state == "pending"]
    assert len(pending) == 1, "the editor's import is pending"
    assert store.get_snapshot(None, signin_data).id == approved_before
    assert page.get_by_role("button", name="Duyệt").count() == 0, "an editor does not approve"
    context.close()

    # the approver approves it on the Dữ liệu page
    context, page = sign_in(browser, app_url, "truongphong@demo.vn")
    text = goto(page, app_url, "du-lieu")
    assert page.locator("input[type=file]").count() == 0, "an approver without the editor role does not import"
    assert pending[0].id in text, "the pending snapshot is shown to the approver"
    page.get_by_role("button", name="Duyệt").click()
    settle(page)
    _shot(page, "signin_4_approver_approved.png")
    assert store.get_snapshot(None, signin_data).id == pending[0].id
    context.close()

    # the viewer now reads the approved figure
    context, page = sign_in(browser, app_url, "lanhdao@demo.vn")
    goto(page, app_url, "?unit=VN63-83&period=2020&geo=63")
    page.get_by_text(f"{NEW_FIGURE:,}".replace(",", "."), exact=False).first.wait_for(timeout=60000)
    _shot(page, "signin_5_viewer_sees_it.png")
    context.close()

    log = audit.read_log(signin_data)
    actions = list(zip(log["action"], log["user_id"]))
    assert ("import", "chuyenvien@demo.vn") in actions and ("approve", "truongphong@demo.vn") in actions
    assert {u for a, u in actions if a == "sign_in"} >= {"lanhdao@demo.vn", "chuyenvien@demo.vn", "truongphong@demo.vn"}


def test_admin_from_the_roles_file_reads_and_exports_the_audit_log(browser, app_url, signin_data):
    context, page = sign_in(browser, app_url, "quantri@demo.vn")  # no roles claim: data/roles.example.toml
    assert "Nhật ký hệ thống" in nav_titles(page)
    text = goto(page, app_url, "nhat-ky")
    total = len(audit.read_log(signin_data))
    assert f"{total} / {total} dòng" in text  # the table itself is drawn on a canvas: its rows are in the CSV
    _shot(page, "signin_6_admin_audit_log.png")
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải nhật ký (CSV)").click()
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Thời điểm") and any("quantri@demo.vn" in r for r in rows[1:])
    context.close()
    log = audit.read_log(signin_data)
    exports = log[(log["action"] == "export") & (log["user_id"] == "quantri@demo.vn")]
    assert len(exports) == 1 and "nhat-ky-he-thong" in exports["what"].iloc[0]
