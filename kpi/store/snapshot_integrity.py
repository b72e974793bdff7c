"""Whether a snapshot's files are what its manifest says (kpi.store.snapshots): damage(), kept per
snapshot only when definite, the intact and damaged snapshots, what an import builds on and the
snapshot asked for by id or the newest intact approved one."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kpi.store import catalogue
from kpi.store.catalogue import APPROVED, SnapshotError
from kpi.store.snapshot_read import Snapshot, list_snapshots, parts, precise, snapshot_storage, snapshots_dir
from kpi.store.storage import StorageError, sha256_file

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
                if sha256_file(storage.local_file(key)) != sha256:
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
        if unavailable(found) and (base is None or precise(snapshot.manifest) > precise(base.manifest)):
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
