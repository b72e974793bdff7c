"""Test servers on fixed ports shared by the test sessions running at the same time (conftest's
`postgres` on 55433 and `seaweedfs` on 8333 and its other fixed ports).

Before, the session that started a server stopped it when it ended, while another session that had
found it answering and reused it was still running: that session's next test failed with
"connection refused" (the approver test of test_access.py on postgresql-s3, seen once in a larger
run and reproduced by running the backend tests in a loop while other sessions came and went).

Now every session using a server it or another test session started holds a lease on it, recorded
in <tmp>/kpi-test-servers/<name>.json under an exclusive file lock, and the last session to leave
stops it (leases of sessions that died are dropped). A server answering without such a record was
started by something else (scripts/cluster.sh, a developer): it is used and never stopped.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kpi.store.cleanup import process_alive

REGISTRY = Path(tempfile.gettempdir()) / "kpi-test-servers"


@contextlib.contextmanager
def _locked(name: str) -> Iterator[Path]:
    """The server's record file, under an exclusive lock held across processes."""
    REGISTRY.mkdir(mode=0o777, exist_ok=True)
    fd = os.open(REGISTRY / f"{name}.lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield REGISTRY / f"{name}.json"
    finally:
        os.close(fd)  # releases the lock


def _read(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and isinstance(record.get("users"), list) else None


def _write(path: Path, record: dict) -> None:
    part = path.with_name(f".{path.name}.{os.getpid()}")
    part.write_text(json.dumps(record), encoding="utf-8")
    os.replace(part, path)


@contextlib.contextmanager
def shared_server(name: str, answers: Callable[[], bool], start: Callable[[], dict],
                  stop: Callable[[dict], None]) -> Iterator[dict | None]:
    """Use the server `name` for as long as the block runs: the one answering (`answers()`), or one
    started by `start()` (which returns what `stop(info)` needs, and what is yielded). Stopped on
    leaving only by the last test session holding a lease on it; yields None for a server that no
    test session started (used as it is, never stopped)."""
    me = os.getpid()
    with _locked(name) as path:
        record = _read(path)
        if answers():
            leased = record is not None
            if leased:
                record["users"] = [u for u in record["users"] if u != me and process_alive(u)] + [me]
                _write(path, record)
        else:
            if record is not None:  # a test session's server that died: its leftovers go
                stop(record["info"])
                path.unlink(missing_ok=True)
            record = {"info": start(), "users": [me]}
            _write(path, record)
            leased = True
    try:
        yield record["info"] if leased else None
    finally:
        if leased:
            release(name, me, stop)


def release(name: str, pid: int, stop: Callable[[dict], None]) -> bool:
    """Drop `pid`'s lease on the server; the last one out stops it (returns whether it did)."""
    with _locked(name) as path:
        record = _read(path)
        if record is None:
            return False
        users = [u for u in record["users"] if u != pid and process_alive(u)]
        if users:
            record["users"] = users
            _write(path, record)
            return False
        stop(record["info"])
        path.unlink(missing_ok=True)
        return True


def lease(name: str, pid: int) -> bool:
    """Add a lease of `pid` (a process outside the test sessions, e.g. the HAProxy of
    scripts/cluster.sh using the tests' SeaweedFS) on a server a test session started: it is not
    stopped while `pid` lives. Returns False when no test session started that server."""
    with _locked(name) as path:
        record = _read(path)
        if record is None:
            return False
        record["users"] = [u for u in record["users"] if u != pid and process_alive(u)] + [pid]
        _write(path, record)
        return True


if __name__ == "__main__":  # python tests/shared_servers.py lease NAME PID (scripts/cluster.sh)
    import sys

    if len(sys.argv) != 4 or sys.argv[1] != "lease":
        sys.exit("usage: python tests/shared_servers.py lease NAME PID")
    print("leased" if lease(sys.argv[2], int(sys.argv[3])) else "not a test session's server")
