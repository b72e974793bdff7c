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

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi import formulas, store
from kpi.importing.bounds import by_code, by_codes, check_values
from kpi.importing.clean import clean_facts
from kpi.importing.messages import Issue, Phrase, field_name
from kpi.importing.numbers import cell_forms, infer_decimal, missing_mask, read_numbers
from kpi.importing.readers import CANONICAL, MEASURE_COLUMNS, VALUE_COLUMNS, Upload
from kpi.importing.rows import (  # noqa: F401 - KEY, Problems, resolve_indicator... are imported from here too
    ESTIMATE_CHOICES,
    ESTIMATE_STATUSES,
    KEY,
    MAX_ISSUES_PER_KIND,
    REGION_NAME_KEYS,
    Problems,
    _check_unit_dates,
    _indicator_lookup,
    _per_distinct,
    _period_parts,
    _quoted,
    _read_estimate_status,
    _unit_status,
    _unit_status_of_key,
    _UnitKeys,
    facts_table,
    resolve_indicator,
)
from kpi.importing.targets import check_target_values, read_targets


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


def validate(uploads: list[Upload], units: pd.DataFrame, catalogue: pd.DataFrame, indicator: str | None,
             report: ImportReport, decimal: str | None = None, typed_pass: bool = True) -> pd.DataFrame | None:
    """Resolve and check every row of every upload. Returns the facts to upsert, or None on errors.

    `catalogue` carries the bound columns (kpi.store.indicators.with_bounds); `decimal` (',' or '.')
    is the decimal mark of every file, else each file's own is inferred from its cells. A file in which
    no cell has a problem is read by one typed pass (kpi.importing.clean, `typed_pass`), any other by
    the careful path, which names each problem's file, row and column."""
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
        frame = _validate_upload(upload, units, catalogue, fixed_indicator, problems, report, decimal, typed_pass)
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
                     problems: Problems, report: ImportReport, decimal: str | None, typed_pass: bool = True
                     ) -> pd.DataFrame | None:
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
    if typed_pass and not fixed_indicator:  # a file with no problem: one typed pass, no message
        facts = clean_facts(upload, units, catalogue, given, decimal)
        if facts is not None:
            return facts

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
    return facts_table(frame, upload, given, labels, value_label)
