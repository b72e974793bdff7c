"""Named queries: queries/<name>.sql run on a snapshot with bound parameters ($name)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from kpi import store
from kpi.paths import QUERIES_DIR


@lru_cache(maxsize=None)
def load_sql(name: str) -> str:
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def names() -> list[str]:
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))


def run(name: str, snapshot: store.Snapshot, **params) -> pd.DataFrame:
    """Run the named query on the snapshot; `params` bind to the $placeholders in the file."""
    cur = store.cursor(snapshot)
    try:
        return cur.execute(load_sql(name), params).df()
    finally:
        cur.close()


def run_arrays(name: str, snapshot: store.Snapshot, **params) -> dict[str, np.ndarray]:
    """Like run(), as NumPy arrays per column (NULL as NaN or None): no DataFrame overhead."""
    cur = store.cursor(snapshot)
    try:
        arrays = cur.execute(load_sql(name), params).fetchnumpy()
    finally:
        cur.close()
    return {column: (values.filled(np.nan) if np.ma.isMaskedArray(values) and values.dtype.kind == "f"
                     else np.ma.filled(values, None) if np.ma.isMaskedArray(values) else np.asarray(values))
            for column, values in arrays.items()}
