"""Targets as resolutions write them, read from an import file (DESIGN 4.1).

A plan comes as a number with a `plan_kind` column (a code such as `below`, or the template's
Vietnamese choice such as "dưới" or "từ … trở lên"), or as the words of the resolution in the plan
cell itself: "dưới 3%", "từ 75% trở lên", "không quá 3%", "từ 60 đến 62%", "giảm 0,78 điểm %",
"giảm 10% so với cùng kỳ", "tăng 14% so với cùng kỳ". The numbers keep their text, to be read
with the file's decimal mark like every other cell (kpi.importing.numbers).

"giảm 0,78%" alone is not read: resolutions use it both for points and for a relative fall, so
the file must say which ("giảm 0,78 điểm %", or plan_kind reduce_pp / reduce_pct).
"""
from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import formulas
from kpi.importing.bounds import each_distinct
from kpi.importing.messages import Phrase
from kpi.text.i18n import t

# the template's drop-down: one Vietnamese choice per kind (kpi.text texts imp_plan_kind_*)
KIND_CHOICES = {kind: t(f"imp_plan_kind_{kind}") for kind in formulas.PLAN_KINDS}

# folded spellings of each kind in a plan_kind cell ('…' and '...' removed, spaces collapsed)
_KIND_SPELLINGS = {
    formulas.LEVEL: ["level", "dat", "muc", "bang", "="],
    formulas.AT_LEAST: ["min", "tu tro len", "tro len", "toi thieu", "it nhat", ">=", "≥"],
    formulas.AT_MOST: ["max", "khong qua", "toi da", "<=", "≤"],
    formulas.BELOW_STRICT: ["below", "duoi", "<"],
    formulas.ABOVE_STRICT: ["above", "tren", ">"],
    formulas.RANGE: ["range", "tu den", "trong khoang", "khoang"],
    formulas.REDUCE_PP: ["reduce_pp", "giam diem %", "giam diem phan tram", "giam diem"],
    formulas.REDUCE_PCT: ["reduce_pct", "giam %", "giam phan tram"],
    formulas.INCREASE_PCT: ["increase_pct", "tang %", "tang phan tram"],
}
_KIND_OF = {spelling: kind for kind, spellings in _KIND_SPELLINGS.items() for spelling in spellings}

_NUMBER = r"([+-]?\d[\d.,\s]*?)"
_COMPARED = r"(?:\s*so\s+voi\s+(?:cung\s+ky|nam\s+truoc|ky\s+truoc|nam\s+\d{4}))?"
# (pattern on the folded cell, kind); the first match wins
_PHRASES = [
    (rf"^tu\s+{_NUMBER}\s*%?\s*(?:den|-|–)\s*{_NUMBER}\s*%?$", formulas.RANGE),
    (rf"^{_NUMBER}\s*%?\s*(?:-|–|den)\s*{_NUMBER}\s*%?$", formulas.RANGE),
    (rf"^(?:tu\s+)?{_NUMBER}\s*%?\s*tro\s+len$", formulas.AT_LEAST),
    (rf"^(?:>=|≥|toi\s+thieu|it\s+nhat)\s*{_NUMBER}\s*%?$", formulas.AT_LEAST),
    (rf"^(?:khong\s+qua|<=|≤|toi\s+da)\s*{_NUMBER}\s*%?$", formulas.AT_MOST),
    (rf"^(?:duoi|<)\s*{_NUMBER}\s*%?$", formulas.BELOW_STRICT),
    (rf"^(?:tren|>)\s*{_NUMBER}\s*%?$", formulas.ABOVE_STRICT),
    (rf"^giam(?:\s+binh\s+quan)?\s+{_NUMBER}\s*(?:-|–|den)\s*{_NUMBER}\s*(?:%\s*)?diem(?:\s*%|\s+phan\s+tram)?(?:/nam)?$",
     formulas.REDUCE_PP),
    (rf"^giam(?:\s+binh\s+quan)?\s+{_NUMBER}\s*(?:%\s*)?diem(?:\s*%|\s+phan\s+tram)?(?:/nam)?{_COMPARED}$",
     formulas.REDUCE_PP),
    (rf"^giam\s+{_NUMBER}\s*%\s*so\s+voi\s+(?:cung\s+ky|nam\s+truoc|ky\s+truoc|nam\s+\d{{4}})$", formulas.REDUCE_PCT),
    (rf"^tang\s+{_NUMBER}\s*%{_COMPARED}$", formulas.INCREASE_PCT),
    (rf"^(?:dat|muc|bang)\s+{_NUMBER}\s*%?$", formulas.LEVEL),
]
_AMBIGUOUS_REDUCTION = rf"^giam(?:\s+binh\s+quan)?\s+{_NUMBER}\s*%(?:/nam)?$"
_HAS_WORDS = r"[^\d\s.,%+\-−–]"


def _folded(text: str) -> str:
    """Lower case without diacritics, keeping digits, separators and signs ('Dưới 3,5%' -> 'duoi 3,5%')."""
    text = str(text).replace("…", " ").replace("...", " ").replace("\u2212", "-").replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")
    return re.sub(r"\s+", " ", text.lower()).strip()


def parse_kind(text: str) -> str | None:
    """The plan kind of a plan_kind cell (a code or a Vietnamese choice); None if not one of them."""
    folded = _folded(text)
    return _KIND_OF.get(folded) or _KIND_OF.get(folded.replace(" ", ""))


def has_words(text: str) -> bool:
    """A plan cell written as words ("dưới 3%") or as a range ("1-1,5%"), not a bare number."""
    text = str(text)
    return bool(re.search(_HAS_WORDS, text) or re.match(r"^\s*\d[\d.,]*\s*%?\s*[-–]\s*\d", text))


_PLAIN_CELL = r"^[0-9 .,%+\-]*$"  # ASCII digits, spaces, separators and signs: no words, Python and Arrow agree
_RANGE = r"^\s*\d[\d.,]*\s*%?\s*[-–]\s*\d"


def worded_mask(cells: pd.Series) -> pd.Series:
    """has_words of every cell, vectorised: a cell of ASCII digits, spaces, separators and signs only
    (nearly every cell of a machine-made file) has words only when it is a range, found with Arrow's
    regular expressions; any other cell (letters, or another script's digits and spaces, where Python's
    \\d and \\s are wider than Arrow's) by has_words itself, once per distinct text."""
    strings = pa.array(cells, type=pa.large_string(), from_pandas=True)
    plain = np.asarray(pc.fill_null(pc.match_substring_regex(strings, _PLAIN_CELL), True), dtype=bool)
    result = plain & np.asarray(pc.fill_null(pc.match_substring_regex(strings, _RANGE), False), dtype=bool)
    if not plain.all():
        other = cells[~plain]
        found = {text: has_words(text) for text in other.unique()}
        result[~plain] = other.map(found).to_numpy(dtype=bool)
    return pd.Series(result, index=cells.index)


def split_phrase(text: str) -> tuple[str | None, str, str, str | None]:
    """A plan cell in words -> (kind, plan number text, plan_high number text, error text key).

    The numbers are returned as written (with a '%' where the cell had one), for the file's
    decimal-mark reading. ('', '', '', key) when the cell cannot be read as a target.
    """
    cleaned = str(text).strip()
    folded = _folded(cleaned)
    if re.match(_AMBIGUOUS_REDUCTION, folded):
        return None, "", "", "imp_plan_reduction_ambiguous"
    for pattern, kind in _PHRASES:
        match = re.match(pattern, folded)
        if match:
            numbers = [g.strip() for g in match.groups() if g is not None]
            percent = "%" in folded and kind not in formulas.RELATIVE_KINDS
            plan = numbers[0] + ("%" if percent else "")
            high = (numbers[1] + ("%" if percent else "")) if len(numbers) > 1 else ""
            return kind, plan, high, None
    return None, "", "", "imp_plan_phrase_unknown"


def read_targets(frame, bad, labels: dict, given: list[str], label, problems):
    """Set frame['plan_kind_code'] from a plan_kind column and from plan cells written in words,
    replacing those cells by their numbers (and filling plan_high). Returns (bad, given)."""
    kind = pd.Series(None, index=frame.index, dtype=object)
    if "plan_kind" in frame:
        written = frame["plan_kind"].fillna("").astype(str).str.strip()
        parsed = each_distinct(written, lambda text: parse_kind(text) if text else None)
        unknown = ~bad & written.ne("") & parsed.isna()
        problems.rows(frame.loc[unknown, ["file", "row"]], label("plan_kind"),
                      Phrase("imp_plan_kind_unknown", {"cell": written.str.slice(0, 40),
                                                       "choices": ", ".join(f"'{c}'" for c in KIND_CHOICES.values())}))
        bad = bad | unknown
        kind = parsed.where(~unknown)
    if "plan" in given:
        cells = frame["plan"].fillna("").astype(str)
        worded = ~bad & worded_mask(cells)
        if worded.any():
            split = {text: split_phrase(text) for text in cells[worded].unique()}
            phrase_kind = each_distinct(cells[worded], lambda text: split[text][0])
            error = each_distinct(cells[worded], lambda text: split[text][3])
            failed = error.notna()
            for key in error[failed].unique():
                rows = error.index[failed & error.eq(key)]
                problems.rows(frame.loc[rows, ["file", "row"]], label("plan"),
                              Phrase(key, {"cell": cells[rows].str.slice(0, 40)}))
            ok = phrase_kind.index[~failed]
            conflict = ok[kind[ok].notna() & kind[ok].ne(phrase_kind[ok])]
            problems.rows(frame.loc[conflict, ["file", "row"]], label("plan"),
                          Phrase("imp_plan_kind_conflict", {"cell": cells[conflict],
                                                            "kind": frame["plan_kind"][conflict] if len(conflict) else ""}))
            bad = bad.copy()
            bad[error.index[failed]] = True
            bad[conflict] = True
            ok = ok.difference(conflict)
            kind[ok] = phrase_kind[ok]
            frame.loc[ok, "plan"] = each_distinct(cells[ok], lambda text: split[text][1])
            highs = each_distinct(cells[ok], lambda text: split[text][2])
            if highs.ne("").any():
                if "plan_high" not in frame:
                    frame["plan_high"] = ""
                    labels.setdefault("plan_high", labels.get("plan", "plan"))
                    given = [*given, "plan_high"]
                frame.loc[highs.index[highs.ne("")], "plan_high"] = highs[highs.ne("")]
    frame["plan_kind_code"] = kind
    return bad, given


def check_target_values(frame, bad, given: list[str], label, problems):
    """A plan kind without a plan, an upper value without a range or change, a range without its
    upper value or upside down: errors naming the row. Returns the rows found wrong."""
    wrong = pd.Series(False, index=frame.index)
    kind = frame["plan_kind_code"]
    plan = frame["plan_value"] if "plan" in given else pd.Series(np.nan, index=frame.index)
    high = frame["plan_high_value"] if "plan_high" in given else pd.Series(np.nan, index=frame.index)
    no_plan = ~bad & kind.notna() & plan.isna()
    problems.rows(frame.loc[no_plan, ["file", "row"]], label("plan"), Phrase("imp_plan_kind_without_plan"))
    effective = kind.fillna(formulas.LEVEL)
    stray = ~bad & high.notna() & ~effective.isin(formulas.HIGH_KINDS)
    problems.rows(frame.loc[stray, ["file", "row"]], label("plan_high"),
                  Phrase("imp_plan_high_needs_range", {"kind": effective[stray].map(KIND_CHOICES)}))
    no_high = ~bad & effective.eq(formulas.RANGE) & plan.notna() & high.isna()
    problems.rows(frame.loc[no_high, ["file", "row"]], label("plan_high"), Phrase("imp_plan_range_without_high"))
    upside_down = ~bad & plan.notna() & high.notna() & high.lt(plan)
    problems.rows(frame.loc[upside_down, ["file", "row"]], label("plan_high"),
                  Phrase("imp_plan_high_below_plan", {"high": frame.get("plan_high_cell", high),
                                                      "plan": frame.get("plan_cell", plan)}))
    return wrong | no_plan | stray | no_high | upside_down
