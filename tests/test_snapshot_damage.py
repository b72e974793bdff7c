"""damage() keeps only a definite verdict: a SHA-256 mismatch or a missing file is remembered per
snapshot, while a read that failed and may pass (object storage refusing the connection, answering
5xx, timing out) is not: the snapshot is passed over for now, said to be unreadable right now (not
damaged), never built on by an import, and read again on the next call. Against the test SeaweedFS
(the `seaweedfs` fixture; it is never stopped here: the failing endpoint is a closed port or a small
server answering 503, chosen by KPI_S3_ENDPOINT) and with a fault-injecting storage wrapper."""
from __future__ import annotations

import http.server
import shutil
import socket
import threading
import uuid
from pathlib import Path

import pandas as pd
import pytest

from kpi import store
from kpi.access.users import LOCAL_USER
from kpi.screens import access as access_view
from kpi.screens.data import damaged_lines
from kpi.store import catalogue, snapshot_integrity, snapshots
from kpi.store.indicators import load_indicators
from kpi.store.storage import StorageError
from kpi.units.table import build_units

UNITS = build_units()


def _write(folder: Path, note: str = "base", parent: str | None = None) -> store.Snapshot:
    provinces = sorted(UNITS[UNITS["level"] == "province"]["unit"])[:5]
    facts = pd.DataFrame([{"indicator": "jobs_created", "unit": u, "period": "2020", "actual": 1000.0, "source": note}
                          for u in provinces])
    return store.write_snapshot(facts, UNITS, load_indicators(), created_by="tests", note=note, parent=parent,
                                data_dir=folder)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens there once the socket is closed


class _Unavailable(http.server.BaseHTTPRequestHandler):
    """An S3 endpoint that answers every request 503 Service Unavailable, counting them."""
    seen: list[str] = []

    def _answer(self):
        type(self).seen.append(f"{self.command} {self.path}")
        body = b"<?xml version='1.0'?><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error>"
        self.send_response(503)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def s3_folder(tmp_path, seaweedfs, monkeypatch) -> Path:
    """A data folder whose snapshot files are in a fresh prefix of the test SeaweedFS bucket."""
    for key, value in seaweedfs.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("KPI_STORAGE", f"s3://kpi/test-{uuid.uuid4().hex[:12]}")
    return tmp_path


@pytest.fixture(params=["refused", "503"])
def failing_endpoint(request):
    """An S3 endpoint that fails as a server being restarted or overloaded does, and how many requests
    it saw (None for a closed port)."""
    if request.param == "refused":
        yield f"127.0.0.1:{_closed_port()}", None
        return
    _Unavailable.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Unavailable)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", _Unavailable.seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.query
def test_a_storage_that_does_not_answer_is_not_a_damaged_snapshot(s3_folder, failing_endpoint, seaweedfs,
                                                                  monkeypatch):
    base = _write(s3_folder)
    assert [s.id for s in store.list_snapshots(s3_folder)] == [base.id]  # manifests read while S3 answers
    shutil.rmtree(s3_folder / "cache")  # the files cached at upload are gone: they must be downloaded
    store.damage.cache_clear()
    endpoint, seen = failing_endpoint
    monkeypatch.setenv("KPI_S3_ENDPOINT", endpoint)

    intact, damaged = store.intact_and_damaged(s3_folder)
    assert intact == [] and [s.id for s, _ in damaged] == [base.id]
    found = damaged[0][1]
    assert found.kind == snapshots.UNAVAILABLE and not found.definite and found.file.endswith(".parquet")
    if seen is not None:
        assert seen, "the 503 server was never asked"
    notice = damaged_lines(damaged, "vi")[0]
    assert base.id in notice and "lúc này chưa đọc được" in notice and "bị hỏng" not in notice
    english = damaged_lines(damaged, "en")[0]
    assert "cannot be read right now" in english and "damaged" not in english
    assert store.get_snapshot(None, s3_folder) is None
    with pytest.raises(store.SnapshotError, match="lúc này chưa đọc được"):
        store.get_snapshot(base.id, s3_folder)
    with pytest.raises(StorageError, match=base.id):  # an import never builds past it
        store.import_base(s3_folder)
    # not remembered: asked again, the files are read again (and fail again)
    assert store.damage(store.list_snapshots(s3_folder)[0]) == found

    monkeypatch.setenv("KPI_S3_ENDPOINT", seaweedfs["KPI_S3_ENDPOINT"])  # the storage answers again
    intact, damaged = store.intact_and_damaged(s3_folder)
    assert [s.id for s in intact] == [base.id] and damaged == []
    assert store.import_base(s3_folder) == (intact[0], frozenset())
    assert len(store.read_table(intact[0], "facts")) == 5


@pytest.mark.query
def test_an_unreadable_newer_snapshot_is_passed_over_by_readers_but_blocks_an_import(s3_folder, seaweedfs,
                                                                                     monkeypatch):
    older = _write(s3_folder, "older")
    newer = _write(s3_folder, "newer", parent=older.id)
    store.list_snapshots(s3_folder)
    store.damage.cache_clear()
    assert store.damage(older) is None  # checked (and kept) while S3 answers
    objects = s3_folder / "cache" / "objects"
    for info in newer.manifest["files"].values():  # only the newer one's own files must be downloaded
        (objects / info["sha256"][:2] / f"{info['sha256']}.parquet").unlink()
    monkeypatch.setenv("KPI_S3_ENDPOINT", f"127.0.0.1:{_closed_port()}")
    intact, damaged = store.intact_and_damaged(s3_folder)
    assert [s.id for s in intact] == [older.id] and [(s.id, d.kind) for s, d in damaged] == [(newer.id, "unavailable")]
    assert store.get_snapshot(None, s3_folder).id == older.id  # readers see the newest they can read
    with pytest.raises(StorageError, match=newer.id):
        store.import_base(s3_folder)
    monkeypatch.setenv("KPI_S3_ENDPOINT", seaweedfs["KPI_S3_ENDPOINT"])
    assert store.get_snapshot(None, s3_folder).id == newer.id
    assert store.import_base(s3_folder)[0].id == newer.id


@pytest.mark.query
def test_a_missing_file_is_a_definite_verdict_and_kept(tmp_path, storage):
    base = _write(tmp_path)
    where = snapshots.storage_of(tmp_path)
    key = f"snapshots/{base.id}/units.parquet"
    payload = where.read_bytes(key)
    if storage == "local":
        where.location(key).unlink()
    else:
        where.fs.delete_file(str(where.location(key)))
        shutil.rmtree(tmp_path / "cache")
    store.damage.cache_clear()
    snapshot = store.list_snapshots(tmp_path)[0]
    found = store.damage(snapshot)
    assert (found.file, found.kind, found.definite) == ("units.parquet", "unreadable", True)
    assert "bị hỏng" in damaged_lines([(snapshot, found)], "vi")[0]
    where.put_bytes(key, payload)  # the file back: the verdict stands until the process starts again
    assert store.damage(snapshot) == found
    store.damage.cache_clear()
    assert store.damage(snapshot) is None


class _Flaky:
    """A fault-injecting storage: the wrapped one, whose file reads fail `failures` times with `error`."""

    def __init__(self, inner, failures: int, error: OSError):
        self.inner, self.failures, self.error, self.reads = inner, failures, error, 0

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def local_file(self, key, sha256=None):
        self.reads += 1
        if self.failures > 0:
            self.failures -= 1
            raise self.error
        return self.inner.local_file(key, sha256)


@pytest.mark.unit
@pytest.mark.parametrize("error", [TimeoutError("timed out"), ConnectionRefusedError("refused"),
                                   OSError("AWS Error SLOW_DOWN (HTTP status 503) during GetObject")],
                         ids=["timeout", "refused", "5xx"])
def test_a_transient_read_error_is_tried_again_on_the_next_call(tmp_path, monkeypatch, error):
    base = _write(tmp_path)
    flaky = _Flaky(snapshots.snapshot_storage(base), failures=2, error=error)
    monkeypatch.setattr(snapshot_integrity, "snapshot_storage", lambda snapshot: flaky)
    store.damage.cache_clear()
    first = store.damage(base)
    assert first is not None and not first.definite and first.kind == "unreadable"  # a local folder's words
    assert store.damage(base) == first and flaky.reads == 2  # not kept: read again, failed again
    assert store.damage(base) is None  # the third read succeeds
    reads = flaky.reads
    assert store.damage(base) is None and flaky.reads == reads  # intact is definite: kept


@pytest.mark.unit
def test_the_pages_snapshot_choice_is_not_kept_while_a_snapshot_cannot_be_read(tmp_path, monkeypatch):
    # the sidebar's choice is shared per catalogue version (kpi.screens.access): one that passed over
    # a snapshot only unreadable right now must be computed again on the next run, not kept
    base = _write(tmp_path)
    flaky = _Flaky(snapshots.snapshot_storage(base), failures=1, error=ConnectionRefusedError("refused"))
    monkeypatch.setattr(snapshot_integrity, "snapshot_storage", lambda snapshot: flaky)
    store.damage.cache_clear()
    version = catalogue.version(tmp_path)
    first = access_view.snapshot_choice(LOCAL_USER, tmp_path, version=version)
    assert first.offered == [] and [(s.id, d.definite) for s, d in first.damaged] == [(base.id, False)]
    assert "lúc này chưa đọc được" in damaged_lines(first.damaged, "vi")[0]
    second = access_view.snapshot_choice(LOCAL_USER, tmp_path, version=catalogue.version(tmp_path))
    assert catalogue.version(tmp_path) == version  # nothing was written: the same version
    assert second.ids == [base.id] and second.damaged == []
    assert access_view.snapshot_choice(LOCAL_USER, tmp_path, version=version) is second  # an intact one is kept
