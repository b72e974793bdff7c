"""Cleaning up after killed writes: temporary folders whose process is gone, and snapshot folders
renamed into place whose catalogue row was never written (the commit died between the two)."""
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
    snapshot_folders,
    snapshots_dir,
)

STALE_AFTER_S = 3600  # a temporary folder without a live owner, older than this, is a killed write


def remove_stale_temporaries(data_dir: Path | str | None = None) -> list[str]:
    """Remove the folders that killed writes left behind; return their names.

    A write records its host and process in `.owner` (a temporary folder) or in the manifest's
    `writer` (a renamed folder whose catalogue row was never written: the commit died between the
    two). A folder whose process is gone (same host), or older than an hour, is removed; a write
    still running is never touched.
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
    removed += _remove_uncommitted(data_dir, root)
    return removed


def _remove_uncommitted(data_dir, root: Path) -> list[str]:
    if not has_catalogue(data_dir):
        return []
    with catalogue_connection(data_dir) as con:
        known = {e.id for e in catalogue.entries(con)}
    removed = []
    for folder in snapshot_folders(root):
        if folder.name in known:
            continue
        manifest = read_manifest(folder)
        writer = (manifest or {}).get("writer")
        if not isinstance(writer, str):
            continue  # not written by a commit of this store: never removed
        try:
            host, pid = writer.split()
            gone = (host == socket.gethostname() and not _process_alive(int(pid))) or \
                time.time() - folder.stat().st_mtime > STALE_AFTER_S
        except (OSError, ValueError):
            continue
        if gone and folder.name not in COMMITTING:
            shutil.rmtree(folder, ignore_errors=True)
            forget_manifest(folder)
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
