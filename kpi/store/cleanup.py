"""Cleaning up after killed writes: temporary folders whose process is gone, snapshot folders
published whose catalogue row was never written (the commit died between the two), and on S3 the
objects of an upload that died (kpi.store.storage)."""
from __future__ import annotations

import os
import shutil
import socket
import time
from pathlib import Path

from kpi.store import catalogue
from kpi.store.snapshots import (
    COMMITTING,
    catalogue_connection,
    forget_manifest,
    has_catalogue,
    read_manifest,
    snapshot_ids,
    storage_of,
)
from kpi.store.storage import Storage

STALE_AFTER_S = 3600  # a temporary folder without a live owner, older than this, is a killed write


def remove_stale_temporaries(data_dir: Path | str | None = None) -> list[str]:
    """Remove the folders and objects that killed writes left behind; return their names.

    A write records its host and process in `.owner` (a temporary folder; on S3 an upload under
    way) or in the manifest's `writer` (a published folder whose catalogue row was never written:
    the commit died between the two). A folder whose process is gone (same host), or older than an
    hour, is removed; a write still running is never touched.
    """
    storage = storage_of(data_dir)
    removed = []
    staging = [storage.location("snapshots")] if storage.is_local else []
    staging.append(catalogue.folder_of(data_dir) / "cache" / "staging")  # S3 writes stage locally
    for root in staging:
        if not Path(root).is_dir():
            continue
        for folder in Path(root).glob(".tmp-*"):
            try:
                host, pid = (folder / ".owner").read_text(encoding="utf-8").split()
                gone = host == socket.gethostname() and not process_alive(int(pid))
            except (OSError, ValueError):
                gone = time.time() - folder.stat().st_mtime > STALE_AFTER_S
            if gone:
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder.name)
    removed += _remove_uncommitted(data_dir, storage)
    return removed


def _gone(writer: str, mtime: float) -> bool:
    host, pid = writer.split()
    return (host == socket.gethostname() and not process_alive(int(pid))) or time.time() - mtime > STALE_AFTER_S


def _remove_uncommitted(data_dir, storage: Storage) -> list[str]:
    if not has_catalogue(data_dir):
        return []
    with catalogue_connection(data_dir) as con:
        known = {e.id for e in catalogue.entries(con)}
    removed = []
    for snapshot_id in snapshot_ids(storage):
        if snapshot_id in known or snapshot_id in COMMITTING:
            continue
        prefix = f"snapshots/{snapshot_id}"
        found = {e.name: e for e in storage.list(prefix)}
        manifest = read_manifest(storage, snapshot_id)
        try:
            if manifest is not None:
                writer = manifest.get("writer")
                if not isinstance(writer, str):
                    continue  # not written by a commit of this store: never removed
                gone = _gone(writer, found["manifest.json"].mtime)
            elif ".owner" in found:  # an upload that died before its manifest
                gone = _gone(storage.read_bytes(f"{prefix}/.owner").decode("utf-8"), found[".owner"].mtime)
            elif not storage.is_local:  # objects without an owner or a manifest: an old broken upload
                gone = bool(found) and all(time.time() - e.mtime > STALE_AFTER_S for e in found.values())
            else:
                continue
        except (OSError, ValueError, KeyError):
            continue
        if gone and snapshot_id not in COMMITTING:
            storage.delete(prefix)
            forget_manifest(storage, snapshot_id)
            removed.append(snapshot_id)
    return removed


def process_alive(pid: int) -> bool:
    """True while a process of this id exists (also one of another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
