"""One typed pass over a file with no problem (issue 14: an import of a million rows in proportion to
DuckDB's own read of the file).

A machine-made file (every row with its unit, period and indicator; numbers in one decimal mark;
units, indicators and periods the catalogue knows; figures within their bounds) needs none of the
careful path's bookkeeping of which row failed which rule. `clean_facts` checks such a file column
by column: the texts of units, periods and indicators once per distinct value (the very functions
of kpi.importing.rows, on the distinct values only), the numbers with the Arrow patterns of
kpi.importing.numbers, the bounds and the plans with numpy over the typed columns. It returns the
accepted rows exactly as kpi.importing.validate would (kpi.importing.rows.facts_table), or None
as soon as one cell is in doubt: an error, a notice or anything this pass does not read (a plan in
words, a plan_kind column, a GSO table, a fixed indicator). The careful path then reads the whole
file again and names each problem's file, row and column as it always has; a clean pass never
produces a message of its own. tests/test_import_clean.py checks the two give the same table and the
same messages on random mixes of good and bad cells.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.importing.numbers import _AMBIGUOUS, MISSING_MARKS, cell_forms, infer_decimal, read_numbers
from kpi.importing.readers import Upload
from kpi.importing.rows import (
    ESTIMATE_STATUSES,
    Problems,
    _check_unit_dates,
    _indicator_lookup,
    _period_parts,
    _spread,
    _unit_status,
    facts_table,
    resolve_indicator,
)
from kpi.importing.targets import worded_mask
from kpi.units.table import fold


def _distinct(column: pd.Series) -> tuple[np.ndarray, list]:
    codes, uniques = pd.factorize(column)
    return codes, list(uniques)


def _taken(table: list, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """table[code] for each row, typed as the careful path types it (kpi.importing.rows._spread)."""
    return _spread(codes, table, index, lambda value: (value,), 1)[0]


# a figure as a machine writes it: digits, at most one decimal point, a sign (no separator of thousands,
# no comma, space or % sign); each such cell is an integer or a decimal of kpi.importing.numbers'
# forms, or one that could be either ('1.234': _AMBIGUOUS)
_MACHINE = r"^[+-]?\d*\.?\d+$"
_MISSING = pa.array(sorted(MISSING_MARKS | {""}), type=pa.large_string())


def _flags(array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _machine_numbers(frame: pd.DataFrame, given: list[str], decimal: str | None, typed: set[str]):
    """The figures of a file that writes every one in machine form, read as kpi.importing.numbers reads
    them (the same texts cast by Arrow, the same decimal mark inferred): ({column: (values, None,
    read_as_decimal)}, mark, how); None when a cell is in another form or the mark is not the point."""
    if typed & set(given):
        return None
    cells, dotted_at, ambiguous_at, evidence = {}, {}, {}, 0
    for canon in given:
        array = pa.array(frame[canon].astype("str"), type=pa.large_string(), from_pandas=True)
        missing = _flags(pc.is_in(array, _MISSING))
        machine = _flags(pc.match_substring_regex(array, _MACHINE))
        if not (missing | machine).all():
            return None
        dotted = machine & _flags(pc.match_substring(array, "."))
        ambiguous = np.zeros(len(array), dtype=bool)
        if dotted.any():
            at = np.flatnonzero(dotted)
            ambiguous[at] = _flags(pc.match_substring_regex(array.take(pa.array(at)), _AMBIGUOUS))
        evidence += int((dotted & ~ambiguous).sum())
        cells[canon], dotted_at[canon], ambiguous_at[canon] = (array, machine), dotted, ambiguous
    mark, how = (decimal, "given") if decimal else (("." if evidence else None), "inferred" if evidence else "")
    if mark != "." and any(dotted.any() for dotted in dotted_at.values()):
        return None  # a point that is not the file's decimal mark: the forms decide (or refuse)
    numbers = {}
    for canon, (array, machine) in cells.items():
        values = np.full(len(array), np.nan)
        try:
            values[machine] = np.asarray(pc.cast(array.filter(pa.array(machine)), pa.float64())
                                         .to_numpy(zero_copy_only=False), dtype="float64")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
        if not np.isfinite(values[machine]).all():
            return None
        numbers[canon] = (values, None, ambiguous_at[canon])
    return numbers, mark, how


def _numbers(frame: pd.DataFrame, given: list[str], decimal: str | None, typed_columns: set[str]):
    """The figures in any form, by kpi.importing.numbers as the careful path reads them: as
    _machine_numbers, with each column's % signs; None when a cell would be refused."""
    forms = {}
    for canon in given:
        typed_column = f"_{canon}_typed"
        typed = frame[typed_column].astype(bool) if canon in typed_columns and typed_column in frame else None
        forms[canon] = cell_forms(frame[canon], typed)
    if decimal:
        mark, how = decimal, "given"
    else:
        mark, _counts = infer_decimal(list(forms.values()))
        how = "inferred" if mark else ""
    numbers = {}
    for canon in given:
        read = read_numbers(forms[canon], mark)
        if read.wrong.to_numpy().any():
            return None
        numbers[canon] = (read.values.to_numpy(), read.percent.to_numpy(), read.read_as_decimal.to_numpy())
    return numbers, mark, how


def clean_facts(upload: Upload, units: pd.DataFrame, catalogue: pd.DataFrame, given: list[str],
                decimal: str | None) -> pd.DataFrame | None:
    """The accepted rows of a file in which no cell has a problem, else None (the careful path)."""
    frame, labels = upload.frame, upload.labels
    if upload.kind not in ("csv", "xlsx") or frame.empty or "plan_kind" in frame \
            or not all(c in frame for c in ("unit", "period", "indicator")):
        return None
    index = frame.index
    # every row names its unit, period and indicator (so no row is blank, none lacks one)
    distinct = {}
    for canon in ("unit", "period", "indicator"):
        codes, uniques = _distinct(frame[canon])
        if (codes < 0).any() or "" in uniques:
            return None
        distinct[canon] = (codes, uniques)

    # indicators and periods: each distinct text read once, as the careful path reads it
    ind_codes, ind_texts = distinct["indicator"]
    lookup = _indicator_lookup(catalogue)
    indicators = [resolve_indicator(text, catalogue, lookup) for text in ind_texts]
    if any(message is not None for _code, message in indicators):
        return None
    per_codes, per_texts = distinct["period"]
    periods = [_period_parts(text) for text in per_texts]
    if any(message is not None for _code, _generation, message in periods):
        return None

    # units: a unit's own key as it is; any other text resolved per text and generation, at the period
    # of its first row (kpi.importing.validate: _UnitKeys.spread with first_of)
    unit_codes, unit_texts = distinct["unit"]
    if any("|" in text for text in unit_texts):
        return None
    levels = units.set_index("unit")["level"].to_dict()
    names = units.set_index("unit")["name_vi"].to_dict()
    own_keys = set(units.loc[~units["level"].isin(["nation", "region"]), "unit"])
    stripped = [text.strip() for text in unit_texts]
    direct = np.array([text in own_keys for text in stripped], dtype=bool)
    generations = np.array([generation for _code, generation, _message in periods], dtype=np.int64)
    row_generation = generations[per_codes]
    n_generations = int(generations.max()) + 1
    pair = unit_codes.astype(np.int64) * n_generations + row_generation
    key_of_unit: list[str | None] = [text if own else None for text, own in zip(stripped, direct)]
    row_key = unit_codes.copy()  # into keys: the units' own keys first, then one per resolved pair
    keys = list(key_of_unit)
    other = ~direct[unit_codes]
    if other.any():
        rows_other = np.flatnonzero(other)
        pairs, first = np.unique(pair[rows_other], return_index=True)
        first_rows = rows_other[first]
        resolved = {}
        for value, row in zip(pairs.tolist(), first_rows.tolist()):
            kind, key, _message = _unit_status(unit_texts[value // n_generations], periods[per_codes[row]][0],
                                               units, levels, names)
            if kind != "ok":
                return None
            resolved[value] = key
        key_index = {key: position for position, key in enumerate(keys) if key is not None}
        pair_key = np.empty(len(pairs), dtype=np.int64)
        for position, value in enumerate(pairs.tolist()):
            key = resolved[value]
            if key not in key_index:
                key_index[key] = len(keys)
                keys.append(key)
            pair_key[position] = key_index[key]
        row_key[rows_other] = pair_key[np.searchsorted(pairs, pair[rows_other])]
    # each unit exists at the end of the period it reports: checked on the distinct pairs
    unit_period = np.unique(row_key.astype(np.int64) * len(per_texts) + per_codes)
    pairs_frame = pd.DataFrame({"unit_key": [keys[k] for k in (unit_period // len(per_texts)).tolist()],
                                "period_code": [periods[p][0] for p in (unit_period % len(per_texts)).tolist()]})
    pairs_frame["file"], pairs_frame["row"] = upload.name, 0
    if _check_unit_dates(pairs_frame, pd.Series(False, index=pairs_frame.index), units, Problems([]), "").any():
        return None

    work = pd.DataFrame({"row": frame["row"]}, index=index)
    work["indicator_code"] = _taken([code for code, _message in indicators], ind_codes, index)
    work["period_code"] = _taken([code for code, _generation, _message in periods], per_codes, index)
    # typed as the careful path types it: text once a unit was resolved, else objects (the units' own keys)
    work["unit_key"] = pd.Series(np.array(keys, dtype=object)[row_key], index=index, dtype="str" if other.any() else object)
    for canon in ("source", "note"):
        if canon in frame:
            work[canon] = frame[canon]
    if "estimate_status" in frame:
        written = frame["estimate_status"].fillna("").astype(str).str.strip()
        codes, texts = _distinct(written)
        standing = [ESTIMATE_STATUSES.get(fold(text)) if text else None for text in texts]
        if any(text and code is None for text, code in zip(texts, standing)):
            return None
        work["estimate_status_code"] = pd.Series(np.array([*standing, None], dtype=object)[
            np.where(codes >= 0, codes, len(standing))], index=index, dtype=object)

    work["plan_kind_code"] = pd.Series(None, index=index, dtype=object)

    # numbers: one decimal mark for the file; any cell the careful path would refuse sends it there
    read = _machine_numbers(frame, given, decimal, upload.typed) or _numbers(frame, given, decimal, upload.typed)
    if read is None:
        return None
    numbers, mark, how = read
    # plans: no kind column (above) and no plan in words (a machine-form plan has none); then every plan
    # is a level, and an upper value would need a range
    if "plan" in given and numbers["plan"][1] is not None and worded_mask(frame["plan"].fillna("").astype(str)).any():
        return None
    meta = catalogue.set_index("code").reindex(pd.Index([code for code, _m in indicators], dtype=object))
    is_rate = (meta["unit_of_measure"] == "%").to_numpy()[ind_codes]
    whole = meta["whole_number"].fillna(False).astype(bool).to_numpy()[ind_codes]
    low = meta["min_value"].astype("float64").to_numpy()[ind_codes]
    high = meta["max_value"].astype("float64").to_numpy()[ind_codes]
    parts_max = meta["parts_max"].astype("float64").to_numpy()[ind_codes]
    parts_high = np.where(np.isnan(parts_max), np.where(is_rate, np.nan, high), parts_max)
    values = {}
    with np.errstate(invalid="ignore"):
        for canon in given:
            value, percent, read_as_decimal = numbers[canon]
            if percent is not None and (percent & (~is_rate | (canon in ("numerator", "denominator")))).any():
                return None
            if canon in ("actual", "plan", "plan_high"):
                fraction = ~np.isnan(value) & (value != np.floor(value))
                if (whole & (fraction | read_as_decimal)).any():
                    return None
                if (value < low).any() or (value > high).any():
                    return None
            elif (value > parts_high).any():
                return None
            if (value < 0).any() or (canon == "plan_high" and (~np.isnan(value)).any()):
                return None
            values[canon] = value
        if "numerator" in values and "denominator" in values and (values["numerator"] > values["denominator"]).any():
            return None
        if "denominator" in values and (values["denominator"] == 0).any():
            return None
        if {"actual", "numerator", "denominator"} <= set(values):  # a rate its parts do not give: a notice
            ratio = values["numerator"] / values["denominator"] * 100
            if (is_rate & (np.abs(ratio - values["actual"]) > 0.5)).any():
                return None
        if np.logical_and.reduce([np.isnan(values[c]) for c in given]).any():  # a row without a figure
            return None
    for canon in given:
        work[f"{canon}_value"] = pd.Series(values[canon], index=index)
    upload.decimal, upload.decimal_how = mark, how
    return facts_table(work, upload, given, labels, None)
