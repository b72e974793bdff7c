"""Resolve and check every row of the uploads at once, with pandas (DESIGN sections 2, 4.2 and 7).

Units are resolved by the date of the period each row reports (kpi.units.resolve), periods are
read by kpi.periods, indicators by code or name, numbers by kpi.importing.numbers with one decimal
mark per file. Each distinct text is resolved once, so a million rows with a few hundred units
cost a few hundred look-ups. Every problem becomes an Issue naming the file, the row and the
column. Three levels:

- errors block the import: a cell that is not a number or fits no decimal reading, a figure
  outside the plausible bounds of its indicator (the catalogue's min_value, max_value, parts_max),
  a fraction or a % sign in a count, a formula without a computed value...;
- warnings (`kpi.importing.unusual.unusual_figures`) are possible but unusual figures (more than double the same period
  last year, a plan more than 5 times or less than a fifth of the actual); the import is written
  only once the user confirms them;
- notices (aggregates skipped or kept as published, empty cells, a hidden sheet) only inform.

A GSO table's rows for the whole country and the six regions are kept as those units' published
figures (DESIGN section 4, issue 10); in other files they are skipped, since an aggregate is
computed from its provinces.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import formulas, store
from kpi.importing.bounds import by_code, by_codes, check_values, each_distinct
from kpi.importing.messages import Issue, Phrase, field_name
from kpi.importing.numbers import cell_forms, infer_decimal, missing_mask, read_numbers
from kpi.importing.readers import CANONICAL, MEASURE_COLUMNS, VALUE_COLUMNS, Upload
from kpi.importing.targets import check_target_values, read_targets
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


@dataclass
class ImportReport:
    files: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    facts: pd.DataFrame | None = None        # the validated rows to upsert
    parent: store.Snapshot | None = None
    # the new snapshot's facts at the keys the import reads of its parent (its rows' own and their
    # units' same periods a year before and after: kpi.importing.unusual.keys_compared), not the whole
    # history; its rows added or replaced come last, one per row of `changes`
    touched: pd.DataFrame | None = None
    changes: pd.DataFrame | None = None      # diff of the parent and new facts (added/changed rows)
    counts: dict = field(default_factory=dict)
    units: pd.DataFrame | None = None        # units and catalogue the new snapshot carries (the parent's)
    catalogue: pd.DataFrame | None = None
    whole: Callable[[], pd.DataFrame] | None = field(default=None, repr=False)  # builds new_facts (None: touched)
    _new_facts: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def new_facts(self) -> pd.DataFrame | None:
        """The parent's facts with the rows upserted: the whole new history, built on first use (only a
        compacting commit writes it; nothing else in an import needs it). None before a merge."""
        if self.touched is None:
            return None
        if self._new_facts is None:
            self._new_facts = self.whole() if self.whole is not None else self.touched
        return self._new_facts

    def merged(self, touched: pd.DataFrame, counts: dict, changes: pd.DataFrame,
               whole: Callable[[], pd.DataFrame] | None) -> None:
        """Set the result of a merge (a new one replaces an earlier one: its whole facts built anew)."""
        self.touched, self.counts, self.changes, self.whole, self._new_facts = touched, counts, changes, whole, None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Possible but unusual figures: the import is written only once the user confirms them."""
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def notices(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "notice"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def issues_frame(self, lang: str = "vi") -> pd.DataFrame:
        return pd.DataFrame([{"file": i.file, "row": i.row, "column": i.column or "", "severity": i.severity,
                              "message": i.message(lang)} for i in self.issues],
                            columns=["file", "row", "column", "severity", "message"]).astype({"row": "Int64"})


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


def validate(uploads: list[Upload], units: pd.DataFrame, catalogue: pd.DataFrame, indicator: str | None,
             report: ImportReport, decimal: str | None = None) -> pd.DataFrame | None:
    """Resolve and check every row of every upload. Returns the facts to upsert, or None on errors.

    `catalogue` carries the bound columns (kpi.store.indicators.with_bounds); `decimal` (',' or '.')
    is the decimal mark of every file, else each file's own is inferred from its cells."""
    problems = Problems(report.issues)
    fixed_indicator = None
    if indicator:
        fixed_indicator, message = resolve_indicator(indicator, catalogue)
        if message:
            problems.whole_file(", ".join(u.name for u in uploads), Phrase("imp_option_indicator",
                                                                           {"detail": message}))
            return None
    frames = []
    for upload in uploads:
        frame = _validate_upload(upload, units, catalogue, fixed_indicator, problems, report, decimal)
        if frame is not None:
            frames.append(frame)
    if not frames:
        return None
    facts = pd.concat(frames, ignore_index=True)
    repeated = facts.duplicated(KEY, keep="first")
    if repeated.any():
        first = facts[~repeated].set_index(KEY)[["file", "row"]]
        later = facts[repeated]
        at = first.index.get_indexer(pd.MultiIndex.from_frame(later[KEY]))
        problems.rows(later[["file", "row"]], None, Phrase("imp_duplicate", {
            "file": pd.Series(first["file"].to_numpy()[at], index=later.index),
            "row": pd.Series(first["row"].to_numpy()[at], index=later.index).astype(str),
            "indicator": later["indicator"], "unit": later["unit"], "period": later["period"]}))
    return None if report.errors else facts


def _validate_upload(upload: Upload, units: pd.DataFrame, catalogue: pd.DataFrame, fixed_indicator: str | None,
                     problems: Problems, report: ImportReport, decimal: str | None) -> pd.DataFrame | None:
    name, frame, labels = upload.name, upload.frame, upload.labels
    label = lambda canon: labels.get(canon) or canon  # noqa: E731 - the column as written in the file
    value_label = (frame["_column"] if "_column" in frame else None)
    errors_before = len(report.errors)
    for phrase in upload.notices:  # a hidden sheet that was not read
        problems.whole_file(name, phrase, "notice")
    if upload.pending:  # formulas without a computed value: never read as empty
        pending = pd.DataFrame(upload.pending, columns=["row", "column", "cell"]).assign(file=name)
        problems.rows(pending, pending["column"], Phrase("imp_formula_no_value", {"cell": pending["cell"]}))
    missing_columns = [field_name(c) for c in ("unit", "period") if c not in labels]
    if "indicator" not in labels and not fixed_indicator:
        missing_columns.append(field_name("indicator") if upload.kind != "gso"
                               else Phrase("imp_missing_gso_indicator"))
    if missing_columns:
        problems.whole_file(name, Phrase("imp_missing_columns", {"columns": missing_columns}))
    if not any(c in labels for c in MEASURE_COLUMNS):
        problems.whole_file(name, Phrase("imp_missing_values", {"columns": [field_name(c) for c in MEASURE_COLUMNS]}))
    if len(report.errors) > errors_before:
        return None
    given = [c for c in VALUE_COLUMNS if c in labels]

    # rows with nothing at all are blank lines, not figures
    present = [c for c in CANONICAL if c in frame]
    blank = np.logical_and.reduce([missing_mask(frame[c]) if c in VALUE_COLUMNS else frame[c].eq("")
                                   for c in present])
    if upload.kind == "gso":  # a province-by-year cell without a figure is missing, not an error
        empty_cells = missing_mask(frame["actual"]) & frame["unit"].ne("")
        if empty_cells.any():
            problems.whole_file(name, Phrase("imp_gso_empty_cells", {"cells": int(empty_cells.sum())}), "notice")
        blank = missing_mask(frame["actual"])
    frame = frame[~blank].copy()
    if frame.empty:
        problems.whole_file(name, Phrase("imp_no_rows"))
        return None

    if fixed_indicator:
        if "indicator" in frame:
            frame["indicator"] = frame["indicator"].where(frame["indicator"] != "", fixed_indicator)
        else:
            frame["indicator"] = fixed_indicator
    bad = pd.Series(False, index=frame.index)
    for canon in ("unit", "period", "indicator"):
        empty = frame[canon].eq("")
        problems.rows(frame.loc[empty, ["file", "row"]], label(canon), Phrase("imp_required_empty"))
        bad |= empty

    # indicators: each distinct text resolved once
    lookup = _indicator_lookup(catalogue)
    indicator = _per_distinct(frame["indicator"], lambda text: resolve_indicator(text, catalogue, lookup), 2)
    unknown = ~bad & indicator[1].notna()
    problems.rows(frame.loc[unknown, ["file", "row"]], label("indicator"), indicator[1])
    frame["indicator_code"] = indicator[0]
    bad |= unknown
    if upload.kind == "gso" and upload.table_unit:  # a table's figures are kept as published, never converted
        measured = by_code(frame["indicator_code"], catalogue.set_index("code")["unit_of_measure"]).dropna()
        other = measured[measured != upload.table_unit]
        if not other.empty:
            problems.whole_file(name, Phrase("imp_gso_unit_mismatch", {
                "stated": upload.table_unit, "indicator": frame.loc[other.index[0], "indicator_code"],
                "unit": other.iloc[0]}))
            return None

    # periods: each distinct text parsed once
    period = _per_distinct(frame["period"], lambda text: _period_parts(text) if text else (None, None, None), 3)
    period_error = ~bad & period[2].notna()
    period_label = value_label if (value_label is not None and upload.kind == "gso") else label("period")
    problems.rows(frame.loc[period_error, ["file", "row"]], period_label, period[2])
    bad |= period_error
    frame["period_code"], frame["generation"] = period[0], period[1]

    # units: each distinct text resolved once per generation (63 or 34 provinces at the period's date)
    levels = units.set_index("unit")["level"].to_dict()
    names = units.set_index("unit")["name_vi"].to_dict()
    unit_key = _UnitKeys(frame)
    # a unit written as its own key (machine-made files, every commune) is that unit whatever the period
    # (as resolve_unit says; its dates are checked below): found at once, vectorised; only the other
    # texts, and the keys of regions and the nation (aggregates, with their message), one by one
    written = frame["unit"].str.strip()
    direct = ~bad & written.isin(units.loc[~units["level"].isin(["nation", "region"]), "unit"])
    resolved = unit_key.spread(~bad & ~direct, lambda key: _unit_status_of_key(
        key, units, levels, names) if key else ("", None, None), 3, first_of=lambda key: key.rsplit("|", 1)[0])
    kinds, frame["unit_key"], unit_messages = resolved
    kinds = kinds.where(~direct, "ok")
    frame["unit_key"] = frame["unit_key"].where(~direct, written)
    errors = ~bad & kinds.eq("error")
    if errors.any():  # the message names the period: say it for each row's own period
        own = _per_distinct(unit_key.texts()[errors], lambda key: _unit_status_of_key(key, units, levels, names), 3)
        unit_messages = unit_messages.astype(object)
        unit_messages[errors] = own[2].astype(object)
    problems.rows(frame.loc[errors, ["file", "row"]], label("unit"), unit_messages)
    bad |= errors
    # a GSO table's whole-country and regional rows are those units' published figures; elsewhere skipped
    aggregate = ~bad & kinds.eq("aggregate")
    published = aggregate & frame["unit_key"].notna() & (upload.kind == "gso")
    for key, mask in (("imp_kept_published", published), ("imp_skipped_aggregate", aggregate & ~published)):
        for _, rows in frame[mask].groupby("unit", sort=False):
            lines = rows["row"].unique()
            shown = ", ".join(map(str, lines[:5])) + ("..." if len(lines) > 5 else "")
            problems.whole_file(name, Phrase(key, {"unit": unit_messages[rows.index[0]], "rows": shown,
                                                   "figures": len(rows)}), "notice", label("unit"))
    skipped = aggregate & ~published
    frame, bad, kinds = frame[~skipped], bad[~skipped], kinds[~skipped]
    bad |= _check_unit_dates(frame, bad, units, problems, label("unit"))
    bad |= _read_estimate_status(frame, bad, label, problems)

    # targets: the plan's kind from its column or the words of the plan cell (DESIGN 4.1)
    bad, given = read_targets(frame, bad, labels, given, label, problems)
    target_change = frame["plan_kind_code"].isin(formulas.RELATIVE_KINDS)  # a plan that is a change, not a level

    # numbers: one decimal mark for the whole file, counts and money alike (DESIGN section 4.2)
    meta = catalogue.set_index("code")
    forms = {}
    for canon in given:
        typed_column = f"_{canon}_typed"
        typed = frame[typed_column].astype(bool) if canon in upload.typed and typed_column in frame else None
        forms[canon] = cell_forms(frame[canon], typed)
    if decimal:
        mark, upload.decimal_how = decimal, "given"
    else:
        mark, _counts = infer_decimal(list(forms.values()))
        upload.decimal_how = "inferred" if mark else ""
    upload.decimal = mark
    spread = by_codes(frame["indicator_code"], meta, ["unit_of_measure", "whole_number"])
    unit_of = spread["unit_of_measure"]
    is_rate = unit_of.eq("%")
    whole = spread["whole_number"].fillna(False).astype(bool)
    for canon in given:
        numbers = read_numbers(forms[canon], mark)
        column = value_label.loc[frame.index] if (value_label is not None and canon == "actual") else label(canon)
        cells = _quoted(frame[canon])
        where = lambda mask: frame.loc[mask, ["file", "row"]]  # noqa: E731
        problems.rows(where(numbers.bad), column, Phrase("imp_not_a_number", {"cell": cells}))
        problems.rows(where(numbers.ambiguous), column, Phrase("imp_ambiguous_separator", {"cell": cells}))
        conflict_key = "imp_decimal_conflict_given" if decimal else "imp_decimal_conflict"
        problems.rows(where(numbers.conflict), column, Phrase(conflict_key, {"cell": cells, "mark": mark or ""}))
        wrong = numbers.wrong
        part = canon in ("numerator", "denominator")
        change = target_change if canon in ("plan", "plan_high") else False
        in_count = numbers.percent & ~wrong & (~is_rate | part) & ~change
        problems.rows(where(in_count), column, Phrase("imp_percent_in_part" if part else "imp_percent_not_rate",
                                                      {"cell": cells, "unit": unit_of}))
        wrong |= in_count
        if canon in ("actual", "plan", "plan_high"):
            values = numbers.values
            counted = whole & ~change
            fraction = ~wrong & counted & values.notna() & (values != np.floor(values))
            read_as_decimal = ~wrong & counted & numbers.read_as_decimal & ~fraction
            problems.rows(where(fraction & ~numbers.read_as_decimal), column,
                          Phrase("imp_not_whole", {"cell": cells, "unit": unit_of}))
            problems.rows(where((fraction & numbers.read_as_decimal) | read_as_decimal), column,
                          Phrase("imp_not_whole_mark", {"cell": cells, "unit": unit_of, "mark": mark or ""}))
            wrong |= fraction | read_as_decimal
        bad |= wrong
        frame[f"{canon}_value"] = numbers.values.where(~wrong)
        frame[f"{canon}_cell"] = cells
    bad |= check_values(frame, bad, catalogue, given, label, value_label, problems)
    bad |= check_target_values(frame, bad, given, label, problems)
    frame = frame[~bad]  # the rows without errors still take part in the duplicate check
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
