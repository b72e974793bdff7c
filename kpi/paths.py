"""Where things live: the repository, the data folder, the catalogue."""
from __future__ import annotations

import os
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
CATALOGUE_DIR = REPO_DIR / "data" / "catalogue"
QUERIES_DIR = REPO_DIR / "queries"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder: --data-dir, else $KPI_DATA_DIR, else data/ in the repository."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("KPI_DATA_DIR")
    return Path(env) if env else REPO_DIR / "data"
