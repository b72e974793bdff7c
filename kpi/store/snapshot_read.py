"""Reading and listing snapshots (kpi.store.snapshots): the Snapshot, the facts' schema, the storage
a snapshot's files are in, manifests, the catalogued snapshots (with the one-time registration of a
data folder written before the catalogue existed) and a snapshot's tables read from its files."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.store import catalogue, deltas
from kpi.store.catalogue import APPROVED, SnapshotError
from kpi.store.storage import LocalStorage, Storage, open_storage, storage_at

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


def precise(manifest: dict) -> str:
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
        for manifest in sorted(found, key=lambda m: (precise(m), m["id"])):
            catalogue.insert(con, snapshot_id=manifest["id"], parent=manifest.get("parent"), state=APPROVED,
                             created_by=manifest.get("user") or manifest.get("created_by") or "",
                             author_name=manifest.get("user") or "", created_at=precise(manifest),
                             note=manifest.get("note", ""), files=file_hashes(manifest),
                             comment="đăng ký khi chuyển sang sổ bản dữ liệu")
        catalogue.mark_migrated(con, f"{catalogue.now_text()} {len(found)}")


def file_hashes(manifest: dict) -> dict:
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
