"""Merge validated rows into the newest snapshot, preview the changes, write a new snapshot.

The path is: read every file (kpi.importing.readers), check every row (kpi.importing.validate),
upsert the rows into the newest snapshot's facts on (indicator, unit, period) and show what would
change (`prepare_import`, which never writes); only `commit_import` writes, as a new snapshot
through kpi.store.write_snapshot (atomic; no snapshot is ever edited). Also the snapshot history
and the differences between two snapshots, for the Dữ liệu page.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpi import store
from kpi.importing.messages import Issue
from kpi.importing.readers import MAX_FILE_BYTES, MAX_UPLOAD_BYTES, VALUE_COLUMNS, Refused, read_upload, sha256_bytes
from kpi.importing.validate import KEY, ImportReport, validate
from kpi.reports.spreadsheet import csv_bytes
from kpi.store.indicators import load_indicators
from kpi.text import fmt
from kpi.text.i18n import t
from kpi.units.table import build_units

SUMMARY_KINDS = {"gso": "imp_kind_gso", "csv": "imp_kind_csv", "xlsx": "imp_kind_xlsx"}


class ImportFailed(Exception):
    """The import cannot go ahead; `report` lists the problems per file, row and column."""

    def __init__(self, report: ImportReport):
        super().__init__("; ".join(i.text() for i in report.errors[:3]))
        self.report = report


def diff_facts(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Figures added, removed and changed between two facts tables (old/new value per column)."""
    columns = KEY + VALUE_COLUMNS
    merged = old[columns].merge(new[columns], on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    changed = pd.Series(False, index=merged.index)
    for col in VALUE_COLUMNS:
        a, b = merged[f"{col}_old"], merged[f"{col}_new"]
        changed |= ~((a == b) | (a.isna() & b.isna()))
    merged["change"] = np.select([merged["_merge"].eq("left_only"), merged["_merge"].eq("right_only"),
                                  changed], ["removed", "added", "changed"], "")
    merged = merged[merged["change"] != ""].drop(columns="_merge")
    order = {"added": 0, "changed": 1, "removed": 2}
    merged = merged.sort_values(["change", "indicator", "period", "unit"],
                                key=lambda s: s.map(order) if s.name == "change" else s)
    return merged[["change"] + KEY + [f"{c}_{w}" for c in VALUE_COLUMNS for w in ("old", "new")]].reset_index(drop=True)


def upsert(parent: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Parent facts with `rows` added or replaced on (indicator, unit, period).

    An empty cell keeps the parent's figure, so a file of actuals does not erase the plans. The
    actual, numerator and denominator describe one measurement and are replaced together when the
    row gives any of them; the plan is replaced when the row gives it. Unchanged rows keep the
    parent's row and source. Returns (new facts, counts, changes as in diff_facts).
    """
    rows = rows[KEY + VALUE_COLUMNS + ["source", "note"]]
    merged = rows.merge(parent[store.FACT_COLUMNS], on=KEY, how="left", suffixes=("", "_old"), indicator=True)
    existing = merged["_merge"].eq("both")
    measured = merged[["actual", "numerator", "denominator"]].notna().any(axis=1)
    keep_old = {"actual": ~measured, "numerator": ~measured, "denominator": ~measured, "plan": merged["plan"].isna()}
    for col, keep in keep_old.items():
        merged[col] = merged[col].where(~(keep & existing), merged[f"{col}_old"])
    same = existing.copy()
    for col in VALUE_COLUMNS:
        a, b = merged[col], merged[f"{col}_old"]
        same &= (a == b) | (a.isna() & b.isna())
    replaced = merged[~same][store.FACT_COLUMNS]
    keys = pd.MultiIndex.from_frame(replaced[KEY])
    kept = parent[~pd.MultiIndex.from_frame(parent[KEY]).isin(keys)]
    new = pd.concat([kept[store.FACT_COLUMNS], replaced], ignore_index=True)
    counts = {"added": int((~existing).sum()), "changed": int((existing & ~same).sum()),
              "unchanged": int(same.sum()), "facts_before": len(parent), "facts_after": len(new)}
    changes = merged[~same].rename(columns={c: f"{c}_new" for c in VALUE_COLUMNS})
    changes.insert(0, "change", np.where(existing[~same], "changed", "added"))
    changes = changes[["change"] + KEY + [f"{c}_{w}" for c in VALUE_COLUMNS for w in ("old", "new")]]
    return new, counts, changes.reset_index(drop=True)


def _empty_facts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in VALUE_COLUMNS else "object")
                         for c in store.FACT_COLUMNS})


def prepare_import(files: list[tuple[str, bytes]], *, indicator: str | None = None, data_dir=None,
                   max_bytes: int = MAX_UPLOAD_BYTES) -> ImportReport:
    """Read, validate and merge into the newest snapshot; never writes. Check `report.ok`."""
    report = ImportReport()
    parent = store.get_snapshot(None, data_dir)
    report.parent = parent
    units = store.read_table(parent, "units") if parent else build_units()
    catalogue = store.read_table(parent, "indicators") if parent else load_indicators()
    uploads = []
    for name, data in files:
        report.files.append({"file": name, "sha256": sha256_bytes(data), "bytes": len(data)})
        try:
            upload = read_upload(data, name, max_bytes, report.files[-1]["sha256"])
        except Refused as exc:
            report.issues.append(Issue(name, exc.row, None, exc.phrase.key, exc.phrase.params))
            continue
        report.files[-1]["kind"] = upload.kind
        uploads.append(upload)
    if report.errors:
        return report
    facts = validate(uploads, units, catalogue, indicator, report)
    if facts is None:
        return report
    for entry in report.files:
        entry["facts"] = int((facts["file"] == entry["file"]).sum())
        if indicator:
            entry["indicator"] = facts["indicator"].iloc[0] if entry["kind"] == "gso" else None
    report.facts = facts
    parent_facts = store.read_table(parent, "facts") if parent else _empty_facts()
    report.new_facts, report.counts, report.changes = upsert(parent_facts, facts)
    report.units, report.catalogue = units, catalogue
    return report


def commit_import(report: ImportReport, *, note: str = "", created_by: str = "python -m kpi import",
                  data_dir=None) -> store.Snapshot:
    """Write the prepared import as a new snapshot (parent = the snapshot it was checked against)."""
    if not report.ok or report.new_facts is None:
        raise ImportFailed(report)
    newest = store.get_snapshot(None, data_dir)
    parent_id = report.parent.id if report.parent else None
    if (newest.id if newest else None) != parent_id:
        report.issues.append(Issue(", ".join(f["file"] for f in report.files), None, None, "imp_parent_changed",
                                   {"snapshot": newest.id}))
        raise ImportFailed(report)
    sources = [dict(entry, **{"counts": report.counts}) for entry in report.files]
    return store.write_snapshot(
        report.new_facts, report.units, report.catalogue, created_by=created_by, note=note,
        parent=parent_id, sources=sources, demo=bool(report.parent and report.parent.is_demo), data_dir=data_dir)


def import_file(path: str | Path, *, indicator: str | None = None, note: str = "", dry_run: bool = False,
                data_dir=None, max_bytes: int = MAX_FILE_BYTES) -> tuple[ImportReport, store.Snapshot | None]:
    """The command line's import: prepare, then commit unless dry_run, an error or nothing changed."""
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
    report = prepare_import([(path.name, data)], indicator=indicator, data_dir=data_dir, max_bytes=max_bytes)
    if not report.ok or dry_run or not (report.counts.get("added") or report.counts.get("changed")):
        return report, None
    return report, commit_import(report, note=note, data_dir=data_dir)


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
    if report.counts:
        lines.append(t("imp_summary_counts", lang, **{k: fmt.number(v, 0, lang) for k, v in report.counts.items()}))
    return lines


def snapshot_history(data_dir=None) -> pd.DataFrame:
    """Every snapshot, newest first: id, time, note, source files, counts, parent."""
    rows = []
    for snap in store.list_snapshots(data_dir):
        manifest = snap.manifest
        files = [s.get("file", "") for s in manifest.get("sources", []) if isinstance(s, dict)]
        rows.append({"id": snap.id, "created": snap.created.replace("T", " ")[:16], "note": manifest.get("note", ""),
                     "created_by": manifest.get("created_by", ""), "sources": ", ".join(f for f in files if f),
                     "facts": manifest.get("counts", {}).get("facts"), "parent": manifest.get("parent") or "",
                     "demo": bool(manifest.get("demo"))})
    return pd.DataFrame(rows, columns=["id", "created", "note", "created_by", "sources", "facts", "parent", "demo"])


def diff_snapshots(old_id: str, new_id: str, data_dir=None) -> pd.DataFrame:
    old = store.get_snapshot(old_id, data_dir)
    new = store.get_snapshot(new_id, data_dir)
    return diff_facts(store.read_table(old, "facts"), store.read_table(new, "facts"))


def diff_counts(diff: pd.DataFrame) -> dict:
    counts = diff["change"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("added", "changed", "removed")}


def diff_csv(diff: pd.DataFrame) -> bytes:
    """The differences as CSV for Excel, made safe by the one spreadsheet writer."""
    return csv_bytes(diff)
