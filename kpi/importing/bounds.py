"""Bounds and consistency of imported numbers (the catalogue's whole_number, min_value, max_value,
parts_max; numerator within denominator), checked after the numbers are read (kpi.importing.validate)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from kpi import formulas
from kpi.importing.messages import Phrase


def by_code(codes: pd.Series, values: pd.Series) -> pd.Series:
    """values[code] for each row (NaN where the code is unknown): the catalogue's columns spread over
    a million rows through their few distinct codes (Series.map on text is ten times slower)."""
    positions, uniques = pd.factorize(codes)
    table = values.reindex(pd.Index(uniques, dtype=object)).to_numpy()
    taken = table[np.maximum(positions, 0)] if len(table) else np.full(len(codes), np.nan, dtype=object)
    out = pd.Series(taken, index=codes.index)
    return out.where(positions >= 0)


def by_codes(codes: pd.Series, meta: pd.DataFrame, columns: list[str]) -> dict[str, pd.Series]:
    """by_code for several catalogue columns at once: the codes factorised once, not once a column."""
    positions, uniques = pd.factorize(codes)
    known = positions >= 0
    out = {}
    for column in columns:
        table = meta[column].reindex(pd.Index(uniques, dtype=object)).to_numpy()
        taken = table[np.maximum(positions, 0)] if len(table) else np.full(len(codes), np.nan, dtype=object)
        out[column] = pd.Series(taken, index=codes.index).where(known)
    return out


def each_distinct(values: pd.Series, func) -> pd.Series:
    """func(value) for each row, called once per distinct value (None where the value is missing):
    a column of a million cells with a few distinct words costs a few calls, not a million."""
    positions, uniques = pd.factorize(values)
    table = np.array([func(value) for value in uniques] + [None], dtype=object)
    return pd.Series(table[np.where(positions >= 0, positions, len(uniques))], index=values.index, dtype=object)



def check_values(frame: pd.DataFrame, bad: pd.Series, catalogue: pd.DataFrame, given: list[str], label,
                  value_label, problems) -> pd.Series:
    """Bounds and consistency of the numbers (the catalogue's min_value, max_value, parts_max);
    returns the rows found wrong. A cell is quoted as written, never as a huge formatted number."""
    wrong = pd.Series(False, index=frame.index)
    meta = catalogue.set_index("code")
    code = frame["indicator_code"]
    spread = by_codes(code, meta, ["unit_of_measure", "min_value", "max_value", "parts_max"])
    unit_of = spread["unit_of_measure"]
    is_rate = unit_of.eq("%")
    low, high = spread["min_value"].astype("float64"), spread["max_value"].astype("float64")
    # a numerator or denominator: within parts_max, else (not a rate) within the figure's own bound
    parts_high = spread["parts_max"].astype("float64").fillna(high.where(~is_rate))
    for canon in given:
        values, cells = frame[f"{canon}_value"], frame[f"{canon}_cell"]
        column = value_label.loc[frame.index] if (value_label is not None and canon == "actual") else label(canon)
        negative = ~bad & values.lt(0)
        problems.rows(frame.loc[negative, ["file", "row"]], column, Phrase("imp_negative"))
        wrong |= negative
        if canon in ("actual", "plan", "plan_high"):
            change = frame["plan_kind_code"].isin(formulas.RELATIVE_KINDS) if canon != "actual" else False
            outside = ~bad & ~negative & (values.lt(low) | values.gt(high)) & ~change
            rate = outside & is_rate
            problems.rows(frame.loc[rate, ["file", "row"]], column,
                          Phrase("imp_rate_range", {"cell": cells, "low": low.fillna(0), "high": high.fillna(100)}))
            below = outside & ~is_rate & values.lt(low)
            problems.rows(frame.loc[below, ["file", "row"]], column,
                          Phrase("imp_below_min", {"cell": cells, "low": low, "unit": unit_of}))
            above = outside & ~is_rate & ~below
            problems.rows(frame.loc[above, ["file", "row"]], column,
                          Phrase("imp_above_max", {"cell": cells, "high": high, "unit": unit_of}))
        else:
            outside = ~bad & ~negative & values.gt(parts_high)
            problems.rows(frame.loc[outside, ["file", "row"]], column,
                          Phrase("imp_part_above_max", {"cell": cells, "high": parts_high}))
        wrong |= outside
    checked = ~bad & ~wrong
    if "numerator" in given and "denominator" in given:
        numerator, denominator = frame["numerator_value"], frame["denominator_value"]
        above = checked & numerator.gt(denominator)
        problems.rows(frame.loc[above, ["file", "row"]], label("numerator"),
                      Phrase("imp_numerator_above", {"numerator": numerator, "denominator": denominator}))
        wrong |= above
    if "denominator" in given:
        zero = checked & frame["denominator_value"].eq(0)
        problems.rows(frame.loc[zero, ["file", "row"]], label("denominator"), Phrase("imp_zero_denominator"))
        wrong |= zero
    if {"actual", "numerator", "denominator"} <= set(given):
        ratio = frame["numerator_value"] / frame["denominator_value"] * 100
        off = ~bad & ~wrong & is_rate & (ratio - frame["actual_value"]).abs().gt(0.5)
        problems.rows(frame.loc[off, ["file", "row"]], label("actual"),
                      Phrase("imp_rate_mismatch", {"actual": frame["actual_value"], "ratio": ratio.round(2)}), "notice")
    no_value = ~bad & ~wrong & np.logical_and.reduce([frame[f"{c}_value"].isna() for c in given])
    problems.rows(frame.loc[no_value, ["file", "row"]], None, Phrase("imp_no_value"))
    return wrong | no_value
