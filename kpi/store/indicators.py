"""The indicator catalogue is data (data/catalogue/*.csv): adding an indicator needs no code.

Besides its names, unit and rules (DESIGN section 3), each indicator says what an import may hold
(issue 15, checked by kpi.importing.validate): `whole_number` (1 for counts of people, households,
houses, trips, records: a fraction is an error), `min_value` and `max_value` (the plausible range of
`actual` and `plan` for any unit up to the whole nation; empty = no bound) and `parts_max` (for a
rate, the largest plausible numerator or denominator; empty = no bound for a rate, the figure's
own max_value for any other indicator).

Each indicator also names the department that holds it since the 2025 reorganisation
(`responsible_agency`, a code of data/catalogue/departments.csv: Sở Nội vụ for labour, employment
and people with meritorious service, Sở GD&ĐT for vocational education, Sở Y tế for social
protection and children, Sở NN&MT for poverty reduction) and may give its definition in English
(`definition_en`). Changes of a standard that measures an indicator (the poverty standard) are
data too: data/catalogue/standards.csv, read by kpi.store.standards.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from kpi.paths import CATALOGUE_DIR

BOUND_COLUMNS = ["whole_number", "min_value", "max_value", "parts_max"]
# descriptive columns added after snapshots were first written: an older snapshot's catalogue gets
# them from data/catalogue/indicators.csv by code (with_descriptions)
DESCRIPTIVE_COLUMNS = ["responsible_agency", "definition_en"]
_TRUE = {"1", "true", "yes", "có", "x"}
_FALSE = {"", "0", "false", "no", "không"}


@lru_cache(maxsize=1)
def domains() -> pd.DataFrame:
    frame = pd.read_csv(CATALOGUE_DIR / "domains.csv", dtype={"domain": str, "name_vi": str, "name_en": str})
    return frame.sort_values("order").reset_index(drop=True)


@lru_cache(maxsize=1)
def departments() -> pd.DataFrame:
    """The departments that hold indicators since 2025 (data/catalogue/departments.csv)."""
    return pd.read_csv(CATALOGUE_DIR / "departments.csv", dtype=str, keep_default_na=False)


def department_name(code: str, lang: str = "vi") -> str:
    """The department's name in the language ('Sở Nội vụ'); '' for an empty or unknown code."""
    names = departments().set_index("department")["name_vi" if lang == "vi" else "name_en"]
    return str(names.get(code, "")) if code else ""


def _bound(frame: pd.DataFrame, column: str) -> pd.Series:
    text = frame[column].str.strip()
    values = pd.to_numeric(text.where(text != "", None), errors="coerce").astype("float64")
    bad = frame.loc[(text != "") & (values.isna() | np.isinf(values)), "code"].tolist()
    if bad:
        raise ValueError(f"indicators.csv: {column} must be a finite number or empty (codes {bad})")
    return values


@lru_cache(maxsize=1)
def load_indicators() -> pd.DataFrame:
    """The catalogue as stored in every snapshot (indicators.parquet)."""
    frame = pd.read_csv(CATALOGUE_DIR / "indicators.csv", dtype=str, keep_default_na=False)
    frame["direction"] = frame["direction"].astype(int)
    frame["decimals"] = frame["decimals"].astype(int)
    bad = frame.loc[~frame["aggregation"].isin(["sum", "ratio", "none"]), "code"].tolist()
    if bad:
        raise ValueError(f"indicators.csv: aggregation must be sum, ratio or none (codes {bad})")
    whole = frame["whole_number"].str.strip().str.lower()
    bad = frame.loc[~whole.isin(_TRUE | _FALSE), "code"].tolist()
    if bad:
        raise ValueError(f"indicators.csv: whole_number must be 1 or 0 (codes {bad})")
    frame["whole_number"] = whole.isin(_TRUE)
    for column in ("min_value", "max_value", "parts_max"):
        frame[column] = _bound(frame, column)
    bad = frame.loc[frame["min_value"] > frame["max_value"], "code"].tolist()
    if bad:
        raise ValueError(f"indicators.csv: min_value above max_value (codes {bad})")
    for column in DESCRIPTIVE_COLUMNS:
        if column not in frame:
            frame[column] = ""
    bad = frame.loc[~frame["responsible_agency"].isin(set(departments()["department"]) | {""}), "code"].tolist()
    if bad:
        raise ValueError(f"indicators.csv: responsible_agency must be a code of departments.csv (codes {bad})")
    if frame["code"].duplicated().any():
        raise ValueError(f"indicators.csv: codes must be unique ({frame.loc[frame['code'].duplicated(), 'code'].tolist()})")
    order = domains().set_index("domain")["order"]
    frame["domain_order"] = frame["domain"].map(order).astype(int)
    frame["code_order"] = range(len(frame))
    return frame


def with_bounds(catalogue: pd.DataFrame) -> pd.DataFrame:
    """A snapshot's catalogue with the bound columns it lacks (written before they existed) taken
    from data/catalogue/indicators.csv by code. An indicator the file does not know keeps no bound,
    except that a rate (%) lies within 0-100 and a figure with no decimals is a whole number."""
    missing = [c for c in BOUND_COLUMNS if c not in catalogue.columns]
    if not missing:
        return catalogue
    current = load_indicators().set_index("code")
    out = catalogue.copy()
    for column in missing:
        out[column] = out["code"].map(current[column])
    unknown = ~out["code"].isin(current.index)
    if unknown.any():
        is_rate = out["unit_of_measure"].eq("%")
        if "whole_number" in missing:
            out.loc[unknown, "whole_number"] = out.loc[unknown, "decimals"].astype(int).eq(0) & ~is_rate[unknown]
        if "min_value" in missing:
            out.loc[unknown, "min_value"] = 0.0
        if "max_value" in missing:
            out.loc[unknown & is_rate, "max_value"] = 100.0
    out["whole_number"] = out["whole_number"].fillna(False).astype(bool)
    for column in ("min_value", "max_value", "parts_max"):
        out[column] = out[column].astype("float64")
    return out


def with_descriptions(catalogue: pd.DataFrame) -> pd.DataFrame:
    """A snapshot's catalogue with the descriptive columns it lacks (written before they existed)
    taken from data/catalogue/indicators.csv by code; '' for an indicator the file does not know."""
    missing = [c for c in DESCRIPTIVE_COLUMNS if c not in catalogue.columns]
    if not missing:
        return catalogue
    current = load_indicators().set_index("code")
    out = catalogue.copy()
    for column in missing:
        out[column] = out["code"].map(current[column]).fillna("")
    return out
