"""Parquet snapshots: immutable folders written atomically (loaded into DuckDB by kpi.store.database).

A snapshot folder holds units.parquet, indicators.parquet, manifest.json and its facts (DESIGN
section 2): a full facts.parquet, or a delta (facts.delta.parquet) on top of an earlier snapshot's
files, listed in the manifest with their SHA-256 (kpi.store.deltas). The folder lives in the
configured storage, a local folder or S3 object storage (kpi.store.storage). It is written to a
hidden temporary folder, verified, then published (renamed into place; on S3 uploaded and checked
file by file, the manifest last), so a crash never leaves a half snapshot that looks complete and
never touches an earlier one. A folder is a snapshot once the catalogue (kpi.store.catalogue) has its row: the
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
import json
import os
import re
import shutil
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.store import catalogue, deltas
from kpi.store.catalogue import APPROVED, SnapshotError
from kpi.store.sql import load_sql
from kpi.store.storage import LocalStorage, Storage, StorageError, open_storage, sha256_file, storage_at

FACT_COLUMNS = ["indicator", "unit", "period", "actual", "plan", "plan_kind", "plan_high", "numerator", "denominator",
                "source", "note", "estimate_status"]
# estimate_status: the figure's standing in its report ('estimate' ước, 'preliminary' sơ bộ, 'official'
# chính thức; NULL when the file does not say; kpi.importing.validate.ESTIMATE_STATUSES)
# plan_kind / plan_high: the target as a resolution writes it (DESIGN 4.1); NULL plan_kind is 'level'
FACT_SCHEMA = pa.schema([
    ("indicator", pa.string()), ("unit", pa.string()), ("period", pa.string()),
    ("actual", pa.float64()), ("plan", pa.float64()), ("plan_kind", pa.string()), ("plan_high", pa.float64()),
    ("numerator", pa.float64()), ("denominator", pa.float64()), ("source", pa.string()), ("note", pa.string()),
    ("estimate_status", pa.string()),
])
TABLES = ("facts", "units", "indicators")
_ID_RE = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{6}$")


@dataclass(frozen=True)
class Snapshot:
    """One immutable snapshot folder. Identity (equality, hash) is its id and path (a local folder,
    or bucket/prefix/snapshots/<id> on S3), so caches are keyed by the snapshot itself; the manifest
    is what the folder says of itself."""
    id: str
    path: Path | PurePosixPath
    manifest: dict = field(compare=False, hash=False, repr=False)
    # the catalogue's state when it was listed ('pending' | 'approved' | 'rejected'); not identity
    state: str = field(default=APPROVED, compare=False, hash=False)
    # the storage it was listed from (kpi.store.storage URL); "" is the local folder of `path`
    storage: str = field(default="", compare=False, hash=False, repr=False)

    @property
    def created(self) -> str:
        return self.manifest.get("created", "")

    @property
    def is_demo(self) -> bool:
        return bool(self.manifest.get("demo"))


def snapshots_dir(data_dir: Path | str | None = None) -> Path | PurePosixPath:
    """Where the snapshot folders are: <storage>/snapshots (a local folder, or bucket/prefix on S3)."""
    return storage_of(data_dir).location("snapshots")


def storage_of(data_dir: Path | str | None = None) -> Storage:
    """The configured storage of the data folder's snapshots (kpi.store.storage), remembered by URL
    so that a snapshot listed from it finds it again."""
    storage = open_storage(data_dir)
    _STORAGES[storage.url] = storage
    return storage


_STORAGES: dict[str, Storage] = {}


def snapshot_storage(snapshot: Snapshot) -> Storage:
    """The storage a snapshot's files are in."""
    if snapshot.storage in _STORAGES:
        return _STORAGES[snapshot.storage]
    if snapshot.storage.startswith("s3://"):
        return storage_at(snapshot.storage)
    return LocalStorage(Path(snapshot.path).parent.parent)


_sha256 = sha256_file


def read_manifest(storage: Storage, snapshot_id: str) -> dict | None:
    """The snapshot folder's manifest when it names the folder (cached: a snapshot never changes)."""
    key = f"{storage.url}/{snapshot_id}"
    if key in _MANIFESTS:
        return _MANIFESTS[key]
    try:
        manifest = json.loads(storage.read_bytes(f"snapshots/{snapshot_id}/manifest.json").decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("id") != snapshot_id:
        return None
    if len(_MANIFESTS) > 4096:
        _MANIFESTS.clear()
    _MANIFESTS[key] = manifest
    return manifest


_MANIFESTS: dict[str, dict] = {}


def forget_manifest(storage: Storage, snapshot_id: str) -> None:
    """Drop a removed folder's cached manifest."""
    _MANIFESTS.pop(f"{storage.url}/{snapshot_id}", None)


def snapshot_ids(storage: Storage) -> list[str]:
    """The folders named like a snapshot (temporary folders start with '.tmp-')."""
    return [e.name for e in storage.list("snapshots") if e.is_dir and _ID_RE.match(e.name)]


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
        storage = storage_of(data_dir)
        for snapshot_id in snapshot_ids(storage):
            manifest = read_manifest(storage, snapshot_id)
            if manifest is None or "writer" in manifest or snapshot_id in known:
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
    folder = catalogue.folder_of(data_dir)
    return folder.is_dir() and (catalogue.exists(data_dir) or bool(snapshot_ids(storage_of(data_dir))))


def list_snapshots(data_dir: Path | str | None = None, states: tuple[str, ...] | None = None) -> list[Snapshot]:
    """The catalogued snapshots (of `states`, default every state), newest commit first, each with
    its state. A folder without a catalogue row (a commit that died), a temporary folder and a
    folder whose manifest cannot be read are not snapshots."""
    if not has_catalogue(data_dir):
        return []
    with catalogue_connection(data_dir) as con:
        rows = catalogue.entries(con)
    storage = storage_of(data_dir)
    found = []
    for row in rows:
        if states is not None and row.state not in states:
            continue
        manifest = read_manifest(storage, row.id)
        if manifest is not None:
            found.append(Snapshot(row.id, storage.location(f"snapshots/{row.id}"), manifest, row.state, storage.url))
    return found


def catalogue_entries(data_dir: Path | str | None = None) -> list[catalogue.Entry]:
    """The catalogue's rows (state, author, decision), newest commit first, for history and approval."""
    if not has_catalogue(data_dir):
        return []
    with catalogue_connection(data_dir) as con:
        return catalogue.entries(con)


UNAVAILABLE = "unavailable"  # Damage.kind of an object storage read that failed and may succeed later


@dataclass(frozen=True)
class Damage:
    """What is wrong with a snapshot's files: `kind` is 'hash' (a file differs from its manifest),
    'unreadable' (missing, or a local file that cannot be opened), 'no_files', or 'unavailable' (the
    object storage did not answer: a timeout, a refused connection, a 5xx). `definite`: a verdict
    that stays true (a SHA-256 mismatch, a missing file, no files listed), remembered; an error that
    may pass is not (damage() reads the files again next time). str() says it in Vietnamese for the
    command line."""
    file: str
    kind: str
    definite: bool = True

    def __str__(self) -> str:
        return {"hash": f"{self.file}: mã băm SHA-256 không khớp với manifest.json",
                "unreadable": f"{self.file}: không đọc được tệp",
                "no_files": "manifest.json không liệt kê tệp nào",
                UNAVAILABLE: f"{self.file}: lúc này chưa đọc được (kho lưu trữ không trả lời), sẽ đọc lại lần sau",
                }[self.kind]


def parts(snapshot: Snapshot) -> list[tuple[str, str, str | None]]:
    """Every file the snapshot is made of, as (snapshot id, file name, SHA-256): its own files and
    the earlier snapshots' files its facts build on (kpi.store.deltas)."""
    own = [(snapshot.id, name, (info or {}).get("sha256")) for name, info in snapshot.manifest.get("files", {}).items()]
    others = [(layer["snapshot"], layer["file"], layer.get("sha256"))
              for layer in deltas.facts_layers(snapshot.id, snapshot.manifest) if layer["snapshot"] != snapshot.id]
    return own + others


def part_file(snapshot: Snapshot, snapshot_id: str, name: str, sha256: str | None) -> Path:
    """A local file with one of the snapshot's parts (on S3: downloaded once, checked, cached)."""
    return snapshot_storage(snapshot).local_file(f"snapshots/{snapshot_id}/{name}", sha256)


class _NotYet(Exception):  # noqa: N818 - not an error to report: a verdict that must not be cached
    """A read of the snapshot's files failed in a way that may pass; carries its Damage."""

    def __init__(self, found: Damage):
        super().__init__(str(found))
        self.damage = found


@lru_cache(maxsize=256)
def _verdict(snapshot: Snapshot) -> Damage | None:
    """damage()'s check; raises _NotYet (so lru_cache keeps nothing) when a read failed for a reason
    that may pass."""
    storage = snapshot_storage(snapshot)
    for snapshot_id, name, sha256 in parts(snapshot):
        shown = name if snapshot_id == snapshot.id else f"{snapshot_id}/{name}"
        key = f"snapshots/{snapshot_id}/{name}"
        try:
            if storage.is_local:
                if _sha256(storage.local_file(key)) != sha256:
                    return Damage(shown, "hash")
            else:
                storage.local_file(key, sha256)
        except ValueError:
            return Damage(shown, "hash")
        except FileNotFoundError:
            return Damage(shown, "unreadable")
        except OSError as exc:
            raise _NotYet(Damage(shown, "unreadable" if storage.is_local else UNAVAILABLE, definite=False)) from exc
    return None if snapshot.manifest.get("files") else Damage("manifest.json", "no_files")


def damage(snapshot: Snapshot) -> Damage | None:
    """Why the snapshot's files do not match its manifest (a damaged or altered file), or None.

    The SHA-256 of every Parquet file it is made of (its own and its base's and deltas') against
    its manifest: a damaged snapshot is never loaded, so no page shows numbers read from a corrupt
    file. A file of an earlier snapshot is named '<id>/<file>'. On S3 a file is checked as it is
    downloaded into the cache. A definite verdict (intact, a mismatch, a missing file) is kept per
    snapshot and process; a read that failed and may succeed later (Damage.definite False: S3 not
    answering, a local file that cannot be opened) is not, and is tried again on the next call.
    """
    try:
        return _verdict(snapshot)
    except _NotYet as exc:
        return exc.damage


damage.cache_clear = _verdict.cache_clear  # forget every kept verdict (tests)


def unavailable(found: Damage | None) -> bool:
    """Whether the damage is a read that may succeed later (kind 'unavailable' or not definite)."""
    return found is not None and not found.definite


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
    for snapshot, found in damaged:  # never build past a snapshot only unreadable for now: refused
        if unavailable(found) and (base is None or _precise(snapshot.manifest) > _precise(base.manifest)):
            raise StorageError(f"Bản dữ liệu {snapshot.id} lúc này chưa đọc được ({found}); "
                               "chưa nhập được lên bản mới nhất, thử lại sau")
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
            if unavailable(reason):
                raise SnapshotError(f"Bản dữ liệu {snapshot_id} lúc này chưa đọc được, thử lại sau: {reason}")
            if reason:
                raise SnapshotError(f"Bản dữ liệu {snapshot_id} bị hỏng, không dùng được: {reason}")
            return snapshot
    raise SnapshotError(f"Không có bản dữ liệu (snapshot) '{snapshot_id}' trong {snapshots_dir(data_dir)}")


COMMITTING: set[str] = set()  # folders of this process written and not yet registered


def normalise_facts(facts: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(facts, pa.Table):
        return _normalise_arrow(facts)
    frame = facts.reindex(columns=FACT_COLUMNS)
    for col in ("actual", "plan", "plan_high", "numerator", "denominator"):
        frame[col] = pd.to_numeric(frame[col], errors="raise").astype("float64")
    for col in ("indicator", "unit", "period", "plan_kind", "source", "note", "estimate_status"):
        frame[col] = frame[col].astype("string")
    # sorted by period and indicator so DuckDB's zone maps skip most row groups
    frame = frame.sort_values(["period", "indicator", "unit"], kind="stable")
    return pa.Table.from_pandas(frame, schema=FACT_SCHEMA, preserve_index=False)


def _sort_key(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as a key that sorts as its values do (a dictionary column: each value's rank)."""
    if not pa.types.is_dictionary(column.type):
        return column
    chunks = []
    for chunk in column.chunks:
        ranks = pc.rank(chunk.dictionary.cast(pa.string()), sort_keys="ascending", tiebreaker="dense")
        chunks.append(pc.take(ranks, chunk.indices))
    return pa.chunked_array(chunks, type=pa.uint64())


def _normalise_arrow(facts: pa.Table) -> pa.Table:
    """An Arrow facts table (a generator's: string columns may be dictionary-encoded, a few bytes a
    row) in FACT_SCHEMA's columns, sorted as normalise_facts sorts. Dictionary columns stay encoded
    here and are cast to plain strings a row group at a time as the file is written (_write_table):
    memory stays near the encoded table's, not the ~150 bytes a row of plain strings."""
    columns = {}
    for spec in FACT_SCHEMA:
        if spec.name not in facts.column_names:
            columns[spec.name] = pa.nulls(facts.num_rows, spec.type)
            continue
        column = facts[spec.name]
        columns[spec.name] = column if pa.types.is_dictionary(column.type) else column.cast(spec.type)
    table = pa.table(columns)
    key_names = ("period", "indicator", "unit")
    keys = pa.table({name: _sort_key(table[name]) for name in key_names})
    order = pc.sort_indices(keys, sort_keys=[(name, "ascending") for name in key_names])
    del keys
    return table.take(order)


ROW_GROUP_ROWS = 250_000


def _write_table(table: pa.Table, path: Path) -> None:
    """Write one table of a snapshot. A facts table with dictionary-encoded columns (_normalise_arrow)
    is cast to the file schema one row group at a time: the same file as from a DataFrame."""
    if not any(pa.types.is_dictionary(spec.type) for spec in table.schema):
        pq.write_table(table, path, row_group_size=ROW_GROUP_ROWS)
        return
    schema = normalise_facts(pd.DataFrame(columns=FACT_COLUMNS)).schema  # with the same pandas metadata
    with pq.ParquetWriter(path, schema) as writer:
        for start in range(0, table.num_rows, ROW_GROUP_ROWS):
            writer.write_table(table.slice(start, ROW_GROUP_ROWS).cast(schema), row_group_size=ROW_GROUP_ROWS)


def _verify(folder: Path, manifest: dict, facts_file: str) -> None:
    for name, info in manifest["files"].items():
        path = folder / name
        if _sha256(path) != info["sha256"]:
            raise SnapshotError(f"{path}: mã băm SHA-256 không khớp sau khi ghi")
        if pq.ParquetFile(path).metadata.num_rows != info["rows"]:
            raise SnapshotError(f"{path}: số dòng không khớp sau khi ghi")
    con = duckdb.connect(":memory:")
    try:
        repeated = con.execute(load_sql("delta_duplicate_keys"), {"path": str(folder / facts_file)}).fetchone()[0]
    finally:
        con.close()
    if repeated:
        raise SnapshotError(f"{facts_file} có số liệu trùng (chỉ tiêu, đơn vị, kỳ)")


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
    storage = snapshot_storage(snapshot)
    storage.delete(f"snapshots/{snapshot.id}")
    forget_manifest(storage, snapshot.id)
    COMMITTING.discard(snapshot.id)


def release_folder(snapshot: Snapshot) -> None:
    """The folder's catalogue row is written: cleaning need not spare it any longer."""
    COMMITTING.discard(snapshot.id)


def write_folder(
    facts: pd.DataFrame | Callable[[], pd.DataFrame],
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
    delta: pd.DataFrame | None = None,
    parent_manifest: dict | None = None,
    facts_rows: int | None = None,
) -> Snapshot:
    """Write a new snapshot folder atomically (temporary folder, verify, publish) and return it; it
    is a snapshot once its catalogue row is written (then call release_folder; discard_folder when
    the commit does not happen). The manifest's `writer` (host and process) lets a folder whose
    commit died be told from a commit under way. Never modifies an existing snapshot.

    `delta`: the rows an import upserts into `parent` (whose manifest is `parent_manifest`); `facts`
    are then the facts the snapshot holds, counted, and the folder holds only the delta, unless the
    chain is due for compaction (kpi.store.deltas), when it is written full, a new base. `facts` may
    then be a function returning them, called only when they are written full, with `facts_rows`
    their count (an import need not build its whole new history to write its delta)."""
    storage = storage_of(data_dir)
    now = now or dt.datetime.now(dt.UTC)
    snapshot_id = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    parent_layers = deltas.facts_layers(parent, parent_manifest) if parent and parent_manifest else None
    as_delta = delta is not None and parent_layers is not None and not deltas.compaction_due(parent_layers, len(delta))
    facts_file = deltas.DELTA_FILE if as_delta else deltas.FULL_FILE
    tmp = storage.staging(snapshot_id)
    try:
        (tmp / ".owner").write_text(f"{socket.gethostname()} {os.getpid()}", encoding="utf-8")
        tables = {
            facts_file: normalise_facts(delta if as_delta else facts() if callable(facts) else facts),
            "units.parquet": pa.Table.from_pandas(units.reset_index(drop=True), preserve_index=False),
            "indicators.parquet": pa.Table.from_pandas(indicators.reset_index(drop=True), preserve_index=False),
        }
        files = {}
        for name, table in tables.items():
            path = tmp / name
            _write_table(table, path)
            files[name] = {"sha256": _sha256(path), "rows": table.num_rows}
        layers = deltas.chain_after(parent_layers, snapshot_id, files[facts_file]) if as_delta \
            else deltas.full_layers(snapshot_id, files[facts_file])
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
            "facts_layers": layers,
            "counts": {
                "facts": (len(facts) if facts_rows is None else facts_rows) if as_delta
                else tables[facts_file].num_rows,
                "units": tables["units.parquet"].num_rows,
                "indicators": tables["indicators.parquet"].num_rows,
            },
        }
        _verify(tmp, manifest, facts_file)
        (tmp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        COMMITTING.add(snapshot_id)
        storage.publish(tmp, f"snapshots/{snapshot_id}", [*files, "manifest.json"])
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        COMMITTING.discard(snapshot_id)
        raise
    return Snapshot(snapshot_id, storage.location(f"snapshots/{snapshot_id}"), manifest, catalogue.PENDING,
                    storage.url)


def _user() -> str:
    try:
        return f"{getpass.getuser()}@{socket.gethostname()}"
    except Exception:  # noqa: BLE001 - best effort provenance only
        return "unknown"


def read_table(snapshot: Snapshot, table: str) -> pd.DataFrame:
    """One table of the snapshot as it holds it: its facts (base and deltas applied, kpi.store.deltas),
    units or indicators."""
    if table != "facts":
        info = snapshot.manifest["files"][f"{table}.parquet"]
        return pq.read_table(part_file(snapshot, snapshot.id, f"{table}.parquet", info.get("sha256"))).to_pandas()
    return read_facts(snapshot).to_pandas().reindex(columns=FACT_COLUMNS)


def facts_paths(snapshot: Snapshot) -> list[Path]:
    """Local files of the snapshot's facts layers, oldest (the full base) first, then its deltas
    (kpi.store.deltas; on S3 downloaded once, checked, cached)."""
    return [part_file(snapshot, layer["snapshot"], layer["file"], layer.get("sha256"))
            for layer in deltas.facts_layers(snapshot.id, snapshot.manifest)]


def read_facts(snapshot: Snapshot) -> pa.Table:
    """The facts the snapshot holds, as an Arrow table (facts written before plan kinds have no
    plan_kind / plan_high: level plans)."""
    layers = facts_paths(snapshot)
    if len(layers) == 1:
        return pq.read_table(layers[0])
    return deltas.read_facts(str(layers[0]), [str(p) for p in layers[1:]])


def get_snapshot_at(path: str, snapshot_id: str) -> Snapshot:
    """A snapshot from its local folder path (for caches keyed by path)."""
    folder = Path(path)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("id") != snapshot_id:
        raise SnapshotError(f"{folder}: manifest id does not match {snapshot_id}")
    return Snapshot(snapshot_id, folder, manifest)
