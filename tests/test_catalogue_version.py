"""The catalogue's version (issue 14 item 2): a counter bumped by every writing transaction, read once
per page run, on SQLite and PostgreSQL. What the sidebar offers (kpi.screens.access.snapshot_choice)
and a signed-in user's grants (kpi.access.roles.grant_of) are computed once per version and user,
and read again after any write: in this process, and in another one on the same catalogue (a
replica), through real processes."""
from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_data
from test_pending import EDITOR_CLAIMS, ROW

from kpi import store
from kpi.access import audit, roles, signin
from kpi.access.users import APPROVER, EDITOR, VIEWER, User, local_user
from kpi.importing.merge import commit_import, prepare_import
from kpi.screens import access as access_view
from kpi.store import catalogue

REPO = Path(__file__).resolve().parent.parent
BOTH = pytest.mark.parametrize("catalogue_db", ["sqlite", "postgresql"], indirect=True)
ADMIN_USER = local_user("quantri")
APPROVER_USER = User(id="truongphong@demo.vn", name="Trưởng phòng", roles=frozenset({APPROVER, VIEWER}))
EDITOR_USER = User(id="chuyenvien@demo.vn", name="Chuyên viên", roles=frozenset({EDITOR}))
VIEWER_USER = User(id="lanhdao@demo.vn", name="Lãnh đạo", roles=frozenset({VIEWER}))


def count(folder) -> int:
    return catalogue.version(folder).count


def _commit(folder, snapshot_id: str, parent: str | None) -> catalogue.Committed:
    """A catalogue row of an import (no files needed for what the catalogue itself says)."""
    with catalogue.connect(folder) as con:
        return catalogue.commit(con, snapshot_id=snapshot_id, parent=parent, user=EDITOR_USER,
                                created_at=catalogue.now_text(), note="", files={}, units=[], approve=False)


@pytest.mark.unit
def test_no_catalogue_no_version_and_reading_makes_none(tmp_path, catalogue_db):
    if catalogue_db == "sqlite":
        assert catalogue.version(tmp_path) is None
        assert not (tmp_path / catalogue.FILE_NAME).exists()  # reading the version does not create it
    else:  # PostgreSQL: the schema is made on first use, nothing written yet
        assert catalogue.version(tmp_path).count == 0


@pytest.mark.unit
@BOTH
def test_every_write_bumps_the_version_and_a_refused_one_does_not(tmp_path, catalogue_db):
    roles.grant(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path)      # a grant (also makes the catalogue)
    first = catalogue.version(tmp_path)
    assert first.count >= 1 and first.instance
    steps = [
        lambda: roles.revoke(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path),          # a revocation
        lambda: _commit(tmp_path, "20260101-000000-aaaaaa", None),                      # an import (pending)
        lambda: catalogue.approve("20260101-000000-aaaaaa", APPROVER_USER, "", tmp_path),  # an approval
        lambda: _commit(tmp_path, "20260102-000000-bbbbbb", "20260101-000000-aaaaaa"),  # another import
        lambda: catalogue.reject("20260102-000000-bbbbbb", APPROVER_USER, "sai số", tmp_path),  # a rejection
        lambda: audit.record("export", VIEWER_USER, what="x.xlsx", data_dir=tmp_path),  # an audit row
    ]
    seen = [first.count]
    for step in steps:
        step()
        seen.append(count(tmp_path))
    assert seen == list(range(first.count, first.count + len(steps) + 1))
    # refused writes are rolled back, their bump with them
    with pytest.raises(roles.RoleError):
        roles.revoke(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path)  # nothing to revoke
    with pytest.raises(catalogue.CatalogueError):
        catalogue.approve("20260102-000000-bbbbbb", APPROVER_USER, "", tmp_path)  # already rejected
    last = catalogue.version(tmp_path)
    assert (last.place, last.instance, last.count) == (first.place, first.instance, seen[-1])


@pytest.mark.unit
def test_a_catalogue_made_afresh_in_the_same_place_is_another_version(tmp_path):
    roles.grant(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path)
    before = catalogue.version(tmp_path)
    for suffix in ("", "-wal", "-shm"):
        (tmp_path / f"{catalogue.FILE_NAME}{suffix}").unlink(missing_ok=True)
    roles.grant(ADMIN_USER, "b@demo.vn", VIEWER, None, tmp_path)
    after = catalogue.version(tmp_path)
    assert after.count == before.count and after != before  # the same count, another identity


@pytest.mark.unit
def test_per_version_keeps_one_result_per_version_and_arguments():
    calls = []

    @catalogue.per_version(maxsize=2)
    def compute(version, who):
        calls.append((version, who))
        return [who]

    v1, v2 = catalogue.Version("here", "i", 1), catalogue.Version("here", "i", 2)
    assert compute(v1, "a") is compute(v1, "a")          # computed once, the same object
    assert compute(v2, "a") is not compute(v1, "a")      # another version: computed again
    assert compute(None, "a") is not compute(None, "a")  # no version: never kept
    assert calls.count((v1, "a")) == 1 and calls.count((v2, "a")) == 1
    compute(v1, "b"), compute(v2, "b")                  # two more: the oldest are dropped (maxsize 2)
    compute(v1, "a")
    assert calls.count((v1, "a")) == 2


# ---- the cached choice and grants, read again after a write ------------------------------------------

@pytest.fixture
def folder(demo_dir, tmp_path, backend) -> Path:
    """A copy of the demo data folder on both deployments (conftest.backend)."""
    return copy_data(demo_dir, tmp_path / "data")


def _pending_import(folder) -> store.Snapshot:
    editor = signin.user_from_claims(EDITOR_CLAIMS)
    report = prepare_import([("x.csv", ROW.format(value=18500).encode())], data_dir=folder)
    snapshot = commit_import(report, note="số quý", user=editor, data_dir=folder)
    assert snapshot.state == catalogue.PENDING
    return snapshot


def _in_another_process(folder, *args: str) -> None:
    """`python -m kpi --data-dir folder ARGS` in a process of its own (another replica of the same
    catalogue and storage: the environment names them)."""
    done = subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(folder), *args], cwd=REPO,
                          env={**os.environ, "KPI_USER": "truongphong"}, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.mark.unit
def test_the_choice_is_shared_per_version_and_read_again_after_a_write(folder):
    approved = store.get_snapshot(None, folder)
    version = catalogue.version(folder)
    choice = access_view.snapshot_choice(VIEWER_USER, folder, version)
    assert access_view.snapshot_choice(VIEWER_USER, folder, version) is choice  # shared by the runs of a version
    assert choice.default_id == approved.id
    # an import in this process: the editor's next run reads a new version and offers it
    editor_before = access_view.snapshot_choice(EDITOR_USER, folder, version)
    pending = _pending_import(folder)
    after_import = catalogue.version(folder)
    assert after_import.count > version.count
    assert pending.id not in editor_before.ids
    assert access_view.snapshot_choice(EDITOR_USER, folder, after_import).ids[0] == pending.id
    assert pending.id not in access_view.snapshot_choice(VIEWER_USER, folder, after_import).ids
    # approved by another process (a replica): this one's next version shows it to the viewer
    _in_another_process(folder, "approve", pending.id)
    after_approval = catalogue.version(folder)
    assert after_approval.count > after_import.count
    shown = access_view.snapshot_choice(VIEWER_USER, folder, after_approval)
    assert shown.default_id == pending.id and shown.ids[:2] == [pending.id, approved.id]


def _grant_in_a_process(data_dir: str, catalogue_url: str | None, email: str) -> None:
    if catalogue_url:
        os.environ["KPI_CATALOGUE"] = catalogue_url
    roles.grant(local_user("quantri"), email, EDITOR, None, data_dir)


@pytest.mark.unit
@BOTH
def test_a_cached_grant_is_read_again_after_a_grant_in_another_process(tmp_path, catalogue_db):
    roles.grant(ADMIN_USER, "chuyenvien@demo.vn", VIEWER, None, tmp_path)
    version = catalogue.version(tmp_path)
    assert roles.grant_of("ChuyenVien@demo.vn", tmp_path, version).roles == {VIEWER}
    assert catalogue.recent_version(tmp_path, max_age_s=600) == version  # read now, kept from here on
    context = multiprocessing.get_context("spawn")  # a fresh interpreter, as a replica is
    worker = context.Process(target=_grant_in_a_process,
                             args=(str(tmp_path), os.environ.get("KPI_CATALOGUE"), "chuyenvien@demo.vn"))
    worker.start()
    worker.join(120)
    assert worker.exitcode == 0
    assert roles.grant_of("chuyenvien@demo.vn", tmp_path, version).roles == {VIEWER}  # that version's, kept
    # another process's write: a version this process read is reused for at most its age ...
    assert catalogue.recent_version(tmp_path, max_age_s=600) == version
    time.sleep(catalogue.VERSION_MAX_AGE_S)
    newer = catalogue.recent_version(tmp_path)  # ... the page runs' (0,5 s): read again
    # at least the other process's grant (a clean-clone CI run once counted two writes there on
    # PostgreSQL): what matters is that the version read again is the newer one
    assert newer == catalogue.version(tmp_path) and newer.count > version.count
    assert roles.grant_of("chuyenvien@demo.vn", tmp_path, newer).roles == {EDITOR, VIEWER}
    claims = {"is_logged_in": True, "email": "chuyenvien@demo.vn", "email_verified": True, "sub": "s1"}
    assert roles.signed_in_user(claims, tmp_path, newer).roles == {EDITOR, VIEWER}


@pytest.mark.unit
@BOTH
def test_a_write_of_this_process_is_seen_at_once_however_recent_the_version(tmp_path, catalogue_db):
    roles.grant(ADMIN_USER, "a@demo.vn", VIEWER, None, tmp_path)
    kept = catalogue.recent_version(tmp_path, max_age_s=600)
    assert catalogue.recent_version(tmp_path, max_age_s=600) is kept  # not read again
    assert roles.grant_of("a@demo.vn", tmp_path, kept).roles == {VIEWER}
    roles.grant(ADMIN_USER, "a@demo.vn", EDITOR, None, tmp_path)  # this process writes: read again at once
    fresh = catalogue.recent_version(tmp_path, max_age_s=600)
    assert fresh.count == kept.count + 1 and fresh == catalogue.version(tmp_path)
    assert roles.grant_of("a@demo.vn", tmp_path, fresh).roles == {EDITOR, VIEWER}
