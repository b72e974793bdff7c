"""Numbers as people type them (DESIGN section 4.2): `18.382`, `3,34`, `1.234,5` the Vietnamese way,
`18,382`, `3.34` the English way, `60,6%`; '..' and '-' (GSO's marks) as missing, never as zero.

One decimal mark per file, for counts and money alike. Most cells show which mark they use:
`60,6` (one separator, not followed by exactly three digits), `1.234,5` (both), `1.234.567` (the
same separator twice: thousands). A cell such as `1.234` or `1,234` (one separator before exactly
three digits) could be either; it is read by the file's mark, inferred from the other cells
(`infer_decimal`) or given (`--decimal`), and is an error when there is none. A cell that
contradicts the file's mark (`60.6` in a file of `3,5`) is an error too, never read another way.
A number cell of a workbook (typed in Excel) is already a number: it has no mark to read; one in a
percent format comes as the number its user sees with a % sign (`60.6%`, kpi.importing.xlsx).

Vectorised with Arrow compute (regular expressions in C++): a million cells in well under a second.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

MISSING_MARKS = {"..", "...", "…", "-", "–", "—"}
DECIMAL_MARKS = (",", ".")

# what a cell looks like (Forms.kind)
MISSING, TYPED, INTEGER, DECIMAL, EXPONENT, GROUPED, GROUPED_DECIMAL, AMBIGUOUS, BAD = range(9)
# which separator it shows (Forms.sep): the decimal mark of a decimal, exponent or grouped-decimal
# cell, the thousands separator of a grouped cell, the one separator of an ambiguous cell
NO_SEP, COMMA, DOT = 0, 1, 2
_MARK_CODE = {",": COMMA, ".": DOT}

_INT = r"^[+-]?\d+$"
_DECIMAL = r"^[+-]?\d*[.,]\d+$"
_AMBIGUOUS = r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$"
_EXPONENT = r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)[eE][+-]?\d+$"
_GROUPED = {DOT: r"^[+-]?[1-9]\d{0,2}(?:\.\d{3}){2,}$", COMMA: r"^[+-]?[1-9]\d{0,2}(?:,\d{3}){2,}$"}
# thousands separator -> the pattern with the other mark as decimal mark
_GROUPED_DECIMAL = {DOT: r"^[+-]?[1-9]\d{0,2}(?:\.\d{3})+,\d+$", COMMA: r"^[+-]?[1-9]\d{0,2}(?:,\d{3})+\.\d+$"}
# spaces: around the figure and before a % sign; inside it only between groups of thousands
# ('18 382', '1 234,5'), never elsewhere ('0 5' is no number, not 5; '18 38' not 1838)
_SPACE = r"[\s\x{00a0}\x{202f}]"
_OUTER_SPACES = rf"^{_SPACE}+|{_SPACE}+$"
_SPACED_GROUPS = rf"^[+-]?\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.,]\d+)?%?$"
# a character other than ASCII digits, signs and separators (every space, minus sign and % sign is one)
_ODD = r"[^0-9.,+\-]"


def missing_mask(values: pd.Series) -> pd.Series:
    """Empty cells and the marks statistics tables use for "no figure"."""
    return (values == "") | values.isin(MISSING_MARKS)


def _strings(values: pd.Series) -> pa.Array:
    return pa.array(values.astype("str"), type=pa.large_string(), from_pandas=True)


def _mask(array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _within(texts: pa.Array, at: np.ndarray, test) -> np.ndarray:
    """`test` (an Arrow predicate) of texts[at] only, False elsewhere (all of them: no take)."""
    out = np.zeros(len(texts), dtype=bool)
    if len(at) == len(texts):
        out[:] = _mask(test(texts))
    elif len(at):
        out[at] = _mask(test(texts.take(pa.array(at))))
    return out


@dataclass
class Forms:
    """What each cell of a column looks like, before any decimal mark is applied (numpy codes)."""
    index: pd.Index
    raw: pa.Array             # the cells as written
    kind: np.ndarray          # MISSING ... BAD
    sep: np.ndarray           # NO_SEP, COMMA, DOT
    percent: np.ndarray       # written with a % sign
    cleaned: pa.Array         # the cells not plainly integers, without spaces and %
    cleaned_at: np.ndarray    # their positions

    def evidence(self) -> dict[str, int]:
        """How many cells show each decimal mark."""
        shows = np.where(np.isin(self.kind, (DECIMAL, EXPONENT, GROUPED_DECIMAL)), self.sep, NO_SEP)
        grouped = self.kind == GROUPED
        shows = np.where(grouped, np.where(self.sep == COMMA, DOT, np.where(self.sep == DOT, COMMA, NO_SEP)), shows)
        return {",": int((shows == COMMA).sum()), ".": int((shows == DOT).sum())}


def cell_forms(values: pd.Series, typed: pd.Series | None = None) -> Forms:
    """Classify text cells: plain integers in one pass, the rest by a handful of patterns."""
    raw = _strings(values)
    n = len(raw)
    missing = _mask(pc.is_in(raw, pa.array(sorted(MISSING_MARKS | {""}), type=pa.large_string())))
    kind = np.full(n, BAD, dtype=np.int8)
    kind[missing] = MISSING
    percent = np.zeros(n, dtype=bool)
    if typed is not None:
        number_cell = np.asarray(typed, dtype=bool) & ~missing
        kind[number_cell] = TYPED
        # a workbook cell in a percent format: '60.6%' is 60.6 marked as a percentage
        typed_percent = number_cell & _mask(pc.ends_with(raw, "%"))
        if typed_percent.any():
            percent |= typed_percent
            raw = pc.if_else(pa.array(typed_percent), pc.utf8_slice_codeunits(raw, 0, -1), raw)
    todo = kind == BAD
    kind[todo & _mask(pc.match_substring_regex(raw, _INT))] = INTEGER
    todo = kind == BAD
    sep = np.zeros(n, dtype=np.int8)
    at = np.flatnonzero(todo)
    cleaned = raw.filter(pa.array(todo))
    misplaced = np.zeros(len(at), dtype=bool)
    # spaces, minus and % signs are looked for only in the cells with a character other than digits,
    # signs and separators (none in most machine-made files: one pass instead of three)
    odd = np.flatnonzero(_mask(pc.match_substring_regex(cleaned, _ODD)))
    spaced = _within(cleaned, odd, lambda c: pc.match_substring_regex(c, _SPACE))
    if spaced.any():  # spaces trimmed, and dropped between digit groups; only the cells that have any
        where = pa.array(spaced)
        trimmed = pc.replace_substring_regex(cleaned.filter(where), _OUTER_SPACES, "")
        trimmed = pc.replace_substring_regex(trimmed, rf"{_SPACE}+%$", "%")
        misplaced[spaced] = _mask(pc.match_substring_regex(trimmed, _SPACE)) & ~_mask(
            pc.match_substring_regex(trimmed, _SPACED_GROUPS))
        cleaned = pc.replace_with_mask(cleaned, where, pc.replace_substring_regex(trimmed, _SPACE, ""))
    minus = _within(cleaned, odd, lambda c: pc.match_substring(c, "\u2212"))
    if minus.any():
        cleaned = pc.replace_substring(cleaned, "\u2212", "-")
    if len(at):
        has_percent = _within(cleaned, odd, lambda c: pc.ends_with(c, "%"))
        if has_percent.any():
            cleaned = pc.if_else(pa.array(has_percent), pc.utf8_slice_codeunits(cleaned, 0, -1), cleaned)
        percent[at] = has_percent
        sub_kind = np.full(len(at), BAD, dtype=np.int8)
        sub_sep = np.zeros(len(at), dtype=np.int8)
        comma = _mask(pc.match_substring(cleaned, ","))
        one_mark = np.where(comma, COMMA, DOT).astype(np.int8)
        # a cell left as written is no integer (it did not match above): only the cells cleaned of
        # spaces, a minus sign or a % sign are looked at again
        changed = np.flatnonzero(spaced | minus | has_percent)
        if len(changed):
            sub_kind[changed[_mask(pc.match_substring_regex(cleaned.take(pa.array(changed)), _INT))]] = INTEGER
        decimal = _mask(pc.match_substring_regex(cleaned, _DECIMAL))
        ambiguous = _within(cleaned, np.flatnonzero(decimal), lambda c: pc.match_substring_regex(c, _AMBIGUOUS))
        sub_kind[decimal & ~ambiguous] = DECIMAL
        sub_kind[ambiguous] = AMBIGUOUS
        sub_sep[decimal] = one_mark[decimal]
        still = sub_kind == BAD
        if still.any():
            exponent = still & _mask(pc.match_substring_regex(cleaned, _EXPONENT))
            sub_kind[exponent] = EXPONENT
            mantissa_comma = _mask(pc.match_substring_regex(cleaned, r"^[^eE]*,"))
            mantissa_dot = _mask(pc.match_substring_regex(cleaned, r"^[^eE]*\."))
            sub_sep[exponent & mantissa_comma] = COMMA
            sub_sep[exponent & mantissa_dot] = DOT
            for mark in (DOT, COMMA):
                still = sub_kind == BAD
                grouped = still & _mask(pc.match_substring_regex(cleaned, _GROUPED[mark]))
                sub_kind[grouped], sub_sep[grouped] = GROUPED, mark
                grouped_decimal = still & ~grouped & _mask(pc.match_substring_regex(cleaned, _GROUPED_DECIMAL[mark]))
                sub_kind[grouped_decimal], sub_sep[grouped_decimal] = GROUPED_DECIMAL, COMMA if mark == DOT else DOT
        sub_kind[misplaced] = BAD
        kind[at], sep[at] = sub_kind, sub_sep
    return Forms(values.index, raw, kind, sep, percent, cleaned, at)


def infer_decimal(forms: list[Forms]) -> tuple[str | None, dict[str, int]]:
    """The decimal mark most cells of a file show (None when none shows one, or as many show each)."""
    counts = {mark: sum(f.evidence()[mark] for f in forms) for mark in DECIMAL_MARKS}
    if counts[","] == counts["."]:
        return None, counts
    return ("," if counts[","] > counts["."] else "."), counts


@dataclass
class Numbers:
    """Cells read with one decimal mark. `values` is NaN where a cell is missing or wrong."""
    values: pd.Series
    bad: pd.Series            # not a number at all ('abc', 'nan', 'inf', '1e400', '1.2.3,4,5')
    ambiguous: pd.Series      # '1.234' and the file shows no decimal mark
    conflict: pd.Series       # contradicts the file's decimal mark ('60.6' in a file of '3,5')
    percent: pd.Series        # written with a % sign
    read_as_decimal: pd.Series  # an ambiguous-looking cell ('18.000') read with its separator as decimal mark

    @property
    def wrong(self) -> pd.Series:
        return self.bad | self.ambiguous | self.conflict


def _cast(texts: pa.Array) -> np.ndarray:
    """Machine-form texts -> float64 (one Arrow cast; NaN for any text it cannot read, such as a
    workbook's number cell that holds no number)."""
    if len(texts) == 0:
        return np.zeros(0, dtype="float64")
    try:
        return np.asarray(pc.cast(texts, pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pd.to_numeric(pd.Series(texts.to_pylist(), dtype=object), errors="coerce").to_numpy(dtype="float64")


def read_numbers(forms: Forms, decimal: str | None) -> Numbers:
    """The cells as floats under `decimal` (',' or '.'); None: each cell only by what it shows."""
    kind, sep = forms.kind, forms.sep
    n = len(kind)
    values = np.full(n, np.nan)
    mark = _MARK_CODE.get(decimal, NO_SEP) if decimal else NO_SEP
    conflict = np.zeros(n, dtype=bool)
    if mark:
        conflict |= np.isin(kind, (DECIMAL, EXPONENT)) & (sep != NO_SEP) & (sep != mark)
        conflict |= (kind == GROUPED) & (sep == mark)
        conflict |= (kind == GROUPED_DECIMAL) & (sep != mark)
    unclear = kind == AMBIGUOUS
    ambiguous = unclear if not mark else np.zeros(n, dtype=bool)
    read_as_decimal = unclear & (sep == mark) if mark else np.zeros(n, dtype=bool)

    plain = np.isin(kind, (TYPED, INTEGER))
    if plain.any():
        values[plain] = _cast(forms.raw.filter(pa.array(plain)))
    at = forms.cleaned_at
    if len(at):
        sub_kind, sub_sep, sub_ok = kind[at], sep[at], ~conflict[at]
        # which machine form each cell takes: the separator as decimal point, or dropped as thousands
        thousands = unclear[at] & bool(mark) & ~read_as_decimal[at]
        as_point = sub_ok & (np.isin(sub_kind, (DECIMAL, EXPONENT, INTEGER)) | read_as_decimal[at])
        drop_dots = sub_ok & (((sub_kind == GROUPED) & (sub_sep == DOT))
                              | ((sub_kind == GROUPED_DECIMAL) & (sub_sep == COMMA)) | (thousands & (sub_sep == DOT)))
        drop_commas = sub_ok & (((sub_kind == GROUPED) & (sub_sep == COMMA))
                                | ((sub_kind == GROUPED_DECIMAL) & (sub_sep == DOT)) | (thousands & (sub_sep == COMMA)))
        cleaned = forms.cleaned
        # a decimal comma to a point; a file of decimal points has no comma in these cells (no pass)
        commas = bool((sub_sep[as_point] == COMMA).any())
        for use, machine in ((as_point, lambda c: pc.replace_substring(c, ",", ".") if commas else c),
                             (drop_dots, lambda c: pc.replace_substring(pc.replace_substring(c, ".", ""), ",", ".")),
                             (drop_commas, lambda c: pc.replace_substring(c, ",", ""))):
            if use.any():
                values[at[use]] = _cast(machine(cleaned.filter(pa.array(use))))
    readable = ~np.isin(kind, (MISSING, BAD)) & ~conflict & ~ambiguous
    bad = (kind == BAD) | (readable & ~np.isfinite(values))
    values[bad | conflict | ambiguous] = np.nan
    series = lambda a: pd.Series(a, index=forms.index)  # noqa: E731
    return Numbers(series(values), series(bad), series(ambiguous), series(conflict),
                   series(forms.percent & (kind != MISSING)), series(read_as_decimal))


def parse_numbers(values: pd.Series, decimal: str | None = None) -> tuple[pd.Series, pd.Series]:
    """Text cells -> (floats, wrong mask), each cell read by what it shows (or by `decimal`).

    Accepts 60.6, 60,6, 18382, 1.234.567, 1,234.5, 60,6%; '1.234' only with `decimal`. Missing cells
    ('', '..', '-') give NaN and are not wrong. An import reads a whole file with one mark:
    cell_forms, infer_decimal and read_numbers."""
    numbers = read_numbers(cell_forms(values), decimal)
    return numbers.values, numbers.wrong
