"""Sign-in and roles (DESIGN section 10): claims and the roles file into a User, local mode's address,
and the navigation per role under AppTest (st.user seeded through AppTest.user, [auth] through
AppTest.secrets: Streamlit's own test seams, no test-only key in the app)."""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from conftest import copy_data

from kpi.access import audit, signin
from kpi.access.users import ADMIN, APPROVER, EDITOR, LOCAL_USER, ROLES, VIEWER, PermissionDenied, require

REPO = Path(__file__).resolve().parent.parent
AUTH = {"redirect_uri": "http://127.0.0.1:8502/oauth2callback", "cookie_secret": "test-cookie-secret",
        "client_id": "kpi-dashboard", "client_secret": "test-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def claims(email: str, roles=None, **extra) -> dict:
    out = {"is_logged_in": True, "sub": email, "email": email, "email_verified": True, "name": email.split("@")[0]}
    if roles is not None:
        out["roles"] = roles
    return out | extra


# ---- claims and the roles file -----------------------------------------------------------------------

@pytest.mark.unit
def test_roles_claim_gives_the_roles_it_names():
    user = signin.user_from_claims(claims("lanhdao@demo.vn", ["viewer"]))
    assert user.roles == {VIEWER} and user.email == "lanhdao@demo.vn" and not user.local
    assert user.id == "lanhdao@demo.vn" and user.name == "lanhdao"
    both = signin.user_from_claims(claims("cv@demo.vn", "editor, approver"))  # one string, as some providers send
    assert both.roles == {EDITOR, APPROVER}


@pytest.mark.unit
def test_scoped_roles_and_unknown_entries():
    user = signin.user_from_claims(claims("cv@x.vn", ["editor:VN34-15", "editor:VN34-01", "viewer", "offline_access",
                                                      "superuser"]))
    assert user.roles == {EDITOR, VIEWER}
    assert user.scope(EDITOR) == {"VN34-15", "VN34-01"} and user.scope(VIEWER) is None
    # a role given once without a unit reaches every unit
    wide = signin.user_from_claims(claims("cv@x.vn", ["editor:VN34-15", "editor"]))
    assert wide.scope(EDITOR) is None
    with pytest.raises(PermissionDenied, match="VN34-86"):
        require(user, EDITOR, ["VN34-86"])
    require(user, EDITOR, ["VN34-15"])


@pytest.mark.unit
def test_groups_claim_with_prefixes_and_paths():
    user = signin.user_from_claims(claims("a@x.vn", groups=["/kpi/approver", "kpi-viewer", "KPI_committee",
                                                               "staff", "kpi-admin:VN34-15"]))
    assert user.roles == {APPROVER, VIEWER, "committee", ADMIN}
    assert user.scope(ADMIN) == {"VN34-15"}


@pytest.mark.unit
def test_roles_file_when_the_claims_carry_none(tmp_path):
    path = tmp_path / "roles.toml"
    path.write_text('[users."QuanTri@Demo.vn"]\nroles = ["admin", "viewer"]\n'
                    '[users."laocai@x.vn"]\nroles = ["editor"]\nunits = { editor = ["VN34-15"] }\n', encoding="utf-8")
    roles_file = signin.read_roles_file(path)
    admin = signin.user_from_claims(claims("quantri@demo.vn"), roles_file)  # e-mail compared in lower case
    assert admin.roles == {ADMIN, VIEWER}
    laocai = signin.user_from_claims(claims("laocai@x.vn", groups=["staff"]), roles_file)  # no role in the groups
    assert laocai.roles == {EDITOR} and laocai.scope(EDITOR) == {"VN34-15"}
    # the provider's claim wins over the file
    assert signin.user_from_claims(claims("quantri@demo.vn", ["viewer"]), roles_file).roles == {VIEWER}
    # an address the provider has not verified gets nothing from the file
    assert signin.user_from_claims(claims("quantri@demo.vn", email_verified=False), roles_file).roles == frozenset()
    # signed in, but no role anywhere: a user allowed nothing
    nobody = signin.user_from_claims(claims("someone@x.vn"), roles_file)
    assert nobody is not None and nobody.roles == frozenset()


@pytest.mark.unit
def test_nobody_signed_in():
    assert signin.user_from_claims({}) is None
    assert signin.user_from_claims({"is_logged_in": False}) is None
    assert signin.user_from_claims({"email": "test@example.com"}) is None  # AppTest's default user: not signed in


@pytest.mark.unit
def test_the_example_roles_file_and_a_missing_one(tmp_path):
    example = signin.read_roles_file(REPO / "data" / "roles.example.toml")
    assert example["quantri@demo.vn"].roles >= {ADMIN}
    assert dict(example["chuyenvien.laocai@example.vn"].scopes) == {EDITOR: frozenset({"VN34-15"})}
    assert signin.read_roles_file(tmp_path / "absent.toml") == {}


@pytest.mark.unit
@pytest.mark.parametrize(("text", "message"), [
    ('[users."a@x.vn"]\nroles = ["boss"]\n', "unknown role boss"),
    ('[users."a@x.vn"]\nroles = "editor"\n', "roles must be a list"),
    ('[users."a@x.vn"]\nroles = ["viewer"]\nunits = { editor = ["VN34-15"] }\n', "which roles does not list"),
    ('[users."a@x.vn"]\nroles = ["editor"]\nunits = { editor = [] }\n', "non-empty list"),
    ('[users\n', "roles.toml"),
])
def test_a_bad_roles_file_is_refused_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "roles.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(signin.RolesFileError, match=message):
        signin.read_roles_file(path)


@pytest.mark.unit
def test_roles_file_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("KPI_ROLES_FILE", raising=False)
    assert signin.roles_file_path(tmp_path) == tmp_path / "roles.toml"
    monkeypatch.setenv("KPI_ROLES_FILE", str(tmp_path / "other.toml"))
    assert signin.roles_file_path(tmp_path) == tmp_path / "other.toml"


# ---- local mode's address --------------------------------------------------------------------------

@pytest.mark.unit
def test_local_mode_binds_loopback_only():
    assert signin.bind_address({}, None) == "127.0.0.1"
    assert signin.bind_address({}, "localhost") == "localhost"
    for address in ("0.0.0.0", "192.168.1.10", "::"):
        with pytest.raises(signin.AuthConfigError, match="127.0.0.1"):
            signin.bind_address({}, address)
    assert signin.bind_address(AUTH, "0.0.0.0") == "0.0.0.0"  # with sign-in: the address asked for
    assert signin.bind_address(AUTH, None) is None


@pytest.mark.unit
def test_an_unusable_auth_section_is_refused():
    with pytest.raises(signin.AuthConfigError, match="client_secret"):
        signin.bind_address({k: v for k, v in AUTH.items() if k != "client_secret"}, None)
    assert signin.auth_problems(AUTH | {"redirect_uri": "http://127.0.0.1:8502/"}) == ["redirect_uri …/oauth2callback"]
    named = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x",
             "dept": {k: AUTH[k] for k in signin.PROVIDER_AUTH_KEYS}}
    assert signin.auth_problems(named) == []


def _serve_module():
    spec = importlib.util.spec_from_file_location("serve_under_test", REPO / "scripts" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.unit
def test_serve_adds_loopback_or_refuses_without_auth(tmp_path, monkeypatch):
    serve = _serve_module()
    monkeypatch.delenv("STREAMLIT_SECRETS_FILES", raising=False)
    monkeypatch.delenv("STREAMLIT_SERVER_ADDRESS", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.streamlit/secrets.toml of the machine
    args = serve.secured_args(["run", "dashboard.py", "--server.port", "8501"], tmp_path)
    assert args[-2:] == ["--server.address", "127.0.0.1"]
    with pytest.raises(SystemExit, match="127.0.0.1"):
        serve.secured_args(["run", "dashboard.py", "--server.address", "0.0.0.0"], tmp_path)
    with pytest.raises(SystemExit, match="127.0.0.1"):
        serve.secured_args(["run", "dashboard.py", "--server.address=0.0.0.0"], tmp_path)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[auth]\n" + "".join(f'{k} = "{v}"\n' for k, v in AUTH.items()), encoding="utf-8")
    args = serve.secured_args(["run", "dashboard.py", "--server.address", "0.0.0.0", "--secrets.files", str(secrets)],
                              tmp_path)
    assert "--server.address" in args and args[args.index("--server.address") + 1] == "0.0.0.0"
    secrets.write_text('[auth]\nredirect_uri = "http://127.0.0.1:1/oauth2callback"\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="cookie_secret"):
        serve.secured_args(["run", "dashboard.py", "--secrets.files", str(secrets)], tmp_path)


# ---- the app per role, under AppTest ----------------------------------------------------------------

@pytest.fixture
def demo_copy(demo_dir, tmp_path, request) -> Path:
    """A copy of the demo data folder: signing in writes to its audit log (on SQLite, or copied into
    PostgreSQL for the tests parametrised with `catalogue_db`)."""
    for deployment in ("catalogue_db", "backend"):  # chosen before the copy: it goes where they say
        if deployment in request.fixturenames:
            request.getfixturevalue(deployment)
    return copy_data(demo_dir, tmp_path / "data")


BOTH_CATALOGUES = pytest.mark.parametrize("catalogue_db", ["sqlite", "postgresql"], indirect=True)


def run_as(data_dir: Path, user: dict | None, page: str | None = None, roles_file: Path | None = None, query=None):
    """dashboard.py under AppTest, signed in with `user`'s claims (None: local mode, no [auth])."""
    from streamlit.testing.v1 import AppTest

    os.environ["KPI_DATA_DIR"] = str(data_dir)
    os.environ["KPI_ROLES_FILE"] = str(roles_file or data_dir / "roles.toml")
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    if user is not None:
        at.secrets["auth"] = AUTH
        at.user = user
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def nav_paths(at) -> set[str]:
    return {info.get("url_pathname") for info in at._registered_pages.values()}


def banner(at) -> list[str]:
    return [i.value for i in at.info if i.value.startswith("Chế độ cục bộ")]


@pytest.mark.page
@pytest.mark.parametrize("page", [None, "pages/data.py", "pages/audit.py", "pages/ranking.py"])
def test_local_mode_banner_and_every_role(page, demo_copy, restore_env):
    at = run_as(demo_copy, None, page)
    assert not at.exception, [e.value for e in at.exception]
    assert len(banner(at)) == 1, "the local-mode banner is on every page"
    assert {"du-lieu", "nhat-ky"} <= nav_paths(at)  # the local user holds every role, admin included
    if page == "pages/data.py":
        assert at.get("file_uploader"), "the local user may import"


@pytest.mark.page
def test_signed_out_sees_only_the_sign_in_page(demo_copy, restore_env):
    at = run_as(demo_copy, {"is_logged_in": False})
    assert not at.exception, [e.value for e in at.exception]
    assert [b.label for b in at.button] == ["Đăng nhập"]
    assert len(at._registered_pages) == 1 and not banner(at)  # the sign-in page, nothing else
    assert not at.selectbox, "no filter, no figure before signing in"


@pytest.mark.page
@BOTH_CATALOGUES
def test_viewer_sees_no_import_no_audit_log(catalogue_db, demo_copy, restore_env):
    viewer = claims("lanhdao@demo.vn", ["viewer"], name="Lãnh đạo Sở")
    at = run_as(demo_copy, viewer)
    assert not at.exception, [e.value for e in at.exception]
    assert "nhat-ky" not in nav_paths(at) and "du-lieu" in nav_paths(at)
    assert not banner(at)
    side = " ".join(m.value for m in at.sidebar.markdown)
    assert "Lãnh đạo Sở" in side and "Quyền: xem" in side
    assert "Đăng xuất" in [b.label for b in at.sidebar.button]
    at.switch_page("pages/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.get("file_uploader"), "a viewer gets no import"
    labels = [tab.label for tab in at.tabs]
    assert "Nhập số liệu" not in " ".join(labels) and len(labels) == 3, labels
    assert any("quyền nhập liệu" in c.value for c in at.caption)
    log = audit.read_log(demo_copy)
    signins = log[log["action"] == "sign_in"]
    assert list(signins["user_id"]) == ["lanhdao@demo.vn"], "one sign-in row per session, not per page run"


@pytest.mark.page
def test_editor_may_import(demo_copy, restore_env):
    at = run_as(demo_copy, claims("chuyenvien@demo.vn", ["editor"]), "pages/data.py")
    assert not at.exception, [e.value for e in at.exception]
    assert at.get("file_uploader")
    assert "nhat-ky" not in nav_paths(at)


@pytest.mark.page
@BOTH_CATALOGUES
def test_admin_from_the_roles_file_reads_the_audit_log(catalogue_db, demo_copy, restore_env):
    roles = demo_copy / "roles.toml"
    roles.write_text('[users."quantri@demo.vn"]\nroles = ["admin", "viewer"]\n', encoding="utf-8")
    audit.record("export", signin.user_from_claims(claims("lanhdao@demo.vn", ["viewer"])), what="=cmd|'/c calc'!A1",
                 data_dir=demo_copy)
    at = run_as(demo_copy, claims("quantri@demo.vn"), roles_file=roles)
    assert not at.exception, [e.value for e in at.exception]
    assert "nhat-ky" in nav_paths(at)
    at.switch_page("pages/audit.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert set(table["Việc"]) >= {"Đăng nhập", "Xuất tệp"}
    assert [b.label for b in at.get("download_button")] == ["Tải nhật ký (Excel)", "Tải nhật ký (CSV)"]
    at.multiselect(key="aud_actions").set_value(["sign_in"]).run()
    assert set(at.dataframe[0].value["Việc"]) == {"Đăng nhập"}


@pytest.mark.page
def test_audit_page_refuses_a_non_admin_even_by_a_stale_link(demo_copy, restore_env):
    at = run_as(demo_copy, claims("chuyenvien@demo.vn", ["editor"]))
    # the page is not registered for an editor: AppTest cannot even switch to it
    assert "nhat-ky" not in nav_paths(at)


@pytest.mark.page
def test_signed_in_without_a_role(demo_copy, restore_env):
    at = run_as(demo_copy, claims("someone@x.vn"))
    assert not at.exception, [e.value for e in at.exception]
    assert any("chưa được cấp quyền" in w.value for w in at.warning)
    assert [b.label for b in at.button] == ["Đăng xuất"]
    assert not at.selectbox


@pytest.mark.page
def test_an_incomplete_auth_section_stops_with_its_reason(demo_copy, restore_env):
    from streamlit.testing.v1 import AppTest

    os.environ["KPI_DATA_DIR"] = str(demo_copy)
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": AUTH["redirect_uri"]}
    at.run()
    assert not at.exception
    assert any("cookie\\_secret" in e.value for e in at.error)  # markdown-escaped


@pytest.mark.unit
def test_local_user_holds_every_role():
    assert signin.local_mode_user() is LOCAL_USER and LOCAL_USER.roles == set(ROLES) and LOCAL_USER.local


@pytest.mark.unit
@BOTH_CATALOGUES
def test_one_sign_in_row_per_id_token(tmp_path, catalogue_db):
    user = signin.user_from_claims(claims("lanhdao@demo.vn", ["viewer"]))
    token = claims("lanhdao@demo.vn", ["viewer"], iat=1_800_000_000, iss="http://127.0.0.1:9400")
    assert audit.record_sign_in(user, token, data_dir=tmp_path)
    assert not audit.record_sign_in(user, token, data_dir=tmp_path)  # another tab, a reload: same id_token
    assert audit.record_sign_in(user, token | {"iat": 1_800_000_600}, data_dir=tmp_path)  # signed in again
    log = audit.read_log(tmp_path)
    assert list(log["action"]) == ["sign_in", "sign_in"] and list(log["user_id"]) == ["lanhdao@demo.vn"] * 2
    assert log["what"].iloc[0] == "http://127.0.0.1:9400 (id_token 2027-01-15T08:00:00+00:00)"


@pytest.mark.page
def test_approver_sees_pending_and_approves_viewer_gets_no_button(backend, demo_copy, restore_env):
    from kpi import store
    from kpi.importing.merge import commit_import, prepare_import

    editor = signin.user_from_claims(claims("chuyenvien@demo.vn", ["editor"]))
    report = prepare_import([("x.csv", b"unit,period,indicator,actual\nB\xe1\xba\xbfn Tre,2020,jobs_created,18500\n")],
                            data_dir=demo_copy)
    pending = commit_import(report, user=editor, data_dir=demo_copy)
    assert store.get_snapshot(None, demo_copy).id != pending.id  # pending: not what pages show
    viewer = run_as(demo_copy, claims("lanhdao@demo.vn", ["viewer"]), "pages/data.py")
    assert not viewer.exception and not [b for b in viewer.button if b.label == "Duyệt"]
    at = run_as(demo_copy, claims("truongphong@demo.vn", ["approver", "viewer"]), "pages/data.py")
    assert not at.exception, [e.value for e in at.exception]
    assert any(pending.id.replace("-", "\\-") in m.value for m in at.markdown)  # markdown-escaped
    at.button(key=f"apv_ok_{pending.id}").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("đã duyệt" in s.value for s in at.success)
    assert store.get_snapshot(None, demo_copy).id == pending.id
    log = audit.read_log(demo_copy)
    assert ("approve", "truongphong@demo.vn") in set(zip(log["action"], log["user_id"]))
