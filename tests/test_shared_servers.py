"""Test servers shared by test sessions running at the same time (tests/shared_servers.py): the
session that started a server no longer stops it under another session still using it (the cause
of the approver test's "connection refused" on postgresql-s3); the last one out stops it; a
server no test session started is never stopped. Sessions are real processes here, the "server"
a marker file."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

TESTS = Path(__file__).resolve().parent

# one test session: uses the server until the file `leave` appears, then leaves
SESSION = """
import sys, time
from pathlib import Path
sys.path.insert(0, {tests!r})
import shared_servers
shared_servers.REGISTRY = Path({registry!r})
marker, leave, log = Path({marker!r}), Path({leave!r}), Path({log!r})
def start():
    marker.write_text("up")
    with log.open("a") as out: out.write("start\\n")
    return {{"marker": str(marker)}}
def stop(info):
    Path(info["marker"]).unlink()
    with log.open("a") as out: out.write("stop\\n")
with shared_servers.shared_server("fake", marker.exists, start, stop) as info:
    with log.open("a") as out: out.write(f"using {{info is not None}}\\n")
    while not leave.exists():
        time.sleep(0.02)
"""


def _session(tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    leave = tmp_path / f"leave-{name}"
    code = SESSION.format(tests=str(TESTS), registry=str(tmp_path / "registry"), marker=str(tmp_path / "server"),
                          leave=str(leave), log=str(tmp_path / "log"))
    return subprocess.Popen([sys.executable, "-c", code]), leave


def _log(tmp_path: Path) -> list[str]:
    path = tmp_path / "log"
    return path.read_text().split("\n")[:-1] if path.exists() else []


def _wait_for(condition, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_session_that_started_a_server_leaves_it_to_the_one_still_using_it(tmp_path):
    first, leave_first = _session(tmp_path, "first")
    _wait_for(lambda: _log(tmp_path) == ["start", "using True"])
    second, leave_second = _session(tmp_path, "second")
    _wait_for(lambda: len(_log(tmp_path)) == 3)
    assert _log(tmp_path) == ["start", "using True", "using True"]  # reused, not started again
    record = json.loads((tmp_path / "registry" / "fake.json").read_text())
    assert record["users"] == [first.pid, second.pid]
    leave_first.touch()
    assert first.wait(timeout=60) == 0
    assert (tmp_path / "server").exists() and "stop" not in _log(tmp_path)  # still serving the second
    leave_second.touch()
    assert second.wait(timeout=60) == 0
    assert not (tmp_path / "server").exists() and _log(tmp_path)[-1] == "stop"  # the last one out stopped it
    assert not (tmp_path / "registry" / "fake.json").exists()


def test_a_dead_sessions_lease_does_not_keep_the_server_forever(tmp_path):
    first, _leave = _session(tmp_path, "first")
    _wait_for(lambda: _log(tmp_path) == ["start", "using True"])
    first.kill()  # killed (a timeout): its lease stays behind
    first.wait(timeout=60)
    second, leave_second = _session(tmp_path, "second")
    _wait_for(lambda: len(_log(tmp_path)) == 3)
    leave_second.touch()
    assert second.wait(timeout=60) == 0
    assert _log(tmp_path) == ["start", "using True", "using True", "stop"]


def test_a_server_no_test_session_started_is_used_and_never_stopped(tmp_path):
    (tmp_path / "server").write_text("started by scripts/cluster.sh")
    session, leave = _session(tmp_path, "one")
    _wait_for(lambda: len(_log(tmp_path)) == 1)
    leave.touch()
    assert session.wait(timeout=60) == 0
    assert _log(tmp_path) == ["using False"] and (tmp_path / "server").exists()


def test_a_server_that_died_is_started_again_and_its_leftovers_stopped(tmp_path):
    first, _leave = _session(tmp_path, "first")
    _wait_for(lambda: _log(tmp_path) == ["start", "using True"])
    first.kill()
    first.wait(timeout=60)
    # the server is gone (not answering), its record stays, naming what its stop() cleans up
    (tmp_path / "server").rename(tmp_path / "server-died")
    registry = tmp_path / "registry" / "fake.json"
    record = json.loads(registry.read_text())
    record["info"]["marker"] = str(tmp_path / "server-died")
    registry.write_text(json.dumps(record))
    second, leave_second = _session(tmp_path, "second")
    _wait_for(lambda: len(_log(tmp_path)) == 5)
    assert _log(tmp_path)[2:] == ["stop", "start", "using True"] and not (tmp_path / "server-died").exists()
    leave_second.touch()
    assert second.wait(timeout=60) == 0
    assert not (tmp_path / "server").exists()


def test_a_lease_from_outside_keeps_a_test_sessions_server_while_its_process_lives(tmp_path):
    """scripts/cluster.sh reusing the tests' SeaweedFS leases it for HAProxy's pid."""
    first, leave_first = _session(tmp_path, "first")
    _wait_for(lambda: _log(tmp_path) == ["start", "using True"])
    cluster = subprocess.Popen(["sleep", "600"])
    (tmp_path / "tmp").mkdir()
    leased = subprocess.run([sys.executable, str(TESTS / "shared_servers.py"), "lease", "fake", str(cluster.pid)],
                            env={"TMPDIR": str(tmp_path / "tmp")}, capture_output=True, text=True)
    assert leased.stdout.strip() == "not a test session's server"  # another registry: nothing there
    sys.path.insert(0, str(TESTS))
    import shared_servers

    saved = shared_servers.REGISTRY
    shared_servers.REGISTRY = tmp_path / "registry"
    try:
        assert shared_servers.lease("fake", cluster.pid)
    finally:
        shared_servers.REGISTRY = saved
    leave_first.touch()
    assert first.wait(timeout=60) == 0
    assert (tmp_path / "server").exists()  # the cluster still uses it
    cluster.kill()
    cluster.wait(timeout=60)
    second, leave_second = _session(tmp_path, "second")
    _wait_for(lambda: len(_log(tmp_path)) == 3)
    leave_second.touch()
    assert second.wait(timeout=60) == 0
    assert _log(tmp_path) == ["start", "using True", "using True", "stop"]
