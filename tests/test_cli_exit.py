"""`python -m kpi` against S3 object storage (the test SeaweedFS) ends cleanly on an error path: its one
"Lỗi: ..." line and exit status 1, and nothing after it: pyarrow's S3 subsystem is finalized before
the interpreter exits (kpi.store.storage), not torn down while its threads live ("terminate called
without an active exception")."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pandas as pd
import pytest

from kpi import store
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

pytestmark = pytest.mark.query

REPO = Path(__file__).resolve().parent.parent
RUNS = 4  # the crash at exit was intermittent: each command is run several times


@pytest.fixture
def s3_env(tmp_path, seaweedfs, monkeypatch) -> dict:
    """A data folder whose snapshot (written here) lives in a fresh prefix of the test bucket, and the
    environment of a command run against it."""
    env = dict(seaweedfs, KPI_STORAGE=f"s3://kpi/test-{uuid.uuid4().hex[:12]}", KPI_USER="quantri")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    units = build_units()
    facts = pd.DataFrame([{"indicator": "jobs_created", "unit": u, "period": "2020", "actual": 10.0}
                          for u in sorted(units[units["level"] == "province"]["unit"])[:3]])
    store.write_snapshot(facts, units, load_indicators(), created_by="tests", data_dir=tmp_path)
    return dict(os.environ, **env)


def _kpi(env: dict, folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kpi", "--data-dir", str(folder), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("args, expected", [
    (["users", "grant", "x@demo.vn", "editor", "--unit", "VN99-99"], "VN99-99"),
    (["facts", "--unit", "VN34-15", "--period", "2020", "--snapshot", "20000101-000000-abcdef"], "20000101-000000-abcdef"),
], ids=["grant-unknown-unit", "unknown-snapshot"])
def test_a_refused_command_against_s3_exits_cleanly(tmp_path, s3_env, args, expected):
    for _ in range(RUNS):
        done = _kpi(s3_env, tmp_path, *args)
        assert done.returncode == 1, (done.stdout, done.stderr)
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Lỗi:") and expected in lines[0], done.stderr
        assert "terminate called" not in done.stderr and "FinalizeS3" not in done.stderr


def test_a_command_that_read_s3_exits_cleanly(tmp_path, s3_env):
    for _ in range(RUNS):
        shutil.rmtree(tmp_path / "cache", ignore_errors=True)  # its files are downloaded and checked again
        done = _kpi(s3_env, tmp_path, "snapshots", "--format", "csv")
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        assert lines[0].startswith("id,") and len(lines) == 2 and lines[1].endswith(","), done.stdout  # not damaged
        assert done.stderr == "", done.stderr


FINALIZE = """
import gc, sys
from pyarrow import fs as pafs
from kpi.store import snapshots, storage
found = snapshots.list_snapshots(sys.argv[1])
assert found and storage._EXIT["hooked"], "S3 used: the exit hook is registered"
held = snapshots.snapshot_storage(found[0])
storage.finalize_s3_at_exit()
gc.collect()
assert held.fs is None and not storage._FILESYSTEMS
assert not [o for o in gc.get_objects() if isinstance(o, pafs.S3FileSystem)], "a filesystem outlived it"
try:
    pafs.S3FileSystem(endpoint_override="127.0.0.1:1", scheme="http")
except Exception as exc:
    print("finalized:", exc)
storage.finalize_s3_at_exit()  # again at exit (atexit): nothing more to do
"""


def test_the_exit_hook_lets_every_filesystem_go_then_finalizes_s3(tmp_path, s3_env):
    done = subprocess.run([sys.executable, "-c", FINALIZE, str(tmp_path)], cwd=REPO, env=s3_env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("finalized:") and "finalized" in done.stdout[10:], done.stdout
    assert done.stderr == "", done.stderr
