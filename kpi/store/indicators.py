"""The indicator catalogue is data (data/catalogue/*.csv): adding an indicator needs no code."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from kpi.paths import CATALOGUE_DIR


@lru_cache(maxsize=1)
def domains() -> pd.DataFrame:
    frame = pd.read_csv(CATALOGUE_DIR / "domains.csv", dtype={"domain": str, "name_vi": str, "name_en": str})
    return frame.sort_values("order").reset_index(drop=True)


@lru_cache(maxsize=1)
def load_indicators() -> pd.DataFrame:
    """The catalogue as stored in every snapshot (indicators.parquet)."""
    frame = pd.read_csv(CATALOGUE_DIR / "indicators.csv", dtype=str, keep_default_na=False)
    frame["direction"] = frame["direction"].astype(int)
    frame["decimals"] = frame["decimals"].astype(int)
    bad = frame.loc[~frame["aggregation"].isin(["sum", "ratio", "none"]), "code"].tolist()
    if bad:
        raise ValueError(f"indicators.csv: aggregation must be sum, ratio or none (codes {bad})")
    order = domains().set_index("domain")["order"]
    frame["domain_order"] = frame["domain"].map(order).astype(int)
    frame["code_order"] = range(len(frame))
    return frame
