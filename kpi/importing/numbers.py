"""Numbers as people type them (DESIGN section 4.2): `18.382`, `3,34`, `1.234,5` the Vietnamese way,
`18,382`, `3.34` the English way, `60,6%`; '..' and '-' (GSO's marks) as missing, never as zero.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_MARKS = {"..", "...", "…", "-", "–", "—"}


def missing_mask(values: pd.Series) -> pd.Series:
    """Empty cells and the marks statistics tables use for "no figure"."""
    return (values == "") | values.isin(MISSING_MARKS)


def _arrow_floats(values: pd.Series, missing: pd.Series) -> pd.Series | None:
    """All cells in plain machine form (60.6, 18382): one Arrow cast, ten times faster than
    pd.to_numeric. None when any cell needs the slower path."""
    try:
        array = pa.array(values.where(~missing, None), type=pa.string(), from_pandas=True)
        floats = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        return None
    return pd.Series(floats.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text cells -> (floats, bad mask). Accepts 60.6, 60,6, 18382, 1.234.567, 1,234.5, 60,6%.

    Missing cells ('', '..', '-') give NaN and are not bad. Vectorised: the plain forms are read by
    pd.to_numeric at once; only the remainder goes through the Vietnamese separators.
    """
    missing = missing_mask(values)
    numbers = _arrow_floats(values, missing)
    if numbers is None:
        numbers = pd.to_numeric(values.where(~missing, None), errors="coerce").astype("float64")
    rest = numbers.isna() & ~missing
    if rest.any():
        text = values[rest].str.replace(r"[\s\u00a0%]", "", regex=True)
        both = text.str.contains(".", regex=False) & text.str.contains(",", regex=False)
        comma_decimal = both & (text.str.rfind(",") > text.str.rfind("."))
        dot_thousands = text.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
        comma_thousands = text.str.fullmatch(r"-?\d{1,3}(,\d{3}){2,}")
        cleaned = text.copy()
        cleaned[comma_decimal] = text[comma_decimal].str.replace(".", "", regex=False) \
            .str.replace(",", ".", regex=False)
        cleaned[both & ~comma_decimal] = text[both & ~comma_decimal].str.replace(",", "", regex=False)
        cleaned[dot_thousands & ~both] = text[dot_thousands & ~both].str.replace(".", "", regex=False)
        only_comma = ~both & ~dot_thousands
        cleaned[only_comma & comma_thousands] = text[only_comma & comma_thousands].str.replace(",", "", regex=False)
        cleaned[only_comma & ~comma_thousands] = text[only_comma & ~comma_thousands].str.replace(",", ".", regex=False)
        numbers[rest] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (numbers.isna() & ~missing) | np.isinf(numbers)
    numbers[bad] = np.nan
    return numbers, bad
