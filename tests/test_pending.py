"""Pending snapshots under a banner (DESIGN section 10, issue 12 item 3): editors and approvers see
the snapshots waiting for approval on every page and in the sidebar's selector (labelled chờ duyệt),
viewers never (a pending id in a viewer's link falls back to the newest approved one, with a
message); a pending snapshot viewed is said so; the approval section shows each pending snapshot's
differences from the approved head; an editor's import says it waits for approval, on the page and
on the command line. Under AppTest with its own st.user / secrets seams (AppTest.user, .secrets)."""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from conftest import copy_data
from streamlit.testing.v1 import AppTest
from test_access import AUTH, claims

from kpi import cli, store
from kpi.access import audit, signin
from kpi.access.users import APPROVER, EDITOR, VIEWER, User
from kpi.importing.merge import commit_import, prepare_import
from kpi.screens import access as access_view
from kpi.screens import data as view
from kpi.store import catalogue

REPO = Path(__file__).resolve().parent.parent
EDITOR_CLAIMS = claims("chuyenvien@demo.vn", ["editor"], name="Chuyên viên Biên")
APPROVER_CLAIMS = claims("truongphong@demo.vn", ["approver", "viewer"], name="Trưởng phòng")
VIEWER_CLAIMS = claims("lanhdao@demo.vn", ["viewer"], name="Lãnh đạo Sở")
ROW = "unit,period,indicator,actual\nBến Tre,2020,jobs_created,{value}\n"


@pytest.fixture
def folder(demo_dir, tmp_path, backend) -> Path:
    """A copy of the demo data folder (imports and sign-ins write to it), on both deployments
    (conftest.backend): SQLite and the folder's files, or PostgreSQL and the files in SeaweedFS."""
    return copy_data(demo_dir, tmp_path / "data")


@pytest.fixture(autouse=True)
def _environment_restored(restore_env):
    """Every test here leaves KPI_DATA_DIR and KPI_ROLES_FILE as it found them (conftest.restore_env)."""
    yield


@pytest.fixture
def pending(folder) -> store.Snapshot:
    """A signed-in editor's import: pending, not what pages show by default."""
    editor = signin.user_from_claims(EDITOR_CLAIMS)
    report = prepare_import([("x.csv", ROW.format(value=18500).encode())], data_dir=folder)
    snapshot = commit_import(report, note="số quý", user=editor, data_dir=folder)
    assert snapshot.state == catalogue.PENDING
    return snapshot


def run_as(folder: Path, user: dict, page: str | None = None, query: dict | None = None) -> AppTest:
    os.environ["KPI_DATA_DIR"] = str(folder)
    os.environ["KPI_ROLES_FILE"] = str(folder / "roles.toml")
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = user
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(text: str) -> str:
    """Markdown as read: the escapes of markdown_escape removed."""
    return text.replace("\\", "")


def banners(at) -> list[str]:
    return [plain(w.value) for w in at.warning if "chờ duyệt" in w.value]


def viewing(at) -> list[str]:
    return [plain(e.value) for e in at.error if e.value.startswith("Đang xem bản chờ duyệt")]


# ---- who sees what (kpi.screens.access) --------------------------------------------------------------

@pytest.mark.unit
def test_the_choice_offers_pending_to_editors_and_approvers_only(folder, pending):
    approved = store.get_snapshot(None, folder)
    for roles in ({EDITOR}, {APPROVER}, {EDITOR, VIEWER}):
        choice = access_view.snapshot_choice(User(id="u", name="u", roles=frozenset(roles)), folder)
        assert choice.ids[:2] == [pending.id, approved.id] and choice.default_id == approved.id
        assert [e.id for e in choice.pending] == [pending.id]
        assert access_view.snapshot_label(pending.id, choice, "vi") == f"{pending.id} (chờ duyệt)"
        assert access_view.snapshot_label(approved.id, choice, "en") == f"{approved.id} (latest)"
        assert "Có 1 bản dữ liệu chờ duyệt" in access_view.pending_banner(choice, "vi")
    viewer = access_view.snapshot_choice(User(id="v", name="v", roles=frozenset({VIEWER})), folder)
    assert viewer.ids == [approved.id] and not viewer.pending and access_view.pending_banner(viewer, "vi") == ""
    assert "chỉ người nhập liệu và người duyệt" in access_view.fallback_text(pending.id, viewer, "vi")
    assert "cannot be viewed" in access_view.fallback_text("20990101-000000-abcdef", viewer, "en")


@pytest.mark.unit
def test_a_scoped_editor_sees_only_the_pending_imports_within_its_units(folder, pending):
    def scoped(units: set[str]) -> User:
        return User(id="a", name="a", roles=frozenset({EDITOR}), scopes=((EDITOR, frozenset(units)),))

    assert catalogue_units(folder, pending.id) == ["VN63-83"]  # Bến Tre, the unit the import wrote
    assert [e.id for e in access_view.snapshot_choice(scoped({"VN63-83"}), folder).pending] == [pending.id]
    assert [e.id for e in access_view.snapshot_choice(scoped({"R63-MRD"}), folder).pending] == [pending.id]  # its region
    outside = access_view.snapshot_choice(scoped({"VN63-01"}), folder)
    assert outside.pending == [] and pending.id not in outside.ids


def catalogue_units(folder: Path, snapshot_id: str) -> list[str]:
    with catalogue.connect(folder) as con:
        return list(catalogue.entry(con, snapshot_id).units)


@pytest.mark.unit
def test_the_review_of_a_pending_snapshot_against_the_approved_head(folder, pending):
    approved = store.get_snapshot(None, folder)
    review = view.pending_review(pending.id, approved, "vi", folder)
    assert review.heading == f"Khác biệt so với bản đã duyệt {approved.id}"
    assert review.sentence == "Thêm mới 0, thay đổi 1, bị xóa 0 số liệu."
    assert len(review.table) == 1 and b"18500" in review.csv()
    assert view.pending_review(pending.id, None, "vi", folder).note.startswith("Chưa có bản đã duyệt")
    assert view.pending_review("20990101-000000-abcdef", approved, "en", folder).note.startswith("Cannot compare")


# ---- the pages, per role ---------------------------------------------------------------------------

@pytest.mark.page
def test_editor_sees_the_banner_and_the_pending_snapshot(folder, pending):
    approved = store.get_snapshot(None, folder)
    at = run_as(folder, EDITOR_CLAIMS)
    assert len(banners(at)) == 1 and f"mới nhất: {pending.id}, do Chuyên viên Biên nhập lúc" in banners(at)[0]
    assert any(link.label == "Xem và duyệt trên trang Dữ liệu" for link in at.get("page_link"))
    snap = at.sidebar.selectbox(key="snap")
    assert snap.value == approved.id, "pages default to the newest approved snapshot"
    assert f"{pending.id} (chờ duyệt)" in snap.options and f"{approved.id} (mới nhất)" in snap.options
    assert not viewing(at)
    # AppTest redraws no sidebar widget on a rerun with st.navigation: the pending one chosen by its link
    at = run_as(folder, EDITOR_CLAIMS, query={"snap": pending.id})
    assert at.sidebar.selectbox(key="snap").value == pending.id
    assert not [w for w in at.warning if "chỉ người nhập liệu" in w.value], "an editor's link is honoured"
    assert len(viewing(at)) == 1 and pending.id in viewing(at)[0] and approved.id in viewing(at)[0]
    assert any(b.proto.label == "Xem bản đã duyệt mới nhất" for b in at.get("link_button"))
    # the Dữ liệu page: the banner, the differences, no approve button for an editor
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(banners(at)) == 1 and len(viewing(at)) == 1
    assert any(f"Khác biệt so với bản đã duyệt {approved.id}" in plain(m.value) for m in at.markdown)
    assert [b.key for b in at.get("download_button") if b.key == f"apv_diff_csv_{pending.id}"]
    assert not [b for b in at.button if b.label in ("Duyệt", "Từ chối")]


@pytest.mark.page
def test_approver_sees_the_differences_before_approving(folder, pending):
    approved = store.get_snapshot(None, folder)
    at = run_as(folder, APPROVER_CLAIMS, "pages/data.py")
    assert len(banners(at)) == 1
    assert any(f"Khác biệt so với bản đã duyệt {approved.id}" in plain(m.value)
               and "thay đổi 1" in m.value for m in at.markdown)
    changes = next(d.value for d in at.main.dataframe if "Thực hiện (mới)" in d.value.columns)
    assert list(changes["Thực hiện (mới)"]) == ["18.500"]
    assert [b.key for b in at.get("download_button") if b.key == f"apv_diff_csv_{pending.id}"]
    at.button(key=f"apv_ok_{pending.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert store.get_snapshot(None, folder).id == pending.id
    assert not banners(at), "nothing waits any more"


@pytest.mark.page
def test_viewer_never_gets_pending_snapshots(folder, pending):
    approved = store.get_snapshot(None, folder)
    at = run_as(folder, VIEWER_CLAIMS)
    assert not banners(at) and not viewing(at)
    snap = at.sidebar.selectbox(key="snap")
    assert snap.options == [f"{approved.id} (mới nhất)"]
    # a pending id in the viewer's link: the newest approved one, with a message
    at = run_as(folder, VIEWER_CLAIMS, query={"snap": pending.id})
    assert at.sidebar.selectbox(key="snap").value == approved.id
    messages = [plain(w.value) for w in at.warning]
    assert any(f"Bản dữ liệu {pending.id} đang chờ duyệt" in m and f"Đang hiển thị bản {approved.id}" in m
               for m in messages), messages
    assert not viewing(at)
    at = run_as(folder, VIEWER_CLAIMS, "pages/data.py")
    assert not banners(at) and not [b for b in at.get("download_button") if b.key.startswith("apv_diff_csv_")]


@pytest.mark.page
def test_an_editors_import_on_the_page_says_it_waits_for_approval(folder):
    at = run_as(folder, EDITOR_CLAIMS, "pages/data.py")
    at.file_uploader[0].set_value(("x.csv", ROW.format(value=18600).encode(), "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="imp_confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    newest = store.list_snapshots(folder)[0]
    assert newest.state == catalogue.PENDING
    assert any(s.value.startswith(f"Đã ghi bản dữ liệu {newest.id} — chờ duyệt") for s in at.success), \
        [s.value for s in at.success]
    assert at.session_state["snap"] == newest.id and len(viewing(at)) == 1  # the editor now views it
    log = audit.read_log(folder)
    assert ("import", "chuyenvien@demo.vn") in set(zip(log["action"], log["user_id"]))


# ---- the command line -------------------------------------------------------------------------------

@pytest.mark.unit
def test_the_command_line_summary_says_pending(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_USER", "tester")
    file = tmp_path / "a.csv"
    file.write_text(ROW.format(value=18700), encoding="utf-8")

    def run(*args) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = cli.main(["--data-dir", str(folder), "import", str(file), *args])
        return code, out.getvalue()

    code, out = run()  # local mode without --pending: approved as it commits, nothing said of approval
    assert code == 0 and "Đã ghi bản dữ liệu" in out and "chờ duyệt" not in out
    assert store.list_snapshots(folder)[0].state == catalogue.APPROVED
    file.write_text(ROW.format(value=18800), encoding="utf-8")
    code, out = run("--pending")
    snapshot = store.list_snapshots(folder)[0]
    assert code == 0 and snapshot.state == catalogue.PENDING
    assert f"Đã ghi bản dữ liệu {snapshot.id} (bản trước: " in out and ") — chờ duyệt." in out
