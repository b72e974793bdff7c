"""Where snapshot files live: a local folder (the default, the data folder) or S3-compatible object
storage (DESIGN 11), behind one small interface used by kpi.store.snapshots, kpi.store.database and
kpi.store.cleanup.

`KPI_STORAGE` chooses: unset, the data folder; a path, that folder; `s3://bucket/prefix`, objects
under that prefix, read and written through pyarrow's S3 filesystem (`KPI_S3_ENDPOINT`, e.g.
`127.0.0.1:8333` or `http://127.0.0.1:8333`, `KPI_S3_ACCESS_KEY`, `KPI_S3_SECRET_KEY`,
`KPI_S3_REGION`). Keys are relative paths, `snapshots/<id>/<file>`, the same layout in both. The
catalogue (SQLite) stays in the data folder; one storage prefix belongs to one catalogue.

A snapshot is written to a local staging folder and verified, then published: on a folder by one
rename, on S3 by uploading `.owner` first, each file (read back and checked against its SHA-256),
the manifest last and `.owner` removed. Either way it is a snapshot only once its catalogue row is
written (kpi.store.snapshots); an upload that dies leaves objects no catalogue row names, which
kpi.store.cleanup removes.

DuckDB reads local files: an S3 file is downloaded once into a local cache keyed by its SHA-256
(`<data folder>/cache/objects/`), verified as it downloads. DuckDB's own S3 reader (httpfs) is an
extension fetched from outside at run time, which this deployment cannot reach; and a snapshot is
loaded year by year and again "as of" or after an eviction, so each remote read would be repeated,
while a cached file is read at the speed of a local Parquet scan, shared by every snapshot whose
chain names it (a base is named by all its deltas) and never stale (its name is its content).
"""
from __future__ import annotations

import atexit
import gc
import hashlib
import os
import shutil
import sys
import threading
import time
import uuid
import weakref
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pyarrow import fs as pafs

from kpi.paths import data_dir as default_data_dir

BLOCK = 1 << 20


class StorageError(OSError):
    """A storage operation failed (an unreachable endpoint, refused keys, a missing bucket)."""


@dataclass(frozen=True)
class Entry:
    """One name under a prefix: a file (with its size and modification time) or a folder."""
    name: str
    is_dir: bool
    size: int = 0
    mtime: float = 0.0


def sha256_file(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()


class Storage:
    """The interface: keys are relative POSIX paths ('snapshots/<id>/facts.parquet')."""
    url: str
    is_local: bool

    def location(self, key: str) -> Path | PurePosixPath:
        """Where the key is, for messages and for a snapshot's identity."""
        raise NotImplementedError

    def staging(self, name: str) -> Path:
        """A local folder to write a snapshot's files into before publishing them."""
        raise NotImplementedError

    def publish(self, folder: Path, prefix: str, files: list[str]) -> None:
        """Make the staged `folder`'s `files` (manifest.json last) appear under `prefix`."""
        raise NotImplementedError

    def read_bytes(self, key: str) -> bytes:
        raise NotImplementedError

    def put_bytes(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def exists(self, key: str) -> bool:
        raise NotImplementedError

    def list(self, prefix: str) -> list[Entry]:
        """The names directly under `prefix` (none when it does not exist)."""
        raise NotImplementedError

    def delete(self, prefix: str) -> None:
        """Remove everything under `prefix` (a dead write's temporaries or objects)."""
        raise NotImplementedError

    def sha256(self, key: str) -> str:
        raise NotImplementedError

    def local_file(self, key: str, sha256: str | None = None) -> Path:
        """A local file with the key's content (for DuckDB): the file itself on a folder; on S3 the
        cached download, fetched and checked against `sha256` when not cached yet (SnapshotError-free:
        a mismatch raises ValueError)."""
        raise NotImplementedError


class LocalStorage(Storage):
    is_local = True

    def __init__(self, root: Path | str):
        self.root = Path(root)
        self.url = str(self.root)

    def location(self, key: str) -> Path:
        return self.root / key

    def staging(self, name: str) -> Path:
        folder = self.root / "snapshots" / f".tmp-{name}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir()
        return folder

    def publish(self, folder: Path, prefix: str, files: list[str]) -> None:
        (folder / ".owner").unlink(missing_ok=True)  # the snapshot holds only what its manifest lists
        for path in folder.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        target = self.root / prefix
        os.rename(folder, target)  # atomic on one filesystem: the snapshot appears whole
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def read_bytes(self, key: str) -> bytes:
        return (self.root / key).read_bytes()

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def exists(self, key: str) -> bool:
        return (self.root / key).exists()

    def list(self, prefix: str) -> list[Entry]:
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        found = []
        for path in folder.iterdir():
            try:
                info = path.stat()
            except OSError:
                continue
            found.append(Entry(path.name, path.is_dir(), info.st_size, info.st_mtime))
        return found

    def delete(self, prefix: str) -> None:
        shutil.rmtree(self.root / prefix, ignore_errors=True)

    def sha256(self, key: str) -> str:
        return sha256_file(self.root / key)

    def local_file(self, key: str, sha256: str | None = None) -> Path:
        return self.root / key


def _endpoint() -> tuple[str | None, str]:
    endpoint = os.environ.get("KPI_S3_ENDPOINT") or None
    scheme = "https"
    if endpoint and "://" in endpoint:
        scheme, endpoint = endpoint.split("://", 1)
    elif endpoint:
        scheme = "http"  # a bare host:port is a local test server (SeaweedFS on loopback)
    return endpoint, scheme


def s3_filesystem() -> pafs.S3FileSystem:
    """pyarrow's S3 filesystem for the configured endpoint and keys (one per configuration)."""
    endpoint, scheme = _endpoint()
    key = (endpoint, scheme, os.environ.get("KPI_S3_ACCESS_KEY"), os.environ.get("KPI_S3_SECRET_KEY"),
           os.environ.get("KPI_S3_REGION") or "us-east-1")
    with _LOCK:
        found = _FILESYSTEMS.get(key)
        if found is None:
            if not _EXIT["hooked"]:
                # registered after pyarrow's own (atexit runs last registered first): at exit ours
                # finalizes S3 before pyarrow's runs, with no filesystem of ours left alive
                atexit.register(finalize_s3_at_exit)
                _EXIT["hooked"] = True
            found = _FILESYSTEMS[key] = pafs.S3FileSystem(
                access_key=key[2], secret_key=key[3], region=key[4], endpoint_override=endpoint, scheme=scheme,
                allow_bucket_creation=True, connect_timeout=5, request_timeout=60)
        return found


_LOCK = threading.Lock()
_FILESYSTEMS: dict[tuple, pafs.S3FileSystem] = {}
_EXIT = {"hooked": False, "finalized": False}
_OPEN: weakref.WeakSet = weakref.WeakSet()  # the S3Storage objects alive (each holds a filesystem)


def finalize_s3_at_exit() -> None:
    """Shut pyarrow's S3 subsystem down cleanly as the process ends (atexit, once S3 was used): every
    S3 filesystem this module made is let go first (the S3Storage objects' too, wherever they are
    cached), then pyarrow.fs.finalize_s3() stops the AWS SDK and its threads. Left to the
    interpreter's teardown instead, with filesystems still alive, a command could print "terminate
    called without an active exception" after its last line. S3 cannot be used after this."""
    with _LOCK:
        if _EXIT["finalized"]:
            return
        _EXIT["finalized"] = True
        for storage in list(_OPEN):
            storage.fs = None
        _FILESYSTEMS.clear()
    gc.collect()
    pafs.finalize_s3()


class S3Storage(Storage):
    is_local = False

    def __init__(self, url: str, cache: Path | str):
        if not url.startswith("s3://"):
            raise ValueError(url)
        self.url = url.rstrip("/")
        bucket_and_prefix = self.url[len("s3://"):]
        self.bucket, _, self.prefix = bucket_and_prefix.partition("/")
        if not self.bucket:
            raise ValueError(f"{url}: no bucket")
        self.cache = Path(cache)
        self.fs = s3_filesystem()
        _OPEN.add(self)

    def _path(self, key: str) -> str:
        return "/".join(p for p in (self.bucket, self.prefix, key.strip("/")) if p)

    def location(self, key: str) -> PurePosixPath:
        return PurePosixPath(self._path(key))

    def staging(self, name: str) -> Path:
        folder = self.cache / "staging" / f".tmp-{name}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        folder.mkdir()
        return folder

    def publish(self, folder: Path, prefix: str, files: list[str]) -> None:
        owner = folder / ".owner"
        if owner.exists():  # who is uploading: a dead upload is told from one under way
            self.put_bytes(f"{prefix}/.owner", owner.read_bytes())
        try:
            for name in files:  # manifest.json is last: an object set without it is not complete
                local = folder / name
                key = f"{prefix}/{name}"
                self._upload(local, key)
                expected = sha256_file(local)
                if self.sha256(key) != expected:
                    raise StorageError(f"{self._path(key)}: mã băm SHA-256 không khớp sau khi tải lên")
                if name.endswith(".parquet"):  # loading reads it from the cache, without a download
                    self._cache_copy(local, expected)
            self.fs.delete_file(self._path(f"{prefix}/.owner")) if owner.exists() else None
        except BaseException:
            self.delete(prefix)
            raise
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _upload(self, local: Path, key: str) -> None:
        try:
            with open(local, "rb") as source, self.fs.open_output_stream(self._path(key)) as target:
                for block in iter(lambda: source.read(8 * BLOCK), b""):
                    target.write(block)
        except OSError as exc:
            raise StorageError(f"{self._path(key)}: {exc}") from exc

    def read_bytes(self, key: str) -> bytes:
        try:
            with self.fs.open_input_stream(self._path(key)) as handle:
                return handle.read()
        except FileNotFoundError:
            raise
        except OSError as exc:
            if "NoSuchKey" in str(exc) or "not found" in str(exc).lower():
                raise FileNotFoundError(self._path(key)) from exc
            raise

    def put_bytes(self, key: str, data: bytes) -> None:
        try:
            with self.fs.open_output_stream(self._path(key)) as target:
                target.write(data)
        except OSError as exc:
            raise StorageError(f"{self._path(key)}: {exc}") from exc

    def exists(self, key: str) -> bool:
        return self.fs.get_file_info(self._path(key)).type != pafs.FileType.NotFound

    def list(self, prefix: str) -> list[Entry]:
        selector = pafs.FileSelector(self._path(prefix), allow_not_found=True, recursive=False)
        found = []
        for info in self.fs.get_file_info(selector):
            mtime = info.mtime.timestamp() if info.mtime is not None else 0.0
            found.append(Entry(info.base_name, info.type == pafs.FileType.Directory, info.size or 0, mtime))
        return found

    def delete(self, prefix: str) -> None:
        path = self._path(prefix)
        try:
            self.fs.delete_dir_contents(path, missing_dir_ok=True)
            self.fs.delete_dir(path)
        except (FileNotFoundError, OSError):
            pass

    def sha256(self, key: str) -> str:
        digest = hashlib.sha256()
        with self.fs.open_input_stream(self._path(key)) as handle:
            for block in iter(lambda: handle.read(8 * BLOCK), b""):
                digest.update(block)
        return digest.hexdigest()

    def _cached(self, sha256: str) -> Path:
        return self.cache / "objects" / sha256[:2] / f"{sha256}.parquet"

    def _cache_copy(self, local: Path, sha256: str) -> None:
        target = self._cached(sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
        shutil.copyfile(local, part)
        os.replace(part, target)

    def local_file(self, key: str, sha256: str | None = None) -> Path:
        if sha256 is None:
            raise ValueError("an S3 file is cached by its SHA-256")
        target = self._cached(sha256)
        if target.exists():
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        part = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}")
        digest = hashlib.sha256()
        try:
            with self.fs.open_input_stream(self._path(key)) as source, open(part, "wb") as out:
                for block in iter(lambda: source.read(8 * BLOCK), b""):
                    digest.update(block)
                    out.write(block)
            if digest.hexdigest() != sha256:
                raise ValueError(f"{self._path(key)}: SHA-256 {digest.hexdigest()} is not {sha256}")
            os.replace(part, target)
        finally:
            part.unlink(missing_ok=True)
        return target


def storage_url(data_dir: Path | str | None = None) -> str:
    """The configured storage: $KPI_STORAGE, else the data folder."""
    return os.environ.get("KPI_STORAGE") or str(default_data_dir(data_dir))


def open_storage(data_dir: Path | str | None = None) -> Storage:
    """The storage of the data folder's snapshot files (see the module's docstring)."""
    url = storage_url(data_dir)
    if url.startswith("s3://"):
        return S3Storage(url, default_data_dir(data_dir) / "cache")
    return LocalStorage(Path(url))


def storage_at(url: str, data_dir: Path | str | None = None) -> Storage:
    """The storage a snapshot was listed from (its `storage` URL)."""
    if url.startswith("s3://"):
        return S3Storage(url, default_data_dir(data_dir) / "cache")
    return LocalStorage(Path(url))


def make_bucket(name: str) -> None:
    """Create the bucket when it does not exist (SeaweedFS set-up, scripts/seaweedfs.sh)."""
    filesystem = s3_filesystem()
    if filesystem.get_file_info(name).type == pafs.FileType.NotFound:
        filesystem.create_dir(name)
    filesystem.get_file_info(pafs.FileSelector(name, allow_not_found=False))


def wait_until_ready(name: str, seconds: float = 30.0) -> None:
    """Create the bucket, retrying while the server starts (raises the last error)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            make_bucket(name)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


if __name__ == "__main__":  # python -m kpi.store.storage make-bucket NAME
    if len(sys.argv) == 3 and sys.argv[1] == "make-bucket":
        make_bucket(sys.argv[2])
    else:
        sys.exit("usage: python -m kpi.store.storage make-bucket NAME")
