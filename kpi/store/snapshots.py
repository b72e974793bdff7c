"""Parquet snapshots: immutable folders written atomically (loaded into DuckDB by kpi.store.database).

A snapshot folder holds facts.parquet, units.parquet, indicators.parquet and manifest.json
(DESIGN section 2). It is written to a hidden temporary folder, verified, then renamed into
place, so a crash never leaves a half snapshot that looks complete and never touches an
earlier one. The newest snapshot is current; any older one can be chosen "as of".
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
import shutil
import socket
import time
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.paths import data_dir as default_data_dir

FACT_COLUMNS = ["indicator", "unit", "period", "actual", "plan", "plan_kind", "plan_high", "numerator", "denominator",
                "source", "note"]
# plan_kind / plan_high: the target as a resolution writes it (DESIGN 4.1); NULL plan_kind is 'level'
FACT_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("unit", pa.string()), ("period", pa.string()),
    ("actual", pa.float64()), ("plan", pa.float64()), ("plan_kind", pa.string()), ("plan_high", pa.float64()),
    ("numerator", pa.float64()), ("denominator", pa.float64()), ("source", pa.string()), ("note", pa.string()),
])
TABLES = ("facts", "units", "indicators")
_ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")


class SnapshotError(RuntimeError):
    pass


@dataclass(frozen=True)
class Snapshot:
    """One immutable snapshot folder. Identity (equality, hash) is its id and path, so caches are
    keyed by the snapshot itself; the manifest is what the folder says of itself."""
    id: str
    path: Path
    manifest: dict = field(compare=False, hash=False, repr=False)

    @property
    def created(self) -> str:
        return self.manifest.get("created", "")

    @property
    def is_demo(self) -> bool:
        return bool(self.manifest.get("demo"))


def snapshots_dir(data_dir: Path | str | None = None) -> Path:
    return default_data_dir(data_dir) / "snapshots"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def list_snapshots(data_dir: Path | str | None = None) -> list[Snapshot]:
    """Complete snapshots, newest first. Temporary and unverifiable folders are ignored."""
    root = snapshots_dir(data_dir)
    if not root.is_dir():
        return []
    found = []
    for folder in root.iterdir():
        if not folder.is_dir() or not _ID_RE.match(folder.name):
            continue
        manifest_file = folder / "manifest.json"
        try:
            manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("id") != folder.name:
            continue
        found.append(Snapshot(folder.name, folder, manifest))
    # created_precise (microseconds) orders snapshots written within the same second
    return sorted(found, key=lambda s: (s.manifest.get("created_precise", s.created), s.id), reverse=True)


@dataclass(frozen=True)
class Damage:
    """What is wrong with a snapshot's files: `kind` is 'hash' (a file differs from its manifest),
    'unreadable' or 'no_files'; str() says it in Vietnamese for the command line."""
    file: str
    kind: str

    def __str__(self) -> str:
        return {"hash": f"{self.file}: mã băm SHA-256 không khớp với manifest.json",
                "unreadable": f"{self.file}: không đọc được tệp",
                "no_files": "manifest.json không liệt kê tệp nào"}[self.kind]


@lru_cache(maxsize=256)
def damage(snapshot: Snapshot) -> Damage | None:
    """Why the snapshot's files do not match its manifest (a damaged or altered file), or None.

    Checked once per snapshot and process (the SHA-256 of every Parquet file against the manifest):
    a damaged snapshot is never loaded, so no page shows numbers read from a corrupt file.
    """
    for name, info in snapshot.manifest.get("files", {}).items():
        path = snapshot.path / name
        try:
            if _sha256(path) != info.get("sha256"):
                return Damage(name, "hash")
        except OSError:
            return Damage(name, "unreadable")
    return None if snapshot.manifest.get("files") else Damage("manifest.json", "no_files")


def intact_and_damaged(data_dir: Path | str | None = None) -> tuple[list[Snapshot], list[tuple[Snapshot, Damage]]]:
    """The snapshots whose files match their manifest (newest first), and the damaged ones with why."""
    intact, damaged = [], []
    for snapshot in list_snapshots(data_dir):
        reason = damage(snapshot)
        if reason is None:
            intact.append(snapshot)
        else:
            damaged.append((snapshot, reason))
    return intact, damaged


def get_snapshot(snapshot_id: str | None = None, data_dir: Path | str | None = None) -> Snapshot | None:
    """The snapshot with this id, or the newest intact one when `snapshot_id` is None.

    A snapshot asked for by id that is damaged is refused with the reason (SnapshotError).
    """
    if snapshot_id is None:
        intact, _damaged = intact_and_damaged(data_dir)
        return intact[0] if intact else None
    for snapshot in list_snapshots(data_dir):
        if snapshot.id == snapshot_id:
            reason = damage(snapshot)
            if reason:
                raise SnapshotError(f"Bản dữ liệu {snapshot_id} bị hỏng, không dùng được: {reason}")
            return snapshot
    raise SnapshotError(f"Không có bản dữ liệu (snapshot) '{snapshot_id}' trong {snapshots_dir(data_dir)}")


STALE_AFTER_S = 3600  # a temporary folder without a live owner, older than this, is a killed write


def remove_stale_temporaries(data_dir: Path | str | None = None) -> list[str]:
    """Remove the temporary folders that killed writes left behind; return their names.

    A write records its host and process in `.owner`; a folder whose process is gone (same host),
    or without an owner and older than an hour, is removed. A write still running is never touched.
    """
    root = snapshots_dir(data_dir)
    removed = []
    if not root.is_dir():
        return removed
    for folder in root.glob(".tmp-*"):
        try:
            host, pid = (folder / ".owner").read_text(encoding="utf-8").split()
            gone = host == socket.gethostname() and not _process_alive(int(pid))
        except (OSError, ValueError):
            gone = time.time() - folder.stat().st_mtime > STALE_AFTER_S
        if gone:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder.name)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def normalise_facts(facts: pd.DataFrame) -> pa.Table:
    frame = facts.reindex(columns=FACT_COLUMNS)
    for col in ("actual", "plan", "plan_high", "numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    for col in ("indicator", "unit", "period", "plan_kind", "source", "note"):
        frame[col] = frame[col].astype("string")
    # sorted by period and indicator so DuckDB's zone maps skip most row groups
    frame = frame.sort_values(["period", "indicator", "unit"], kind="stable")
    return pa.Table.from_pandas(frame, schema=FACT_SCHEMA, preserve_index=False)


def _verify(folder: Path, manifest: dict) -> None:
    for table in TABLES:
        path = folder / f"{table}.parquet"
        info = manifest["files"][f"{table}.parquet"]
        if _sha256(path) != info["sha256"]:
            raise SnapshotError(f"{path}: mã băm SHA-256 không khớp sau khi ghi")
        if pq.ParquetFile(path).metadata.num_rows != info["rows"]:
            raise SnapshotError(f"{path}: số dòng không khớp sau khi ghi")
    facts = pq.read_table(folder / "facts.parquet", columns=["indicator", "unit", "period"]).to_pandas()
    if facts.duplicated().any():
        raise SnapshotError("facts.parquet có số liệu trùng (chỉ tiêu, đơn vị, kỳ)")


def write_snapshot(
    facts: pd.DataFrame,
    units: pd.DataFrame,
    indicators: pd.DataFrame,
    *,
    created_by: str,
    note: str = "",
    parent: str | None = None,
    sources: list[dict] | None = None,
    demo: bool = False,
    data_dir: Path | str | None = None,
    now: dt.datetime | None = None,
) -> Snapshot:
    """Write a new snapshot atomically and return it. Never modifies an existing snapshot."""
    root = snapshots_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now(dt.UTC)
    snapshot_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    tmp = root / f".tmp-{snapshot_id}"
    tmp.mkdir()
    try:
        (tmp / ".owner").write_text(f"{socket.gethostname()} {os.getpid()}", encoding="utf-8")
        tables = {
            "facts": normalise_facts(facts),
            "units": pa.Table.from_pandas(units.reset_index(drop=True), preserve_index=False),
            "indicators": pa.Table.from_pandas(indicators.reset_index(drop=True), preserve_index=False),
        }
        files = {}
        for name, table in tables.items():
            path = tmp / f"{name}.parquet"
            pq.write_table(table, path, row_group_size=250_000)
            files[f"{name}.parquet"] = {"sha256": _sha256(path), "rows": table.num_rows}
        manifest = {
            "id": snapshot_id,
            "created": now.isoformat(timespec="seconds"),
            "created_precise": now.isoformat(timespec="microseconds"),
            "created_by": created_by,
            "user": _user(),
            "note": note,
            "parent": parent,
            "demo": demo,
            "sources": sources or [],
            "files": files,
            "counts": {
                "facts": tables["facts"].num_rows,
                "units": tables["units"].num_rows,
                "indicators": tables["indicators"].num_rows,
            },
        }
        _verify(tmp, manifest)
        manifest_path = tmp / "manifest.json"
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        (tmp / ".owner").unlink()  # the snapshot holds only what its manifest lists
        for path in tmp.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        os.rename(tmp, root / snapshot_id)  # atomic on one filesystem: the snapshot appears whole
        dir_fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Snapshot(snapshot_id, root / snapshot_id, manifest)


def _user() -> str:
    try:
        return f"{getpass.getuser()}@{socket.gethostname()}"
    except Exception:  # noqa: BLE001 - best effort provenance only
        return "unknown"


def read_table(snapshot: Snapshot, table: str) -> pd.DataFrame:
    frame = pq.read_table(snapshot.path / f"{table}.parquet").to_pandas()
    # facts written before plan kinds have no plan_kind / plan_high: level plans
    return frame.reindex(columns=FACT_COLUMNS) if table == "facts" else frame


def get_snapshot_at(path: str, snapshot_id: str) -> Snapshot:
    """A snapshot from its folder path (for caches keyed by path)."""
    folder = Path(path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("id") != snapshot_id:
        raise SnapshotError(f"{folder}: manifest id does not match {snapshot_id}")
    return Snapshot(snapshot_id, folder, manifest)
