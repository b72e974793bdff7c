"""Scorecard files: the shipped ones (data/scorecards/*.toml) and those placed in a data folder's
scorecards/ (by hand, or written by a release before the catalogue held the versions). Each file
is read as its exact bytes (UTF-8) and parsed once per version of it (modification time and size)."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from kpi.paths import REPO_DIR
from kpi.paths import data_dir as default_data_dir
from kpi.scoring.model import Scorecard, ScorecardError
from kpi.scoring.parsing import parse_text

SCORECARDS_DIR = REPO_DIR / "data" / "scorecards"


def load_file(path: str | Path) -> Scorecard:
    """Read and validate one file; every failure (missing, unreadable, not TOML, invalid) is a ScorecardError.
    A file is parsed once per version (its modification time and size): every page run and session gets
    the same Scorecard, so the scores computed from it are shared too (kpi.memo)."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return read_file(path)
    return _file_version(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _file_version(path: Path, modified_ns: int, size: int) -> Scorecard:
    return read_file(path)


def read_text(path: Path) -> str:
    """A file's exact text (its bytes as UTF-8, line ends as written: its SHA-256 is the file's)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ScorecardError("score_err_no_file", path=str(path)) from exc
    except OSError as exc:  # a folder named *.toml, no permission, an I/O error
        raise ScorecardError("score_err_read", path=str(path), error=exc.strerror or str(exc)) from exc
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScorecardError("score_err_toml", path=str(path), error=str(exc)) from exc


def read_file(path: Path) -> Scorecard:
    return parse_text(read_text(path), str(path), path)


def user_scorecards_dir(data_dir=None) -> Path:
    """A data folder's own scorecard files (new versions are rows of the catalogue: kpi.scoring.versions)."""
    return default_data_dir(data_dir) / "scorecards"


def toml_files(folder: Path) -> list[Path]:
    """The *.toml files of a folder by name (hidden ones left out)."""
    try:
        return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))
    except OSError:  # an unreadable folder holds no scorecard this process can use
        return []


def local_files(data_dir=None) -> list[Path]:
    """The data folder's own files (none when it is the shipped folder itself)."""
    user = user_scorecards_dir(data_dir)
    try:
        if user.resolve() == SCORECARDS_DIR.resolve():
            return []
    except OSError:
        return []
    return toml_files(user)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
