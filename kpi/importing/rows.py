"""Rows' texts resolved once per distinct value (DESIGN sections 2, 4.2 and 7): indicators by code or
name, periods by kpi.periods, units by the date of the period each row reports (kpi.units.resolve),
the units' dates, the figure's standing; and `Problems`, which collects the issues naming file, row
and column. Used by the careful path of kpi.importing.validate and by its one typed pass over a clean
file (kpi.importing.clean), so that both say the same of every row."""
from __future__ import annotations

import datetime as dt
import difflib
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import formulas
from kpi.importing.bounds import each_distinct
from kpi.importing.messages import Issue, Phrase
from kpi.importing.readers import VALUE_COLUMNS, Upload
from kpi.periods import PeriodError, parse_period, parse_period_text
from kpi.units.geography import generation_at
from kpi.units.names import unit_name
from kpi.units.resolve import UnitError, resolve_unit
from kpi.units.table import fold, name_key

KEY = ["indicator", "unit", "period"]
# the figure's standing in its report (column estimate_status, "Tình trạng số liệu"), as the cell may
# write it after fold(): stored as 'estimate' (ước), 'preliminary' (sơ bộ), 'official' (chính thức)
ESTIMATE_STATUSES = {
    "uoc": "estimate", "uoc tinh": "estimate", "uoc thuc hien": "estimate", "so uoc": "estimate",
    "estimate": "estimate", "estimated": "estimate",
    "so bo": "preliminary", "so lieu so bo": "preliminary", "preliminary": "preliminary",
    "chinh thuc": "official", "so lieu chinh thuc": "official", "official": "official", "final": "official",
}
ESTIMATE_CHOICES = "'ước', 'sơ bộ', 'chính thức'"
MAX_ISSUES_PER_KIND = 50
# GSO's English names of the six regions (as the yearbook writes them) and older spellings
REGION_NAME_KEYS = {
    "redriverdelta": "RRD", "northernmidlandsandmountainareas": "NMM", "northernmidlandsandmountainousareas": "NMM",
    "northerncentralareaandcentralcoastalarea": "NCC", "northcentralandcentralcoastalareas": "NCC",
    "northcentralcoastandsouthcentralcoast": "NCC", "centralhighlands": "CH", "southeast": "SE",
    "mekongriverdelta": "MRD",
}
_PERIOD_KEYS = {"form": "imp_period_form", "months": "imp_period_months", "year": "imp_period_year"}



def _at(value, index):
    """A per-row Series' value at `index`, or the value itself when it is the same for every row."""
    return value.loc[index] if isinstance(value, pd.Series) else value


class Problems:
    """Collects issues, listing at most MAX_ISSUES_PER_KIND rows per kind of problem."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues

    def whole_file(self, file: str, phrase: Phrase, severity: str = "error", column: str | None = None) -> None:
        self.issues.append(Issue(file, None, column, phrase.key, phrase.params, severity))

    def rows(self, rows: pd.DataFrame, column, message, severity: str = "error") -> None:
        """One issue per row of `rows` (columns file, row). `column`: text or a Series per row;
        `message`: a Phrase whose parameters may be Series per row, or a Series of Phrases."""
        if rows.empty:
            return
        shown = rows.head(MAX_ISSUES_PER_KIND)
        phrases = []
        for index in shown.index:
            phrase = _at(message, index)
            phrases.append(Phrase(phrase.key, {k: _at(v, index) for k, v in phrase.params.items()}))
        columns = [_at(column, index) for index in shown.index]
        for file, row, col, phrase in zip(shown["file"], shown["row"], columns, phrases):
            self.issues.append(Issue(str(file), int(row), col, phrase.key, phrase.params, severity))
        if len(rows) > len(shown):
            self.issues.append(Issue(str(rows["file"].iloc[0]), None, columns[0], "imp_more_same",
                                     {"rows": len(rows) - len(shown), "first": phrases[0]}, severity))


def _per_distinct(values: pd.Series, resolve, width: int, first_of=None) -> list[pd.Series]:
    """Apply `resolve` (returning a tuple) once per distinct value and spread the results over all
    rows: a million rows with a few hundred distinct units or periods cost a few hundred calls.

    With `first_of`, values with the same first_of(value) share the result of the first one seen
    (units: resolved per text and generation, not per period)."""
    codes, uniques = pd.factorize(values)
    return _spread(codes, uniques, values.index, resolve, width, first_of)


def _spread(codes: np.ndarray, uniques, index: pd.Index, resolve, width: int, first_of=None) -> list[pd.Series]:
    """_per_distinct of factorised values: `codes` (-1: missing) into `uniques`."""
    results, shared = [], {}
    for value in uniques:
        group = first_of(value) if first_of else value
        if group not in shared:
            shared[group] = resolve(value)
        results.append(shared[group])
    columns = []
    for position in range(width):
        table = pd.Series([r[position] for r in results] + [None], dtype=object)
        table = table.astype("str") if table.map(lambda v: isinstance(v, str) or v is None).all() \
            and table.notna().any() else table
        taken = table.take(np.where(codes >= 0, codes, len(results)))
        columns.append(taken.set_axis(index))
    return columns


class _UnitKeys:
    """Each row's unit text, generation and period as one key 'text|generation|period' (generation 0
    and period '' where there is none), factorised from the three columns' own codes: the key texts
    are built only for the distinct keys, not for a million rows."""

    def __init__(self, frame: pd.DataFrame):
        self.index = frame.index
        generation = frame["generation"].fillna(0).astype(int).astype(str)
        parts = [pd.factorize(column) for column in (frame["unit"], generation, frame["period_code"].fillna(""))]
        combined = np.zeros(len(frame), dtype=np.int64)
        for codes, uniques in parts:
            combined = combined * (len(uniques) + 1) + (codes + 1)
        self.codes, self.combined = pd.factorize(combined)
        # the distinct values as lists: a key's text takes three items, not three pandas Index look-ups
        self.parts = [(codes, uniques.tolist()) for codes, uniques in parts]

    def _text(self, position: int) -> str:
        value = int(self.combined[position])
        pieces = []
        for _codes, uniques in reversed(self.parts):
            value, at = divmod(value, len(uniques) + 1)
            pieces.append(str(uniques[at - 1]) if at else "")
        return "|".join(reversed(pieces))

    def spread(self, where: pd.Series, resolve, width: int, first_of=None) -> list[pd.Series]:
        """_per_distinct of the keys where `where`, of '' elsewhere."""
        codes = np.where(where.to_numpy(), self.codes, len(self.combined))
        codes, positions = pd.factorize(codes)
        uniques = [self._text(p) if p < len(self.combined) else "" for p in positions]
        return _spread(codes, uniques, self.index, resolve, width, first_of)

    def texts(self) -> pd.Series:
        table = np.array([self._text(p) for p in range(len(self.combined))], dtype=object)
        return pd.Series(table[self.codes], index=self.index, dtype=object)


def _period_parts(text: str) -> tuple[str | None, int | None, Phrase | None]:
    try:
        period = parse_period_text(text)
    except PeriodError as exc:  # years and months are said as written, not as quantities
        return None, None, Phrase(_PERIOD_KEYS[exc.reason], {k: str(v) for k, v in exc.params.items()})
    return period.code, generation_at(period.end_date), None  # the province list in force at its end


def _indicator_lookup(catalogue: pd.DataFrame) -> dict[str, str]:
    lookup = {}
    for _, row in catalogue.iterrows():
        for text in (row["name_en"], row["name_vi"], row["code"]):
            lookup[fold(text)] = row["code"]
    return lookup


def resolve_indicator(text: str, catalogue: pd.DataFrame, lookup: dict[str, str] | None = None
                      ) -> tuple[str | None, Phrase | None]:
    """By code or by Vietnamese (or English) name, in any spelling; else the closest names."""
    lookup = lookup or _indicator_lookup(catalogue)
    key = fold(text)
    if key in lookup:
        return lookup[key], None
    close = difflib.get_close_matches(key, list(lookup), n=6, cutoff=0.55)
    if not close:  # else the names sharing most words: 'viec lam moi' -> 'giai quyet viec lam'
        words = set(key.split())
        shared = sorted(((len(words & set(name.split())), name) for name in lookup), reverse=True)
        close = [name for n, name in shared if n and n == shared[0][0]][:6]
    codes = list(dict.fromkeys(lookup[c] for c in close))[:3]
    if not codes:
        return None, Phrase("imp_unknown_indicator", {"text": text})
    meta = catalogue.set_index("code")
    names = [Phrase("imp_indicator_named", {"name_vi": meta.loc[c, "name_vi"], "name_en": meta.loc[c, "name_en"],
                                            "code": c}) for c in codes]
    return None, Phrase("imp_unknown_indicator_close", {"text": text, "close": names})


def _unit_status(text: str, period_code: str, units: pd.DataFrame, levels: dict, names: dict
                 ) -> tuple[str, str | None, Phrase | None]:
    """(kind, key, message): kind 'ok', 'aggregate' (a region or the nation) or 'error'."""
    key = name_key(text)
    key = key[4:] if key.startswith("vung") and key[4:] in REGION_NAME_KEYS else key
    period = parse_period(period_code)
    if key in REGION_NAME_KEYS:  # the region of the geography in force at the period's end
        region = f"R{period.generation}-{REGION_NAME_KEYS[key]}"
        return "aggregate", region if region in levels else None, Phrase("imp_region_named", {"text": text.strip()})
    try:
        unit = resolve_unit(text, units, period)
    except UnitError as exc:  # the command-line hint about --geography does not apply to imports
        return "error", None, Phrase("imp_unit_unknown", {
            "detail": re.sub(r" \(dùng --geography[^)]*\)", "", str(exc)), "text": text.strip(),
            "generation": generation_at(period.end_date), "period": period})
    if levels[unit] in ("nation", "region"):
        return "aggregate", unit, Phrase("imp_aggregate_named", {"text": text.strip(), "name_vi": names[unit],
                                                                  "name_en": unit_name(units, unit, "en")})
    return "ok", unit, None


def _unit_status_of_key(key: str, units: pd.DataFrame, levels: dict, names: dict) -> tuple:
    text, generation, code = key.split("|")
    if not code:
        return "", None, None
    return _unit_status(text, code, units, levels, names)


def _quoted(cells: pd.Series) -> pd.Series:
    """The cells as a message quotes them: their first 40 characters (sliced only when one is longer)."""
    lengths = pc.utf8_length(pa.array(cells, type=pa.string(), from_pandas=True))
    longest = pc.max(lengths).as_py() if len(lengths) else None
    return cells.str.slice(0, 40) if longest is not None and longest > 40 else cells


def _read_estimate_status(frame: pd.DataFrame, bad: pd.Series, label, problems: Problems) -> pd.Series:
    """frame['estimate_status_code'] from the estimate_status column (ESTIMATE_STATUSES); a word
    outside them is an error naming the cell. Returns the rows in error."""
    if "estimate_status" not in frame:
        return pd.Series(False, index=frame.index)
    written = frame["estimate_status"].fillna("").astype(str).str.strip()
    code = each_distinct(written, lambda text: ESTIMATE_STATUSES.get(fold(text)) if text else None)
    unknown = ~bad & written.ne("") & code.isna()
    problems.rows(frame.loc[unknown, ["file", "row"]], label("estimate_status"),
                  Phrase("imp_estimate_status_unknown", {"cell": written.str.slice(0, 40), "choices": ESTIMATE_CHOICES}))
    frame["estimate_status_code"] = code.where(~unknown)
    return unknown


def _check_unit_dates(frame: pd.DataFrame, bad: pd.Series, units: pd.DataFrame, problems: Problems,
                      column: str) -> pd.Series:
    """A unit given by its key or code must exist at the end of the period it reports."""
    ok = ~bad & frame["unit_key"].notna()
    pairs = frame.loc[ok, ["unit_key", "period_code"]].drop_duplicates()
    pairs = pairs.merge(units[["unit", "name_vi", "valid_from", "valid_to", "successor"]],
                        left_on="unit_key", right_on="unit", how="left")
    ends = {code: parse_period(code).end_date for code in pairs["period_code"].unique()}
    end = pairs["period_code"].map(ends)
    gone = pairs["valid_to"].notna() & (end > pairs["valid_to"])
    early = pairs["valid_from"].notna() & (end < pairs["valid_from"])
    mask = pd.Series(False, index=frame.index)
    if not (gone | early).any():
        return mask
    names = units.set_index("unit")["name_vi"]
    wrong = {}
    for _, row in pairs[gone | early].iterrows():
        period = parse_period(row["period_code"])
        params = {"name": row["name_vi"], "unit": row["unit_key"], "period": period}
        if isinstance(row["valid_to"], dt.date) and period.end_date > row["valid_to"]:
            successor = row["successor"]
            if isinstance(successor, str) and successor in names.index:
                wrong[(row["unit_key"], row["period_code"])] = Phrase("imp_unit_gone_successor", dict(
                    params, date=f"{row['valid_to'] + dt.timedelta(days=1):%d/%m/%Y}", successor=names[successor]))
            else:
                wrong[(row["unit_key"], row["period_code"])] = Phrase("imp_unit_gone", params)
        else:
            wrong[(row["unit_key"], row["period_code"])] = Phrase("imp_unit_not_yet", dict(
                params, date=f"{row['valid_from']:%d/%m/%Y}"))
    table = pd.Series(wrong)
    at = table.index.get_indexer(pd.MultiIndex.from_arrays([frame["unit_key"], frame["period_code"]]))
    mask = ok & pd.Series(at >= 0, index=frame.index)
    messages = pd.Series(table.to_numpy()[np.maximum(at, 0)], index=frame.index)
    problems.rows(frame.loc[mask, ["file", "row"]], column, messages)
    return mask


def facts_table(frame: pd.DataFrame, upload: Upload, given: list[str], labels: dict[str, str],
                value_label: pd.Series | None) -> pd.DataFrame:
    """The accepted rows as validation returns them (the careful path and the clean file's typed pass
    alike): keys, values, the plan's kind, the columns a warning names, the source, note, standing,
    file and row. `frame` holds the rows without errors, with their resolved columns."""
    name = upload.name
    label = lambda canon: labels.get(canon) or canon  # noqa: E731 - the column as written in the file
    out = pd.DataFrame({
        "indicator": frame["indicator_code"], "unit": frame["unit_key"], "period": frame["period_code"],
        **{c: frame[f"{c}_value"] if c in given else np.nan for c in VALUE_COLUMNS},
    })
    has_plan = out["plan"].notna()
    out["plan_kind"] = frame["plan_kind_code"].where(has_plan & frame["plan_kind_code"].ne(formulas.LEVEL), None)
    # the columns a warning on the figure names (kpi.importing.unusual.unusual_figures)
    out["_actual_column"] = value_label.loc[frame.index] if value_label is not None else label("actual")
    out["_plan_column"] = label("plan") if "plan" in labels else out["_actual_column"]
    # the source stored with each figure (data, not a message): its own, then where it was read, joined
    # by Arrow (a million rows in a fraction of a second)
    def texts(column: pd.Series) -> pa.Array:
        return pa.array(column, type=pa.string(), from_pandas=True)

    def joined(*parts) -> pa.Array:
        return pc.binary_join_element_wise(*parts, "")

    # where it was read, as the parts of one join (one pass over the rows, not one a part)
    parts = [name + " dòng ", pc.cast(pa.array(frame["row"].to_numpy()), pa.string())]
    if "_column" in frame:
        parts += [", cột ", texts(frame["_column"])]
    if upload.kind == "gso" and upload.title:
        parts = ["GSO: " + upload.title + " (", *parts, ")"]
    if "source" in frame:
        own_source = texts(frame["source"])
        empty = pc.equal(own_source, "")
        n_empty = int(pc.sum(empty).as_py() or 0)
        if n_empty == 0:  # every row has its own source (the usual file): one join
            where = joined(own_source, " (", *parts, ")")
        elif n_empty == len(own_source):
            where = joined(*parts)
        else:
            where = pc.if_else(empty, joined(*parts), joined(own_source, " (", *parts, ")"))
    else:
        where = joined(*parts)
    out["source"] = where.to_pandas().set_axis(out.index)
    out["note"] = frame["note"] if "note" in frame else ""
    out["estimate_status"] = frame["estimate_status_code"] if "estimate_status_code" in frame else None
    out["file"], out["row"] = name, frame["row"]
    return out.reset_index(drop=True)


