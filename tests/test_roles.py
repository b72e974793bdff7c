"""Users and roles in the catalogue (issue 13, DESIGN section 10): grants and revocations append-only
in `role_grants` on SQLite and PostgreSQL, each with its audit row; the provider's claim wins, else
the catalogue's grants; the roles file seeds an empty catalogue; `kpi users`; the audit page's
Người dùng và quyền tab; one sign-in row per id_token across real concurrent processes."""
from __future__ import annotations

import logging
import multiprocessing
import os
from pathlib import Path

import pytest
from conftest import copy_data
from test_access import AUTH, claims

from kpi import cli
from kpi.access import audit, roles, signin
from kpi.access.users import ADMIN, EDITOR, VIEWER, PermissionDenied, User, local_user, may
from kpi.store import catalogue

REPO = Path(__file__).resolve().parent.parent
ADMIN_USER = local_user("quantri")
BOTH = pytest.mark.parametrize("catalogue_db", ["sqlite", "postgresql"], indirect=True)


def actions(folder) -> list[tuple[str, str]]:
    log = audit.read_log(folder)
    return [(a, w) for a, w in zip(log["action"], log["what"]) if a.startswith("role_")]


# ---- grants and revocations -----------------------------------------------------------------------

@pytest.mark.unit
@BOTH
def test_grant_revoke_and_the_latest_row_wins(tmp_path, catalogue_db):
    roles.grant(ADMIN_USER, " ChuyenVien@Demo.vn ", EDITOR, "VN34-15", tmp_path)
    roles.grant(ADMIN_USER, "chuyenvien@demo.vn", VIEWER, None, tmp_path)
    now = {(g.email, g.role, g.unit) for g in roles.current_grants(tmp_path)}
    assert now == {("chuyenvien@demo.vn", EDITOR, "VN34-15"), ("chuyenvien@demo.vn", VIEWER, "")}
    grant = roles.grant_of("CHUYENVIEN@demo.vn", tmp_path)
    assert grant.roles == {EDITOR, VIEWER} and dict(grant.scopes) == {EDITOR: frozenset({"VN34-15"})}
    roles.revoke(ADMIN_USER, "chuyenvien@demo.vn", EDITOR, "VN34-15", tmp_path)
    assert roles.grant_of("chuyenvien@demo.vn", tmp_path).roles == {VIEWER}
    roles.grant(ADMIN_USER, "chuyenvien@demo.vn", EDITOR, "VN34-15", tmp_path)  # granted again after a revocation
    assert roles.grant_of("chuyenvien@demo.vn", tmp_path).roles == {EDITOR, VIEWER}
    # every change is an audit row, in order, naming the address, the role and the unit
    assert actions(tmp_path) == [("role_grant", "chuyenvien@demo.vn: editor (VN34-15)"),
                                 ("role_grant", "chuyenvien@demo.vn: viewer"),
                                 ("role_revoke", "chuyenvien@demo.vn: editor (VN34-15)"),
                                 ("role_grant", "chuyenvien@demo.vn: editor (VN34-15)")]
    log = audit.read_log(tmp_path)
    assert set(log["user_id"]) == {ADMIN_USER.id}


@pytest.mark.unit
@BOTH
def test_refusals_write_nothing(tmp_path, catalogue_db):
    viewer = User(id="lanhdao@demo.vn", name="Lãnh đạo", roles=frozenset({VIEWER}))
    with pytest.raises(PermissionDenied, match="Quản trị"):
        roles.grant(viewer, "x@demo.vn", EDITOR, None, tmp_path)
    with pytest.raises(roles.RoleError, match="không phải một địa chỉ"):
        roles.grant(ADMIN_USER, "x-demo.vn", EDITOR, None, tmp_path)
    with pytest.raises(roles.RoleError, match="Không có quyền 'boss'"):
        roles.grant(ADMIN_USER, "x@demo.vn", "boss", None, tmp_path)
    with pytest.raises(roles.RoleError, match="không có gì để thu hồi"):
        roles.revoke(ADMIN_USER, "x@demo.vn", EDITOR, None, tmp_path)
    roles.grant(ADMIN_USER, "x@demo.vn", EDITOR, None, tmp_path)
    with pytest.raises(roles.RoleError, match="đã có quyền 'Nhập liệu'"):
        roles.grant(ADMIN_USER, "x@demo.vn", EDITOR, None, tmp_path)
    with pytest.raises(roles.RoleError, match="không có gì để thu hồi"):  # the scoped one is another grant
        roles.revoke(ADMIN_USER, "x@demo.vn", EDITOR, "VN34-15", tmp_path)
    assert len(actions(tmp_path)) == 1


@pytest.mark.unit
@BOTH
def test_role_grants_are_append_only(tmp_path, catalogue_db):
    roles.grant(ADMIN_USER, "x@demo.vn", EDITOR, None, tmp_path)
    with catalogue.connect(tmp_path) as con:
        for statement in ("UPDATE role_grants SET role = 'admin'", "DELETE FROM role_grants"):
            with pytest.raises(catalogue.DB_ERRORS, match="append-only"):
                con.execute(statement)
    assert [g.role for g in roles.current_grants(tmp_path)] == [EDITOR]


@pytest.mark.unit
def test_a_unit_must_be_in_the_approved_snapshot(demo_dir, tmp_path):
    folder = copy_data(demo_dir, tmp_path / "data")
    with pytest.raises(roles.RoleError, match="VN99-99"):
        roles.grant(ADMIN_USER, "x@demo.vn", EDITOR, "VN99-99", folder)
    roles.grant(ADMIN_USER, "x@demo.vn", EDITOR, "VN34-15", folder)  # Lào Cai (since 1/7/2025)
    assert [g.unit for g in roles.current_grants(folder)] == ["VN34-15"]


# ---- the user: the claim wins, else the catalogue ---------------------------------------------------

@pytest.mark.unit
@BOTH
def test_signed_in_user_from_the_claim_else_the_catalogue(tmp_path, catalogue_db):
    roles.grant(ADMIN_USER, "chuyenvien@demo.vn", EDITOR, "VN34-15", tmp_path)
    user = roles.signed_in_user(claims("chuyenvien@demo.vn"), tmp_path)
    assert user.roles == {EDITOR} and user.scope(EDITOR) == {"VN34-15"}
    assert may(user, EDITOR, ["VN34-15"]) and not may(user, EDITOR, ["VN34-01"])
    # the provider's roles claim wins over the catalogue
    assert roles.signed_in_user(claims("chuyenvien@demo.vn", ["viewer"]), tmp_path).roles == {VIEWER}
    # an address the provider has not verified gets nothing from the catalogue
    unverified = claims("chuyenvien@demo.vn", email_verified=False)
    assert roles.signed_in_user(unverified, tmp_path).roles == frozenset()
    assert roles.signed_in_user(claims("someone@x.vn"), tmp_path).roles == frozenset()
    assert roles.signed_in_user({"is_logged_in": False}, tmp_path) is None


# ---- the roles file as a seed ---------------------------------------------------------------------

ROLES_FILE = ('[users."QuanTri@demo.vn"]\nroles = ["admin", "viewer"]\n'
              '[users."laocai@demo.vn"]\nroles = ["editor"]\nunits = { editor = ["VN34-15", "VN34-08"] }\n')


@pytest.mark.unit
@BOTH
def test_import_adds_what_is_missing_and_revokes_nothing(tmp_path, catalogue_db):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE, encoding="utf-8")
    assert roles.import_file(ADMIN_USER, path, tmp_path) == 4
    assert roles.import_file(ADMIN_USER, path, tmp_path) == 0  # imported again: nothing new
    roles.grant(ADMIN_USER, "other@demo.vn", VIEWER, None, tmp_path)
    path.write_text('[users."quantri@demo.vn"]\nroles = ["admin", "committee"]\n', encoding="utf-8")
    assert roles.import_file(ADMIN_USER, path, tmp_path) == 1
    now = {(g.email, g.role, g.unit) for g in roles.current_grants(tmp_path)}
    assert now == {("quantri@demo.vn", "admin", ""), ("quantri@demo.vn", "viewer", ""),
                   ("quantri@demo.vn", "committee", ""), ("laocai@demo.vn", EDITOR, "VN34-08"),
                   ("laocai@demo.vn", EDITOR, "VN34-15"), ("other@demo.vn", VIEWER, "")}
    assert len(actions(tmp_path)) == 6
    with pytest.raises(PermissionDenied):
        roles.import_file(User(id="v", name="v", roles=frozenset({VIEWER})), path, tmp_path)


@pytest.mark.unit
@BOTH
def test_first_start_seeds_an_empty_catalogue_once_and_says_so(tmp_path, catalogue_db, monkeypatch, caplog):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE, encoding="utf-8")
    monkeypatch.setenv("KPI_ROLES_FILE", str(path))
    with caplog.at_level(logging.WARNING, logger="kpi.access.roles"):
        assert roles.seed_once(tmp_path) == 4
    assert "đã nhập 4 quyền từ tệp" in caplog.text and str(path) in caplog.text
    assert roles.seed_once(tmp_path) is None  # once per process and catalogue
    roles._SEEDED.clear()                      # another process starting: the catalogue has grants now
    assert roles.seed_once(tmp_path) is None
    assert {g.email for g in roles.current_grants(tmp_path)} == {"quantri@demo.vn", "laocai@demo.vn"}
    assert set(audit.read_log(tmp_path)["user_id"]) == {roles.SEED_USER.id}


@pytest.mark.unit
@BOTH
def test_no_seed_once_anything_was_granted(tmp_path, catalogue_db, monkeypatch):
    roles.grant(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path)
    roles.revoke(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path)  # no current grant, but rows: not empty
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE, encoding="utf-8")
    monkeypatch.setenv("KPI_ROLES_FILE", str(path))
    roles._SEEDED.clear()
    assert roles.seed_once(tmp_path) is None and roles.current_grants(tmp_path) == []


@pytest.mark.unit
def test_the_grants_are_copied_with_the_catalogue(tmp_path, pg_catalogue, monkeypatch):
    monkeypatch.delenv("KPI_CATALOGUE")
    roles.grant(ADMIN_USER, "a@demo.vn", EDITOR, None, tmp_path)
    roles.revoke(ADMIN_USER, "a@demo.vn", EDITOR, None, tmp_path)
    roles.grant(ADMIN_USER, "b@demo.vn", VIEWER, None, tmp_path)
    token = claims("b@demo.vn", iat=1_800_000_000)
    audit.record_sign_in(signin.user_from_claims(token), token, data_dir=tmp_path)
    monkeypatch.setenv("KPI_CATALOGUE", pg_catalogue)
    with catalogue.connect(tmp_path, db=catalogue.SQLITE) as old, catalogue.connect(tmp_path) as new:
        catalogue.copy_catalogue(old, new)
    assert [(g.email, g.role) for g in roles.current_grants(tmp_path)] == [("b@demo.vn", VIEWER)]
    assert not audit.record_sign_in(signin.user_from_claims(token), token, data_dir=tmp_path)  # already recorded


# ---- the command line -----------------------------------------------------------------------------

@pytest.mark.unit
@BOTH
def test_kpi_users_commands(tmp_path, catalogue_db, capsys, monkeypatch):
    monkeypatch.setenv("KPI_USER", "quantri")
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE, encoding="utf-8")
    base = ["--data-dir", str(tmp_path)]
    assert cli.main(base + ["users", "list"]) == 0
    assert "chưa có quyền nào" in capsys.readouterr().err
    assert cli.main(base + ["users", "import", str(path)]) == 0
    assert "Đã nhập 4 quyền mới" in capsys.readouterr().out
    assert cli.main(base + ["users", "grant", "Lanhdao@demo.vn", "viewer"]) == 0
    assert capsys.readouterr().out.strip() == "Đã cấp quyền xem cho lanhdao@demo.vn."
    assert cli.main(base + ["users", "revoke", "laocai@demo.vn", "editor", "--unit", "VN34-08"]) == 0
    assert capsys.readouterr().out.strip() == "Đã thu hồi quyền nhập liệu của laocai@demo.vn (VN34-08)."
    assert cli.main(base + ["users", "revoke", "laocai@demo.vn", "editor", "--unit", "VN34-08"]) == 1
    assert capsys.readouterr().err.startswith("Lỗi: laocai@demo.vn không có quyền")
    assert cli.main(base + ["users", "list", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "email,role,unit,granted_by,at"
    assert [line.rsplit(",", 2)[0] for line in lines[1:]] == [
        "lanhdao@demo.vn,viewer,", "laocai@demo.vn,editor,VN34-15", "quantri@demo.vn,viewer,",
        "quantri@demo.vn,admin,"]
    assert all(",quantri," in line for line in lines[1:])
    path.write_text('[users."x@demo.vn"]\nroles = ["boss"]\n', encoding="utf-8")
    assert cli.main(base + ["users", "import", str(path)]) == 1
    assert "unknown role boss" in capsys.readouterr().err
    log = audit.read_log(tmp_path)
    assert set(log["user_id"]) == {"local:quantri"} and len(log) == 6


# ---- one sign-in per id_token across processes ----------------------------------------------------

def _sign_in_at_once(data_dir: str, barrier, results) -> None:
    """One replica recording a sign-in: all of them wait at the barrier, then record the same token."""
    token = claims("lanhdao@demo.vn", ["viewer"], iat=1_800_000_000, iss="http://127.0.0.1:9400")
    user = signin.user_from_claims(token)
    barrier.wait(timeout=60)
    results.put(audit.record_sign_in(user, token, data_dir=data_dir))


@pytest.mark.slow
@BOTH
@pytest.mark.parametrize("processes", [4])
def test_one_sign_in_row_across_concurrent_processes(tmp_path, catalogue_db, processes):
    with catalogue.connect(tmp_path):  # the schema exists before the race (as on a running deployment)
        pass
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as replicas are
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_sign_in_at_once, args=(str(tmp_path), barrier, results))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * processes
    written = [results.get(timeout=5) for _ in range(processes)]
    assert sorted(written) == [False] * (processes - 1) + [True]
    log = audit.read_log(tmp_path)
    assert list(log["action"]) == ["sign_in"] and list(log["user_id"]) == ["lanhdao@demo.vn"]


def _seed_at_once(data_dir: str, barrier, results) -> None:
    """One replica's first start: all of them wait at the barrier, then seed from the same roles file."""
    barrier.wait(timeout=60)
    results.put(roles.seed_once(data_dir))


@pytest.mark.slow
@BOTH
def test_replicas_starting_together_seed_the_roles_once(tmp_path, catalogue_db, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text(ROLES_FILE, encoding="utf-8")
    monkeypatch.setenv("KPI_ROLES_FILE", str(path))  # the spawned processes inherit the environment
    with catalogue.connect(tmp_path):
        pass
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(4), context.Queue()
    workers = [context.Process(target=_seed_at_once, args=(str(tmp_path), barrier, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0] * 4
    assert sorted([results.get(timeout=5) for _ in range(4)], key=str) == [4, None, None, None]
    assert len(roles.current_grants(tmp_path)) == 4 and len(actions(tmp_path)) == 4


# ---- the audit page's users tab -------------------------------------------------------------------

def plain(text: str) -> str:
    """Markdown as read: markdown_escape's backslashes and word joiners removed."""
    return text.replace("\\", "").replace("\u2060", "")


def run_admin(folder: Path, lang: str | None = None):
    from streamlit.testing.v1 import AppTest

    os.environ["KPI_DATA_DIR"] = str(folder)
    os.environ["KPI_ROLES_FILE"] = str(folder / "roles.toml")
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = claims("quantri@demo.vn", ["admin", "viewer"], name="Quản trị")
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/audit.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.page
@BOTH
def test_admin_grants_and_revokes_on_the_audit_page(catalogue_db, demo_dir, tmp_path, restore_env):
    folder = copy_data(demo_dir, tmp_path / "data")
    at = run_admin(folder)
    assert [tab.label for tab in at.tabs] == ["Nhật ký", "Người dùng và quyền"]
    assert any("chưa có quyền nào" in i.value for i in at.info)
    at.text_input(key="acc_users_email").input("ChuyenVien@demo.vn")
    at.selectbox(key="acc_users_role").set_value(EDITOR)
    at.text_input(key="acc_users_unit").input("VN34-15")
    next(b for b in at.button if b.label == "Cấp quyền").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Đã cấp quyền nhập liệu cho chuyenvien@demo.vn (Lào Cai, VN34-15)" in plain(s.value)
               for s in at.success)
    table = at.dataframe[-1].value  # the unit by its name, with its key
    assert list(table["Thư điện tử"]) == ["chuyenvien@demo.vn"] and list(table["Đơn vị"]) == ["Lào Cai (VN34-15)"]
    assert roles.signed_in_user(claims("chuyenvien@demo.vn"), folder).scope(EDITOR) == {"VN34-15"}
    # a unit that does not exist is refused on the page, nothing written
    at.text_input(key="acc_users_unit").input("VN99-99")
    next(b for b in at.button if b.label == "Cấp quyền").click().run()
    assert any("VN99-99" in plain(e.value) for e in at.error) and len(roles.current_grants(folder)) == 1
    next(b for b in at.button if b.label == "Thu hồi").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert roles.current_grants(folder) == []
    assert any("chưa có quyền nào" in i.value for i in at.info)
    kinds = list(audit.read_log(folder)["action"])
    assert kinds.count("role_grant") == 1 and kinds.count("role_revoke") == 1


@pytest.mark.page
def test_the_users_tab_in_english(demo_dir, tmp_path, restore_env):
    folder = copy_data(demo_dir, tmp_path / "data")
    roles.grant(ADMIN_USER, "laocai@demo.vn", EDITOR, "VN34-15", folder)
    at = run_admin(folder, "en")
    assert [tab.label for tab in at.tabs] == ["Log", "Users and roles"]
    table = at.dataframe[-1].value
    assert list(table.columns) == ["E-mail", "Role", "Unit", "Granted by", "Time"]
    assert list(table["Role"]) == ["import"] and list(table["Unit"]) == ["Lào Cai (VN34-15)"]
    assert at.selectbox(key="acc_users_revoke_choice").options == ["laocai@demo.vn — import (Lào Cai, VN34-15)"]
    assert any(c.value == "1 role(s) of 1 people" for c in at.caption)


@pytest.mark.page
def test_a_signed_in_editor_from_the_catalogue_sees_the_data_page(demo_dir, tmp_path, restore_env):
    """No role in the token: the catalogue's grant decides (what a second replica reads too)."""
    from streamlit.testing.v1 import AppTest

    folder = copy_data(demo_dir, tmp_path / "data")
    roles.grant(ADMIN_USER, "chuyenvien@demo.vn", EDITOR, None, folder)
    os.environ["KPI_DATA_DIR"] = str(folder)
    os.environ["KPI_ROLES_FILE"] = str(folder / "roles.toml")
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.user = claims("chuyenvien@demo.vn")
    at.run()
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("file_uploader"), "the catalogue's editor may import"
    assert any("Quyền: nhập liệu" in m.value for m in at.sidebar.markdown)
    assert ADMIN not in roles.signed_in_user(claims("chuyenvien@demo.vn"), folder).roles
