"""Merge validated rows into the newest snapshot, preview the changes, write a new snapshot.

The path is: read every file (kpi.importing.readers), check every row (kpi.importing.validate),
upsert the rows into the newest snapshot's facts on (indicator, unit, period), reading of it only the
facts the rows touch and those the warnings compare (`merge_rows`: an import costs in proportion to
its own rows, not to the history), and show what would change, with the warnings on unusual figures
(`prepare_import`, which never writes); only
`commit_import` writes, as a new snapshot through kpi.store.write_snapshot (atomic; no snapshot is
ever edited), and only once the warnings are confirmed. A write that fails (a full disk, a
read-only folder) ends in ImportFailed with a message, and nothing is written. Also the snapshot
history and the differences between two snapshots (computed once per pair), for the Dữ liệu page.
"""
from __future__ import annotations

import dataclasses
import errno
import functools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi import store
from kpi.access.users import EDITOR, User, local_user, require
from kpi.importing.messages import Issue, Phrase, Refused
from kpi.importing.readers import MAX_FILE_BYTES, MAX_UPLOAD_BYTES, VALUE_COLUMNS, read_upload, sha256_bytes
from kpi.importing.unusual import keys_compared, unusual_figures
from kpi.importing.validate import KEY, ImportReport, validate
from kpi.reports.spreadsheet import csv_bytes
from kpi.store import catalogue, deltas, snapshots
from kpi.store.indicators import load_indicators, with_bounds
from kpi.store.storage import StorageError
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.units.table import build_units

SUMMARY_KINDS = {"gso": "imp_kind_gso", "csv": "imp_kind_csv", "xlsx": "imp_kind_xlsx"}


DECIMAL_HOW = {"given": "imp_decimal_given", "inferred": "imp_decimal_inferred"}
# why a write failed, by errno: said in the user's language (else the system's own words)
WRITE_REASONS = {errno.ENOSPC: "imp_reason_disk_full", errno.EDQUOT: "imp_reason_quota",
                 errno.EACCES: "imp_reason_permission", errno.EPERM: "imp_reason_permission",
                 errno.EROFS: "imp_reason_read_only"}


class ImportFailed(Exception):
    """The import cannot go ahead; `issues` say why (the report's errors unless given)."""

    def __init__(self, report: ImportReport, issues: list[Issue] | None = None):
        self.report = report
        self.issues = issues if issues is not None else report.errors
        super().__init__("; ".join(i.text() for i in self.issues[:3]))


# what makes a figure different: its numbers and the kind of its plan (DESIGN 4.1)
COMPARED = [*VALUE_COLUMNS, "plan_kind"]


def diff_facts(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Figures added, removed and changed between two facts tables (old/new value per column)."""
    columns = KEY + COMPARED
    old, new = old.reindex(columns=columns), new.reindex(columns=columns)
    merged = old[columns].merge(new[columns], on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    changed = pd.Series(False, index=merged.index)
    for col in COMPARED:
        a, b = merged[f"{col}_old"], merged[f"{col}_new"]
        changed |= ~((a == b) | (a.isna() & b.isna()))
    merged["change"] = np.select([merged["_merge"].eq("left_only"), merged["_merge"].eq("right_only"),
                                  changed], ["removed", "added", "changed"], "")
    merged = merged[merged["change"] != ""].drop(columns="_merge")
    order = {"added": 0, "changed": 1, "removed": 2}
    merged = merged.sort_values(["change", "indicator", "period", "unit"],
                                key=lambda s: s.map(order) if s.name == "change" else s)
    return merged[["change"] + KEY + [f"{c}_{w}" for c in COMPARED for w in ("old", "new")]].reset_index(drop=True)


def upsert(parent: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Parent facts with `rows` added or replaced on (indicator, unit, period).

    An empty cell keeps the parent's figure, so a file of actuals does not erase the plans. The
    actual, numerator and denominator describe one measurement and are replaced together when the
    row gives any of them; the plan is replaced when the row gives it. Unchanged rows keep the
    parent's row and source; a plan's kind and upper value go with the plan. Returns (new facts,
    counts, changes as in diff_facts).
    """
    rows = rows.reindex(columns=KEY + COMPARED + ["source", "note", "estimate_status"])
    merged = rows.merge(parent[store.FACT_COLUMNS], on=KEY, how="left", suffixes=("", "_old"), indicator=True)
    existing = merged["_merge"].eq("both")
    measured = merged[["actual", "numerator", "denominator"]].notna().any(axis=1)
    no_plan = merged["plan"].isna()
    keep_old = {"actual": ~measured, "numerator": ~measured, "denominator": ~measured, "plan": no_plan,
                "plan_kind": no_plan, "plan_high": no_plan, "estimate_status": ~measured}
    for col, keep in keep_old.items():
        merged[col] = merged[col].where(~(keep & existing), merged[f"{col}_old"])
    same = existing.copy()
    for col in COMPARED:
        a, b = merged[col], merged[f"{col}_old"]
        same &= (a == b) | (a.isna() & b.isna())
    # the same figure now official (was ước): a change of the row, though not of a number
    status, status_old = merged["estimate_status"], merged["estimate_status_old"]
    same &= status.isna() | (status == status_old)
    replaced = merged[~same][store.FACT_COLUMNS]
    if len(parent):
        kept = parent[~pd.MultiIndex.from_frame(parent[KEY]).isin(pd.MultiIndex.from_frame(replaced[KEY]))]
        new = pd.concat([kept[store.FACT_COLUMNS], replaced], ignore_index=True)
    else:  # into an empty folder: the rows are all of it
        new = replaced.reset_index(drop=True)
    counts = {"added": int((~existing).sum()), "changed": int((existing & ~same).sum()),
              "unchanged": int(same.sum()), "facts_before": len(parent), "facts_after": len(new)}
    changes = merged[~same].rename(columns={c: f"{c}_new" for c in COMPARED})
    changes.insert(0, "change", np.where(existing[~same], "changed", "added"))
    changes = changes[["change"] + KEY + [f"{c}_{w}" for c in COMPARED for w in ("old", "new")]]
    return new, counts, changes.reset_index(drop=True)


def _empty_facts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in VALUE_COLUMNS else "object")
                         for c in store.FACT_COLUMNS})


def facts_touched(parent: store.Snapshot, rows: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """What an import reads of its parent: the facts at the keys its rows touch and those the
    warnings compare (kpi.importing.unusual.keys_compared), with DuckDB over the parent's Parquet
    files (base and deltas, kpi.store.deltas), and the count of every fact it holds, not read: its
    manifest's (counted as it was written, as this import's will be), else counted over the files."""
    paths = [str(path) for path in snapshots.facts_paths(parent)]
    keys = pa.Table.from_pandas(keys_compared(rows).astype("string"), preserve_index=False)
    held = deltas.facts_at(paths, keys).to_pandas().reindex(columns=store.FACT_COLUMNS)
    counted = (parent.manifest.get("counts") or {}).get("facts")
    return held, int(counted) if counted is not None else deltas.count_facts(paths)


def _whole(parent: store.Snapshot, rows: pd.DataFrame) -> pd.DataFrame:
    return upsert(store.read_table(parent, "facts"), rows)[0]


def merge_rows(parent: store.Snapshot | None, rows: pd.DataFrame
               ) -> tuple[pd.DataFrame, dict, pd.DataFrame, Callable[[], pd.DataFrame] | None]:
    """Upsert the validated rows on the parent reading only what they touch (facts_touched): the new
    snapshot's facts at those keys (its added or replaced rows last), the counts (facts_before and
    facts_after of the whole snapshot, counted), the changes, and a function that builds the whole
    new facts (None when there is no parent: the rows are all of it). Exactly what upsert() over
    the parent's whole facts gives, restricted to those keys (tests/test_import_touched.py)."""
    held, before = facts_touched(parent, rows) if parent is not None else (_empty_facts(), 0)
    touched, counts, changes = upsert(held, rows)
    counts.update(facts_before=before, facts_after=before + counts["added"])
    return touched, counts, changes, (functools.partial(_whole, parent, rows) if parent is not None else None)


def prepare_import(files: list[tuple[str, bytes]], *, indicator: str | None = None, decimal: str | None = None,
                   data_dir=None, max_bytes: int = MAX_UPLOAD_BYTES, column_group: str | None = None) -> ImportReport:
    """Read, validate and merge into the newest snapshot; never writes. Check `report.ok` (no
    error) and `report.warnings` (to be confirmed). `decimal`: ',' or '.' for every file, else
    each file's decimal mark is inferred from its cells."""
    report = ImportReport()
    try:
        parent, _passed_over = store.import_base(data_dir)  # the head: the newest intact snapshot not rejected
    except StorageError as exc:  # the newest snapshot cannot be read right now (S3 down): nothing to build on
        report.files = [{"file": name, "sha256": sha256_bytes(data), "bytes": len(data)} for name, data in files]
        report.issues.append(Issue(", ".join(name for name, _data in files), None, None, "imp_base_unavailable",
                                   {"reason": str(exc)}))
        return report
    report.parent = parent
    units = store.read_table(parent, "units") if parent else build_units()
    catalogue = with_bounds(store.read_table(parent, "indicators")) if parent else load_indicators()
    uploads = []
    for name, data in files:
        report.files.append({"file": name, "sha256": sha256_bytes(data), "bytes": len(data)})
        try:
            upload = read_upload(data, name, max_bytes, report.files[-1]["sha256"], column_group)
        except Refused as exc:
            report.issues.append(Issue(name, exc.row, None, exc.phrase.key, exc.phrase.params))
            if exc.choices:  # a column group the table lacks: the groups it has, to choose from
                report.files[-1]["column_groups"] = list(exc.choices)
            continue
        report.files[-1]["kind"] = upload.kind
        if upload.column_groups:  # a GSO table with column groups: which was read, of which
            report.files[-1]["column_group"] = upload.column_group
            report.files[-1]["column_groups"] = list(upload.column_groups)
        uploads.append(upload)
    if report.errors:
        return report
    facts = validate(uploads, units, catalogue, indicator, report, decimal)
    for entry, upload in zip([e for e in report.files if "kind" in e], uploads):
        entry["decimal"], entry["decimal_how"] = upload.decimal, upload.decimal_how
    if facts is None:
        return report
    for entry in report.files:
        entry["facts"] = int((facts["file"] == entry["file"]).sum())
        if indicator:
            entry["indicator"] = facts["indicator"].iloc[0] if entry["kind"] == "gso" else None
    report.facts = facts
    touched, counts, changes, whole = merge_rows(parent, facts)
    report.merged(touched, counts, changes, whole)
    report.units, report.catalogue = units, catalogue
    unusual_figures(facts, touched, catalogue, report.issues)
    return report


def _files(report: ImportReport) -> str:
    return ", ".join(f["file"] for f in report.files)


def write_failure(exc: Exception, data_dir=None) -> Issue:
    """Why the new snapshot could not be written, with the folder (an issue of the whole import; a
    system error said in the user's language where its errno is known)."""
    params = {"folder": str(store.snapshots_dir(data_dir))}
    if isinstance(exc, OSError) and exc.errno in WRITE_REASONS:
        return Issue("", None, None, "imp_write_failed", dict(params, reason=Phrase(WRITE_REASONS[exc.errno])))
    if isinstance(exc, OSError):
        return Issue("", None, None, "imp_write_failed", dict(params, reason=exc.strerror or str(exc)))
    return Issue("", None, None, "imp_write_failed", dict(params, reason=Phrase("imp_reason_verify")))


MAX_ATTEMPTS = 50  # commits lost to a writer that takes no lock (the demo, a script) before giving up


def commit_import(report: ImportReport, *, note: str = "", created_by: str = "python -m kpi import",
                  data_dir=None, accept_warnings: bool = False, user: User | None = None,
                  pending: bool = False) -> store.Snapshot:
    """Write the prepared import as a new snapshot and register it in the catalogue.

    `user` (default: the command line's local user) must be an editor for every unit the rows
    touch (PermissionDenied otherwise, before anything is written). In local mode the import is
    approved as it commits unless `pending`; a signed-in user's import is always pending (nobody
    approves their own import).

    The folder is written first, then the catalogue row in one transaction that checks the parent
    is still the head. When another import landed in between, this one is re-applied on the new
    head (its validated rows upserted on top of the head's facts, `report` updated, a notice
    added) and written again: a successful import is never lost. Refused (ImportFailed) with
    errors, with warnings not accepted, when the rows are not valid on the new head, and when the
    write itself fails (OSError: a full disk, a read-only folder; a snapshot that does not verify):
    then nothing is written."""
    if not report.ok or report.touched is None:
        raise ImportFailed(report)
    if report.warnings and not accept_warnings:
        raise ImportFailed(report, [Issue(_files(report), None, None, "imp_warnings_unconfirmed",
                                          {"n": len(report.warnings)})])
    user = user or local_user()
    units = sorted(set(report.facts["unit"].unique().tolist())) if report.facts is not None else []  # distinct first
    require(user, EDITOR, units, report.units)
    approve = user.local and not pending
    try:
        with catalogue.writer_lock(data_dir):
            for _attempt in range(MAX_ATTEMPTS):
                parent_id = report.parent.id if report.parent else None
                base, passed_over = store.import_base(data_dir)
                if (base.id if base else None) != parent_id:
                    _reapply(report, base, data_dir, accept_warnings)
                    if not (report.counts.get("added") or report.counts.get("changed")):
                        return base  # its rows are there already
                    continue
                sources = [dict(entry, **{"counts": report.counts}) for entry in report.files]
                snapshot = store.write_folder(
                    lambda: report.new_facts, report.units, report.catalogue, created_by=created_by, note=note,
                    parent=parent_id, sources=sources, demo=bool(report.parent and report.parent.is_demo),
                    data_dir=data_dir, delta=upserted_rows(report),
                    parent_manifest=report.parent.manifest if report.parent else None,
                    facts_rows=report.counts["facts_after"])
                done = store.commit_folder(snapshot, user=user, units=units, approve=approve,
                                           what=f"{_files(report)}: {note}".strip(": "), passed_over=passed_over,
                                           data_dir=data_dir)
                if done.ok:
                    return dataclasses.replace(snapshot, state=done.state)
    except catalogue.CatalogueError as exc:  # the catalogue cannot be used: its own words
        raise ImportFailed(report, [Issue("", None, None, "imp_write_failed", {
            "folder": str(store.snapshots_dir(data_dir)), "reason": str(exc)})]) from exc
    except (OSError, store.SnapshotError, *catalogue.DB_ERRORS) as exc:
        raise ImportFailed(report, [write_failure(exc, data_dir)]) from exc
    raise ImportFailed(report, [Issue(_files(report), None, None, "imp_commit_busy", {})])


def upserted_rows(report: ImportReport) -> pd.DataFrame:
    """The rows the import adds or replaces, as the new snapshot holds them: its delta on the parent
    (kpi.store.deltas). upsert() puts them last in the new facts it holds (`report.touched`), one
    per change."""
    n, touched = len(report.changes), report.touched
    return touched.iloc[len(touched) - n:].reset_index(drop=True)


def _reapply(report: ImportReport, head: store.Snapshot | None, data_dir, accept_warnings: bool) -> None:
    """Upsert the import's validated rows on top of the new head's facts (the head's units and
    catalogue carried on), or refuse (ImportFailed) when they are not valid there."""
    head_id = head.id if head else None
    units = store.read_table(head, "units") if head else build_units()
    catalogue_ = with_bounds(store.read_table(head, "indicators")) if head else load_indicators()
    rows = report.facts
    unknown = sorted(set(rows["unit"]) - set(units["unit"])) + sorted(set(rows["indicator"]) - set(catalogue_["code"]))
    where = head_id or "–"
    if unknown:
        raise ImportFailed(report, [Issue(_files(report), None, None, "imp_reapply_refused", {
            "snapshot": where, "reason": Phrase("imp_reapply_unknown", {"what": unknown[:5]})})])
    touched, counts, changes, whole = merge_rows(head, rows)
    issues: list[Issue] = []
    unusual_figures(rows, touched, catalogue_, issues)
    known = {i.text() for i in report.warnings}
    fresh = [i for i in issues if i.severity == "warning" and i.text() not in known]
    if fresh and not accept_warnings:
        raise ImportFailed(report, [Issue(_files(report), None, None, "imp_reapply_refused", {
            "snapshot": where, "reason": Phrase("imp_reapply_warnings", {"n": len(fresh)})}), *fresh])
    report.issues = [i for i in report.issues if i.key != "imp_reapplied"] + fresh + [
        Issue("", None, None, "imp_reapplied", {"snapshot": where}, severity="notice")]
    report.parent = head
    report.merged(touched, counts, changes, whole)
    report.units, report.catalogue = units, catalogue_


def import_file(path: str | Path, *, indicator: str | None = None, decimal: str | None = None, note: str = "",
                dry_run: bool = False, accept_warnings: bool = False, data_dir=None,
                max_bytes: int = MAX_FILE_BYTES, column_group: str | None = None, user: User | None = None,
                pending: bool = False) -> tuple[ImportReport, store.Snapshot | None]:
    """The command line's import: prepare, then commit unless dry_run, an error, warnings not
    accepted or nothing changed (as `user`, default the local user; `pending`: not approved as it
    commits). Raises ImportFailed when the write itself fails, PermissionDenied without the role."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            report = ImportReport(files=[{"file": path.name, "bytes": size}])
            report.issues.append(Issue(path.name, None, None, "imp_too_large",
                                       {"size": round(size / 2**20), "limit": round(max_bytes / 2**20)}))
            return report, None
        data = path.read_bytes()
    except OSError as exc:
        report = ImportReport(files=[{"file": path.name}])
        report.issues.append(Issue(path.name, None, None, "imp_cannot_open", {"detail": exc.strerror or str(exc)}))
        return report, None
    report = prepare_import([(path.name, data)], indicator=indicator, decimal=decimal, data_dir=data_dir,
                            max_bytes=max_bytes, column_group=column_group)
    if not report.ok or dry_run or (report.warnings and not accept_warnings) \
            or not (report.counts.get("added") or report.counts.get("changed")):
        return report, None
    return report, commit_import(report, note=note, data_dir=data_dir, accept_warnings=accept_warnings, user=user,
                                 pending=pending)


def summary_lines(report: ImportReport, lang: str = "vi") -> list[str]:
    """The import summary: one line per file, then the counts (command line and page)."""
    lines = []
    for entry in report.files:
        kind = t(SUMMARY_KINDS[entry["kind"]], lang) if entry.get("kind") in SUMMARY_KINDS else ""
        if kind and "facts" in entry:
            lines.append(t("imp_summary_file_facts", lang, file=entry["file"], kind=kind,
                           facts=fmt.number(entry["facts"], 0, lang)))
        elif kind:
            lines.append(t("imp_summary_file_kind", lang, file=entry["file"], kind=kind))
        else:
            lines.append(t("imp_summary_file", lang, file=entry["file"]))
        if entry.get("decimal"):
            lines.append(t("imp_summary_decimal", lang, file=entry["file"], mark=entry["decimal"],
                           how=t(DECIMAL_HOW[entry["decimal_how"]], lang)))
        elif "decimal_how" in entry:
            lines.append(t("imp_summary_no_decimal", lang, file=entry["file"]))
    if report.counts:
        lines.append(t("imp_summary_counts", lang, **{k: fmt.number(v, 0, lang) for k, v in report.counts.items()}))
    return lines


def snapshot_history(data_dir=None) -> pd.DataFrame:
    """Every snapshot, newest first: id, time, note, source files, counts, parent, `state` (pending,
    approved, rejected), `author` (who committed it), `decided_by`, `comment` (of the approval or
    rejection), and `damage` (kpi.store.Damage, None when its files match its manifest: a damaged one
    can be neither viewed nor compared)."""
    entries = {e.id: e for e in store.catalogue_entries(data_dir)}
    rows = []
    for snap in store.list_snapshots(data_dir):
        manifest = snap.manifest
        entry = entries.get(snap.id)
        files = [s.get("file", "") for s in manifest.get("sources", []) if isinstance(s, dict)]
        rows.append({"id": snap.id, "created": snap.created.replace("T", " ")[:16], "note": manifest.get("note", ""),
                     "created_by": manifest.get("created_by", ""), "sources": ", ".join(f for f in files if f),
                     "facts": manifest.get("counts", {}).get("facts"), "parent": manifest.get("parent") or "",
                     "demo": bool(manifest.get("demo")), "state": snap.state,
                     "author": entry.author_name if entry else "", "decided_by": (entry.decided_by or "") if entry else "",
                     "comment": (entry.comment or "") if entry else "", "damage": store.damage(snap)})
    return pd.DataFrame(rows, columns=["id", "created", "note", "created_by", "sources", "facts", "parent", "demo",
                                       "state", "author", "decided_by", "comment", "damage"])


def pending_snapshots(data_dir=None) -> list[store.Snapshot]:
    """The snapshots waiting for approval, newest first (intact ones), for editors and approvers."""
    return store.intact_and_damaged(data_dir, (catalogue.PENDING,))[0]


def diff_snapshots(old_id: str, new_id: str, data_dir=None) -> pd.DataFrame:
    """The differences between two snapshots (computed once per pair: treat it as read-only)."""
    return diff_of(store.get_snapshot(old_id, data_dir), store.get_snapshot(new_id, data_dir))


@functools.lru_cache(maxsize=8)
def diff_of(old: store.Snapshot, new: store.Snapshot) -> pd.DataFrame:
    """diff_facts of two snapshots, once per pair and process (snapshots are immutable and hashable
    by id and path): a rerun of the Dữ liệu page does not read 2 × 500k facts again."""
    return diff_facts(store.read_table(old, "facts"), store.read_table(new, "facts"))


def diff_counts(diff: pd.DataFrame) -> dict:
    counts = diff["change"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("added", "changed", "removed")}


def diff_csv(diff: pd.DataFrame) -> bytes:
    """The differences as CSV for Excel, made safe by the one spreadsheet writer."""
    return csv_bytes(diff)
