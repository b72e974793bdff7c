"""Faults end in a clear message, never a crash, a wrong number or a shown traceback: a damaged
snapshot, folders left by killed imports, a mistyped data folder, hostile text in data files,
formula-like text in CSV output, an older snapshot left open, the app's error details."""
from __future__ import annotations

import errno
import os
import shutil
import socket
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import run_page

from kpi import cli, store
from kpi.reports import exports
from kpi.store import database
from kpi.text.plain import WORD_JOINER, markdown_escape

REPO = Path(__file__).resolve().parent.parent


def _cli(*args, data_dir, env=None):
    return subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(data_dir), *args], cwd=REPO,
                          capture_output=True, text=True, env=env)


def _second_snapshot(folder: Path, note: str = "bản thứ hai", facts_edit=None) -> store.Snapshot:
    """A newer snapshot written over the demo's, with the same rows (optionally edited)."""
    base = store.get_snapshot(None, folder)
    facts = store.read_table(base, "facts")
    if facts_edit:
        facts = facts_edit(facts)
    return store.write_snapshot(facts, store.read_table(base, "units"), store.read_table(base, "indicators"),
                                created_by="test", note=note, parent=base.id, demo=True, data_dir=folder)


@pytest.fixture
def demo_copy(demo_dir, tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    return folder


def _damage(snapshot: store.Snapshot) -> None:
    path = snapshot.path / "facts.parquet"
    payload = bytearray(path.read_bytes())
    payload[len(payload) // 2] ^= 0xFF  # one flipped byte: the manifest stays intact
    os.chmod(path, stat.S_IWUSR | stat.S_IRUSR)
    path.write_bytes(bytes(payload))


@pytest.mark.query
def test_a_damaged_newest_snapshot_is_passed_over_and_never_loaded(demo_copy):
    older = store.get_snapshot(None, demo_copy)
    newer = _second_snapshot(demo_copy)
    _damage(newer)
    damaged = store.get_snapshot_at(str(newer.path), newer.id)
    assert store.damage(damaged).kind == "hash" and store.damage(damaged).file == "facts.parquet"
    assert store.get_snapshot(None, demo_copy) == older
    intact, passed_over = store.intact_and_damaged(demo_copy)
    assert intact == [older] and [s for s, _ in passed_over] == [damaged]
    with pytest.raises(store.SnapshotError, match="bị hỏng"):
        store.get_snapshot(newer.id, demo_copy)
    with pytest.raises(store.SnapshotError, match="bị hỏng"):
        database.load(damaged)


@pytest.mark.slow
def test_the_command_line_says_which_damaged_snapshot_it_passed_over(demo_copy):
    newer = _second_snapshot(demo_copy)
    _damage(newer)
    result = _cli("facts", "--unit", "Bến Tre", "--period", "2020", "--format", "csv", data_dir=demo_copy)
    assert result.returncode == 0, result.stderr
    assert f"bỏ qua bản dữ liệu hỏng {newer.id}" in result.stderr and "18382" in result.stdout
    listed = _cli("snapshots", "--format", "csv", data_dir=demo_copy)
    assert "mã băm SHA-256 không khớp" in listed.stdout
    asked = _cli("facts", "--unit", "Bến Tre", "--period", "2020", "--snapshot", newer.id, data_dir=demo_copy)
    assert asked.returncode == 1 and asked.stderr.count("\n") == 1 and "bị hỏng" in asked.stderr


@pytest.mark.page
def test_every_page_renders_beside_a_damaged_snapshot_with_a_notice(demo_copy):
    newer = _second_snapshot(demo_copy)
    _damage(newer)
    for page in (None, "pages/compare.py", "domain:poverty", "pages/ranking.py"):
        at = run_page(page, demo_copy)
        assert not at.exception, [e.value for e in at.exception]
        assert any(newer.id in e.value.replace("\\", "") and "bị hỏng" in e.value for e in at.error), page


@pytest.mark.unit
def test_folders_left_by_killed_writes_are_removed_but_a_running_one_is_kept(tmp_path):
    root = store.snapshots_dir(tmp_path)
    root.mkdir(parents=True)
    dead, running, orphan, fresh = (root / f".tmp-{name}" for name in ("dead", "running", "orphan", "fresh"))
    for folder in (dead, running, orphan, fresh):
        folder.mkdir()
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)


    (dead / ".owner").write_text(f"{socket.gethostname()} {child.stdout.strip()}")  # that process has ended
    (running / ".owner").write_text(f"{socket.gethostname()} {os.getpid()}")
    os.utime(orphan, (0, 0))  # no owner and long ago
    assert sorted(store.remove_stale_temporaries(tmp_path)) == [".tmp-dead", ".tmp-orphan"]
    assert running.is_dir() and fresh.is_dir() and not dead.exists() and not orphan.exists()


@pytest.mark.query
def test_a_finished_snapshot_holds_no_owner_file(demo_copy):
    newer = _second_snapshot(demo_copy)
    assert not (newer.path / ".owner").exists()
    assert store.damage(newer) is None


@pytest.mark.slow
def test_a_mistyped_data_folder_is_an_error_unless_created(tmp_path):
    missing = tmp_path / "dat"  # a typo of data/
    result = _cli("snapshots", data_dir=missing)
    assert result.returncode == 1 and "không tồn tại" in result.stderr and "--create" in result.stderr
    assert not missing.exists()
    created = subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(missing), "--create", "snapshots"],
                             cwd=REPO, capture_output=True, text=True)
    assert created.returncode == 0 and missing.is_dir()


@pytest.mark.slow
def test_csv_output_of_the_command_line_is_escaped(demo_copy):
    _second_snapshot(demo_copy, note="=HYPERLINK(\"http://evil.example\",\"x\")")
    result = _cli("snapshots", "--format", "csv", data_dir=demo_copy)
    assert result.returncode == 0
    assert "'=HYPERLINK(" in result.stdout and "\n=HYPERLINK" not in result.stdout


@pytest.mark.query
def test_a_full_disk_is_one_line_and_exit_1(demo_dir, tmp_path, monkeypatch, capsys):
    def full_disk(path, payload):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(exports, "write_atomically", full_disk)
    code = cli.main(["--data-dir", str(demo_dir), "export", "xlsx", "--unit", "Vĩnh Long", "--period", "2025",
                     "-o", str(tmp_path / "x.xlsx")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "No space left" in err and not (tmp_path / "x.xlsx").exists()


@pytest.mark.slow
def test_an_unexpected_failure_is_one_line_without_traceback(demo_dir):
    code = ("import sys; from kpi import cli, figures\n"
            "figures.figures = lambda *a, **k: 1 / 0\n"
            "sys.exit(cli.main(['--data-dir', sys.argv[1], 'facts', '--unit', 'Bến Tre', '--period', '2020']))")
    result = subprocess.run([sys.executable, "-c", code, str(demo_dir)], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "ZeroDivisionError" in result.stderr


@pytest.mark.unit
def test_the_app_shows_no_traceback_to_users():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


@pytest.mark.page
def test_an_older_snapshot_says_it_is_not_the_newest(demo_copy):
    older = store.get_snapshot(None, demo_copy)
    newer = _second_snapshot(demo_copy)
    at = run_page(None, demo_copy, {"snap": older.id, "unit": "VN34-86"})
    assert not at.exception
    assert any(newer.id in i.value and older.id in i.value for i in at.info)
    link = at.get("link_button")[0].proto.url
    assert f"snap={newer.id}" in link and "unit=VN34-86" in link  # the same view on the newest
    at = run_page(None, demo_copy, {"snap": newer.id})
    assert not any("không phải bản mới nhất" in i.value for i in at.info)


@pytest.mark.unit
def test_markdown_from_data_is_shown_as_written():
    hostile = "[x](http://evil.example) ![i](http://evil.example/i.png) <b>b</b> **bold**"
    escaped = markdown_escape(hostile)
    assert "](" not in escaped.replace("\\]\\(", "") and "<b>" not in escaped.replace("\\<b\\>", "")
    assert escaped.replace("\\", "").replace(WORD_JOINER, "") == hostile


@pytest.mark.page
def test_an_indicator_name_with_markdown_is_plain_text_on_the_pages(demo_copy):
    hostile = "[Giải quyết việc làm](http://evil.example) ![i](http://evil.example/i.png)"
    base = store.get_snapshot(None, demo_copy)
    indicators = store.read_table(base, "indicators")
    indicators.loc[indicators["code"] == "jobs_created", "name_vi"] = hostile
    store.write_snapshot(store.read_table(base, "facts"), store.read_table(base, "units"), indicators,
                         created_by="test", parent=base.id, demo=True, data_dir=demo_copy)
    at = run_page(None, demo_copy, {"unit": "VN34-86", "period": "2025"})
    assert not at.exception
    shown = [m.value for m in at.markdown if "evil" in m.value]
    assert shown and all(markdown_escape(hostile) in value for value in shown)
