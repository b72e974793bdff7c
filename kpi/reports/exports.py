"""Export files of the briefing: which builder makes which kind, their names and MIME types, and
writing a file atomically (the command line's export)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kpi.reports.deck import Deck
from kpi.reports.excel import build_xlsx
from kpi.reports.powerpoint import build_pptx
from kpi.reports.settings import Settings
from kpi.reports.word import build_docx
from kpi.units.table import fold

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

BUILDERS = {"pptx": build_pptx, "docx": build_docx, "xlsx": build_xlsx}


def export_bytes(kind: str, deck: Deck, settings: Settings) -> bytes:
    return BUILDERS[kind](deck, settings)


def export_file_name(deck: Deck, kind: str) -> str:
    """An ASCII file name: 'bao-cao-vinh-long-2025-m06.docx'."""
    stem = {"pptx": "trinh-chieu", "docx": "bao-cao", "xlsx": "so-lieu"}[kind]
    return f"{stem}-{fold(deck.unit_name).replace(' ', '-')}-{deck.period.lower()}.{kind}"


def write_atomically(path: Path, payload: bytes) -> None:
    """Write next to the target and rename, so a failure never leaves a partial file."""
    handle, temporary = tempfile.mkstemp(prefix=".export-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
