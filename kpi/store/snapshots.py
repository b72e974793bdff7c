"""Parquet snapshots: immutable folders written atomically (loaded into DuckDB by kpi.store.database).

A snapshot folder holds facts.parquet, units.parquet, indicators.parquet and manifest.json
(DESIGN section 2). It is written to a hidden temporary folder, verified, then renamed into
place, so a crash never leaves a half snapshot that looks complete and never touches an
earlier one. A folder is a snapshot once the catalogue (kpi.store.catalogue) has its row: the
folder is written first, the row last, so a reader never sees half a commit, and the folder of a
commit that died before its row is ignored and cleaned away like a temporary folder. A data folder
written before the catalogue existed is registered on first use (every snapshot approved, with its
manifest's parent, author and time). The newest approved snapshot is current; any other one can be
chosen "as of" by its id.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import getpass
import hashlib
import json
import os
import re
import shutil
import socket
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.paths import data_dir as default_data_dir
from kpi.store import catalogue
from kpi.store.catalogue import APPROVED, SnapshotError

FACT_COLUMNS = ["indicator", "unit", "period", "actual", "plan", "plan_kind", "plan_high", "numerator", "denominator",
                "source", "note", "estimate_status"]
# estimate_status: the figure's standing in its report ('estimate' ước, 'preliminary' sơ bộ, 'official'
# chính thức; NULL when the file does not say; kpi.importing.validate.ESTIMATE_STATUSES)
# plan_kind / plan_high: the target as a resolution writes it (DESIGN 4.1); NULL plan_kind is 'level'
FACT_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("unit", pa.string()), ("period", pa.string()),
    ("actual", pa.float64()), ("plan", pa.float64()), ("plan_kind", pa.string()), ("plan_high", pa.float64()),
    ("numerator", pa.float64()), ("denominator", pa.float64()), ("source", pa.string()), ("note", pa.string()),
])
TABLES = ("facts", "units", "indicators")
_ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")

    ("estimate_status", pa.string()),

@dataclass(frozen=True)
class Snapshot:
    """One immutable snapshot folder. Identity (equality, hash) is its id and path, so caches are
    keyed by the snapshot itself; the manifest is what the folder says of itself."""
    id: str
    path: Path
    manifest: dict = field(compare=False, hash=False, repr=False)
    # the catalogue's state when it was listed ('pending' | 'approved' | 'rejected'); not identity
    state: str = field(default=APPROVED, compare=False, hash=False)

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


def read_manifest(folder: Path) -> dict | None:
    """The folder's manifest when it names the folder (cached: a snapshot never changes)."""
    key = str(folder)
    if key in _MANIFESTS:
        return _MANIFESTS[key]
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("id") != folder.name:
        return None
    if len(_MANIFESTS) > 4096:
        _MANIFESTS.clear()
    _MANIFESTS[key] = manifest
    return manifest


_MANIFESTS: dict[str, dict] = {}


def forget_manifest(folder: Path) -> None:
    """Drop a removed folder's cached manifest."""
    _MANIFESTS.pop(str(folder), None)


def snapshot_folders(root: Path) -> list[Path]:
    """The folders named like a snapshot (temporary folders start with '.tmp-')."""
    if not root.is_dir():
        return []
    return [f for f in root.iterdir() if f.is_dir() and _ID_RE.match(f.name)]


def _precise(manifest: dict) -> str:
    return manifest.get("created_precise", manifest.get("created", ""))


def _migrate(con, data_dir) -> None:
    """Register, once, the snapshots of a data folder written before the catalogue: each folder
    whose manifest names it, approved, with its manifest's parent, author and time, oldest first.
    (A damaged one is registered too: damage is checked on every read, and it is then named, never
    loaded.) Folders written since the catalogue exists carry a `writer` and are never migrated:
    one without a row is a commit that died."""
    with catalogue.transaction(con):
        if catalogue.is_migrated(con):
            return
        known = {e.id for e in catalogue.entries(con)}
        found = []
        for folder in snapshot_folders(snapshots_dir(data_dir)):
            manifest = read_manifest(folder)
            if manifest is None or "writer" in manifest or folder.name in known:
                continue
            found.append(manifest)
        for manifest in sorted(found, key=lambda m: (_precise(m), m["id"])):
            catalogue.insert(con, snapshot_id=manifest["id"], parent=manifest.get("parent"), state=APPROVED,
                             created_by=manifest.get("user") or manifest.get("created_by") or "",
                             author_name=manifest.get("user") or "", created_at=_precise(manifest),
                             note=manifest.get("note", ""), files=_file_hashes(manifest),
                             comment="đăng ký khi chuyển sang sổ bản dữ liệu")
        catalogue.mark_migrated(con, f"{catalogue.now_text()} {len(found)}")


def _file_hashes(manifest: dict) -> dict:
    return {name: (info or {}).get("sha256") for name, info in (manifest.get("files") or {}).items()
            if isinstance(info, dict) or info is None}


def catalogue_connection(data_dir):
    """A catalogue connection of the data folder, migrated (see _migrate)."""
    return _MigratedConnection(data_dir)


class _MigratedConnection:
    def __init__(self, data_dir):
        self.data_dir = data_dir
        self._cm = catalogue.connect(data_dir)

    def __enter__(self):
        con = self._cm.__enter__()
        try:
            if not catalogue.is_migrated(con):
                _migrate(con, self.data_dir)
        except BaseException:
            self._cm.__exit__(None, None, None)
            raise
        return con

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def has_catalogue(data_dir) -> bool:
    """Whether there is anything to read: a catalogue, or snapshot folders to register into one."""
    folder = default_data_dir(data_dir)
    return folder.is_dir() and (catalogue.exists(data_dir) or bool(snapshot_folders(snapshots_dir(data_dir))))


def list_snapshots(data_dir: Path | str | None = None, states: tuple[str, ...] | None = None) -> list[Snapshot]:
    """The catalogued snapshots (of `states`, default every state), newest commit first, each with
    its state. A folder without a catalogue row (a commit that died), a temporary folder and a
    folder whose manifest cannot be read are not snapshots."""
    if not has_catalogue(data_dir):
        return []
    with catalogue_connection(data_dir) as con:
        rows = catalogue.entries(con)
    root = snapshots_dir(data_dir)
    found = []
    for row in rows:
        if states is not None and row.state not in states:
            continue
        manifest = read_manifest(root / row.id)
        if manifest is not None:
            found.append(Snapshot(row.id, root / row.id, manifest, row.state))
    return found


def catalogue_entries(data_dir: Path | str | None = None) -> list[catalogue.Entry]:
    """The catalogue's rows (state, author, decision), newest commit first, for history and approval."""
    if not has_catalogue(data_dir):
        return []
    with catalogue_connection(data_dir) as con:
        return catalogue.entries(con)


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


READABLE = (APPROVED,)  # what readers see by default: approved figures only (DESIGN 10)


def intact_and_damaged(data_dir: Path | str | None = None, states: tuple[str, ...] | None = READABLE
                       ) -> tuple[list[Snapshot], list[tuple[Snapshot, Damage]]]:
    """The snapshots of `states` (default approved; None: every state) whose files match their
    manifest, newest first, and the damaged ones with why."""
    intact, damaged = [], []
    for snapshot in list_snapshots(data_dir, states):
        reason = damage(snapshot)
        if reason is None:
            intact.append(snapshot)
        else:
            damaged.append((snapshot, reason))
    return intact, damaged


def import_base(data_dir: Path | str | None = None) -> tuple[Snapshot | None, frozenset[str]]:
    """What a new import builds on: the newest intact snapshot not rejected (pending or approved),
    and the ids of the damaged ones newer than it (passed over)."""
    intact, damaged = intact_and_damaged(data_dir, (catalogue.PENDING, APPROVED))
    base = intact[0] if intact else None
    return base, frozenset(s.id for s, _ in damaged)


def get_snapshot(snapshot_id: str | None = None, data_dir: Path | str | None = None) -> Snapshot | None:
    """The snapshot with this id (any state: a pending one is reached by its id), or the newest
    intact approved one when `snapshot_id` is None.

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


COMMITTING: set[str] = set()  # folders of this process written and not yet registered


def normalise_facts(facts: pd.DataFrame) -> pa.Table:
    frame = facts.reindex(columns=FACT_COLUMNS)
    for col in ("actual", "plan", "plan_high", "numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    for col in ("indicator", "unit", "period", "plan_kind", "source", "note", "estimate_status"):
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


def write_snapshot(facts: pd.DataFrame, units: pd.DataFrame, indicators: pd.DataFrame, *, note: str = "",
                   parent: str | None = None, data_dir: Path | str | None = None, **folder) -> Snapshot:
    """Write a new snapshot atomically, register it approved in the catalogue and return it: the
    demo's, a script's or a test's snapshot, which builds on no import (an import commits through
    write_folder and catalogue.commit, kpi.importing.merge). `folder`: write_folder's other arguments
    (created_by, sources, demo, now). Never modifies an existing snapshot."""
    snapshot = write_folder(facts, units, indicators, note=note, parent=parent, data_dir=data_dir, **folder)
    try:
        with catalogue_connection(data_dir) as con:
            catalogue.register(con, snapshot_id=snapshot.id, parent=parent, created_by=snapshot.manifest["user"],
                               author_name=snapshot.manifest["user"], created_at=snapshot.manifest["created_precise"],
                               note=note, files=_file_hashes(snapshot.manifest))
    except BaseException:
        discard_folder(snapshot)
        raise
    release_folder(snapshot)
    return dataclasses.replace(snapshot, state=APPROVED)


def commit_folder(snapshot: Snapshot, *, user, units: list[str], approve: bool, what: str = "",
                  passed_over: frozenset[str] = frozenset(), data_dir: Path | str | None = None
                  ) -> catalogue.Committed:
    """Register an import's folder in one transaction that checks its parent is still the head
    (catalogue.commit). When it is not, the folder is removed and the head found is returned, for
    the import to be re-applied there; either way nothing half-done is left."""
    try:
        with catalogue_connection(data_dir) as con:
            done = catalogue.commit(con, snapshot_id=snapshot.id, parent=snapshot.manifest.get("parent"), user=user,
                                    created_at=snapshot.manifest["created_precise"],
                                    note=snapshot.manifest.get("note", ""), files=_file_hashes(snapshot.manifest),
                                    units=units, approve=approve, what=what, passed_over=passed_over)
    except BaseException:
        discard_folder(snapshot)
        raise
    if done.ok:
        release_folder(snapshot)
    else:
        discard_folder(snapshot)
    return done


def discard_folder(snapshot: Snapshot) -> None:
    """Remove a folder written by write_folder whose commit did not happen."""
    shutil.rmtree(snapshot.path, ignore_errors=True)
    _MANIFESTS.pop(str(snapshot.path), None)
    COMMITTING.discard(snapshot.id)


def release_folder(snapshot: Snapshot) -> None:
    """The folder's catalogue row is written: cleaning need not spare it any longer."""
    COMMITTING.discard(snapshot.id)


def write_folder(
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
    """Write a new snapshot folder atomically (temporary folder, verify, rename) and return it; it
    is a snapshot once its catalogue row is written (then call release_folder; discard_folder when
    the commit does not happen). The manifest's `writer` (host and process) lets a folder whose
    commit died be told from a commit under way. Never modifies an existing snapshot."""
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
            "writer": f"{socket.gethostname()} {os.getpid()}",
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
        COMMITTING.add(snapshot_id)
        os.rename(tmp, root / snapshot_id)  # atomic on one filesystem: the snapshot appears whole
        dir_fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        COMMITTING.discard(snapshot_id)
        raise
    return Snapshot(snapshot_id, root / snapshot_id, manifest, catalogue.PENDING)


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
