"""Named queries: queries/<name>.sql run on a loaded snapshot with bound parameters ($name)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.store import database
from kpi.store.snapshots import Snapshot
from kpi.store.sql import load_sql, names

__all__ = ["load_sql", "names", "run", "run_arrays"]


def run(name: str, snapshot: Snapshot, **params) -> pd.DataFrame:
    """Run the named query on the snapshot; `params` bind to the $placeholders in the file."""
    cur = database.cursor(snapshot)
    try:
        return cur.execute(load_sql(name), params).df()
    finally:
        cur.close()


def run_arrays(name: str, snapshot: Snapshot, **params) -> dict[str, np.ndarray]:
    """Like run(), as NumPy arrays per column (NULL as NaN or None): no DataFrame overhead."""
    cur = database.cursor(snapshot)
    try:
        arrays = cur.execute(load_sql(name), params).fetchnumpy()
    finally:
        cur.close()
    return {column: _filled(values) for column, values in arrays.items()}


def _filled(values) -> np.ndarray:
    if not np.ma.isMaskedArray(values):
        return np.asarray(values)
    if values.dtype.kind == "f":
        return values.filled(np.nan)
    # np.ma.filled(values, None) would fill with the dtype's default ('?' for text): set None explicitly
    out = np.asarray(values.data, dtype=object).copy()
    out[np.ma.getmaskarray(values)] = None
    return out
