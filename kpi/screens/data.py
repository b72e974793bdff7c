"""What the Dữ liệu page shows, as data in the interface language (no Streamlit): the import check
(summary, issues, preview of the changes), the snapshot history, the differences between two
snapshots and the indicator catalogue. The page only lays these out; the work is kpi.importing."""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi import store
from kpi.importing.gso import DEFAULT_COLUMN_GROUP, answers_to
from kpi.importing.merge import ImportFailed, diff_counts, diff_csv, diff_of, snapshot_history, summary_lines
from kpi.importing.readers import MAX_UPLOAD_BYTES, sha256_bytes
from kpi.importing.validate import ImportReport
from kpi.periods import period_label
from kpi.store.indicators import department_name, domains, with_descriptions
from kpi.text import fmt
from kpi.text.figure_text import plan_text
from kpi.text.i18n import t
from kpi.units.names import unit_name

MAX_ROWS_SHOWN = 1000
CHANGE_KEYS = {"added": "imp_added", "changed": "imp_changed", "removed": "imp_removed"}
SEVERITY_KEYS = {"error": "imp_error", "warning": "imp_warning", "notice": "imp_notice"}
DECIMAL_CHOICES = {"": "imp_decimal_auto", ",": "imp_decimal_comma", ".": "imp_decimal_dot"}
DIRECTION_KEYS = {1: "cat_direction_up", -1: "cat_direction_down", 0: "cat_direction_none"}
AGGREGATION_KEYS = {"sum": "cat_aggregation_sum", "ratio": "cat_aggregation_ratio", "none": "cat_aggregation_none"}
CREATED_BY_PAGE = "trang Dữ liệu (tải lên)"  # stored in the manifest: data, not an interface text


def table_height(rows: int) -> int:
    """Pixels for a table of `rows` rows: all of them up to a scrolling maximum."""
    return min(36 * rows + 40, 520)


def page_caption(snapshot: store.Snapshot | None, lang: str = "vi") -> str:
    """Which snapshot the page shows, or how to create the first one."""
    if snapshot is None:
        return t("imp_empty", lang, dir=store.snapshots_dir())
    return t("snapshot_caption", lang, id=snapshot.id, created=snapshot.created.replace("T", " ")[:16])


def damaged_lines(damaged: list[tuple[store.Snapshot, store.Damage]], lang: str = "vi") -> list[str]:
    """Each damaged snapshot that was passed over, and why (the notice every page shows); one whose
    files only could not be read just now (Damage.definite False) is said to be so, not damaged."""
    return [t("snapdmg_unavailable", lang, id=snapshot.id, file=d.file) if not d.definite else
            t("snapshot_damaged", lang, id=snapshot.id, reason=t(f"snapshot_damage_{d.kind}", lang, file=d.file))
            for snapshot, d in damaged]


def intro_text(lang: str = "vi") -> str:
    return t("imp_intro", lang, mb=fmt.number(MAX_UPLOAD_BYTES // 2**20, 0, lang))


def indicator_choices(catalogue: pd.DataFrame) -> list[str]:
    """The indicator a GSO province-by-year table measures: none (the file says it), or a code."""
    return [""] + (list(catalogue["code"]) if len(catalogue) else [])


def indicator_choice_label(code: str, catalogue: pd.DataFrame, lang: str = "vi") -> str:
    if not code:
        return t("imp_gso_none", lang)
    names = catalogue.set_index("code")["name_vi" if lang == "vi" else "name_en"]
    return f"{names[code]} ({code})" if code in names.index else code


def catalogue_table(catalogue: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The indicator catalogue as a table: code, name, domain, unit of measure, better direction,
    how regions and the nation aggregate it, the department that holds it since 2025, definition."""
    frame = with_descriptions(catalogue)
    if "domain_order" in frame:
        frame = frame.sort_values(["domain_order", "code_order"])
    suffix = "vi" if lang == "vi" else "en"
    domain_names = domains().set_index("domain")[f"name_{suffix}"]
    definitions = frame[f"definition_{suffix}"].where(frame[f"definition_{suffix}"].astype(bool), frame["definition_vi"])
    return pd.DataFrame({
        t("cat_code", lang): frame["code"].to_numpy(),
        t("indicator", lang): frame[f"name_{suffix}"].to_numpy(),
        t("domain", lang): [domain_names.get(d, d) for d in frame["domain"]],
        t("uom", lang): [fmt.unit_of_measure(u, lang) for u in frame["unit_of_measure"]],
        t("cat_direction", lang): [t(DIRECTION_KEYS[int(d)], lang) for d in frame["direction"]],
        t("cat_aggregation", lang): [t(AGGREGATION_KEYS[a], lang) for a in frame["aggregation"]],
        t("cat_agency", lang): [department_name(c, lang) for c in frame["responsible_agency"]],
        t("cat_definition", lang): definitions.to_numpy(),
    })


def catalogue_caption(catalogue: pd.DataFrame, lang: str = "vi") -> str:
    """What the catalogue table holds, with the number of indicators."""
    return t("imp_catalogue_caption", lang, n=fmt.number(len(catalogue), 0, lang))


def decimal_choice_label(choice: str, lang: str = "vi") -> str:
    """The file's decimal mark: inferred from its numbers (''), a comma or a dot."""
    return t(DECIMAL_CHOICES[choice], lang)


def column_group_choices(report: ImportReport | None, chosen: str = "") -> list[str]:
    """The column groups to choose from for GSO tables with column groups: '' (the default, Total /
    Tổng số) first, then the tables' other groups in their order (and `chosen`, if no table has it).
    [] when no file of the upload has column groups: the page then shows no choice."""
    found = [g for entry in (report.files if report else []) for g in entry.get("column_groups", [])]
    if not found:
        return []
    others = [g for g in dict.fromkeys(found) if not answers_to(g, DEFAULT_COLUMN_GROUP)]
    return [""] + others + ([chosen] if chosen and chosen not in others else [])


def column_group_label(choice: str, lang: str = "vi") -> str:
    """'' is the default group (Tổng số / Total); any other is the table's own header text."""
    return t("imp_column_group_default", lang) if not choice else choice


def upload_key(files: list[tuple[str, bytes]], indicator: str, decimal: str, newest: store.Snapshot | None,
               column_group: str = "") -> tuple:
    """What a check depends on: the files' content (SHA-256), the indicator, the decimal mark, the
    column group of GSO tables and the newest snapshot. The page keeps the report under this key:
    a rerun does not check again."""
    return (tuple(sha256_bytes(data) for _, data in files), indicator, decimal, newest.id if newest else None,
            column_group)


def failure_lines(failure: ImportFailed, lang: str = "vi") -> list[str]:
    """Why a confirmed import was not written (an error, unconfirmed warnings, a failed write)."""
    return [issue.text(lang) for issue in failure.issues]


def issues_table(report: ImportReport, lang: str = "vi") -> pd.DataFrame:
    frame = report.issues_frame(lang)
    return pd.DataFrame({
        t("imp_col_file", lang): frame["file"],
        t("imp_col_row", lang): frame["row"].astype("string").fillna(""),
        t("imp_col_column", lang): frame["column"],
        t("imp_col_level", lang): frame["severity"].map({k: t(v, lang) for k, v in SEVERITY_KEYS.items()}),
        t("imp_col_message", lang): frame["message"],
    })


def changes_table(changes: pd.DataFrame, units: pd.DataFrame, catalogue: pd.DataFrame,
                  lang: str = "vi", limit: int = MAX_ROWS_SHOWN) -> pd.DataFrame:
    """Figures added, changed or removed, old and new value side by side, first `limit` rows."""
    shown = changes.head(limit)
    meta = catalogue.set_index("code")
    names = {u: unit_name(units, u, lang) for u in shown["unit"].unique()}
    periods = {p: period_label(p, lang) for p in shown["period"].unique()}
    name_col = "name_vi" if lang == "vi" else "name_en"

    def number(values: pd.Series, codes: pd.Series) -> list[str]:
        return [fmt.number(v, int(meta.loc[c, "decimals"]) if c in meta.index else 2, lang)
                for v, c in zip(values, codes)]

    table = pd.DataFrame({
        t("imp_col_change", lang): shown["change"].map(lambda c: t(CHANGE_KEYS[c], lang)),
        t("indicator", lang): shown["indicator"].map(lambda c: meta[name_col].get(c, c)),
        t("unit", lang): shown["unit"].map(names),
        t("period", lang): shown["period"].map(periods),
    })
    def target(which: str) -> list[str]:  # the plan as the resolution writes it ('dưới 3%')
        return [plan_text(p, k, h, meta.loc[c, "unit_of_measure"] if c in meta.index else "",
                          int(meta.loc[c, "decimals"]) if c in meta.index else 2, lang, with_unit=True)
                for p, k, h, c in zip(shown[f"plan_{which}"], shown.get(f"plan_kind_{which}", [None] * len(shown)),
                                      shown.get(f"plan_high_{which}", [np.nan] * len(shown)), shown["indicator"])]

    table[f"{t('actual', lang)} ({t('imp_old', lang)})"] = number(shown["actual_old"], shown["indicator"])
    table[f"{t('actual', lang)} ({t('imp_new', lang)})"] = number(shown["actual_new"], shown["indicator"])
    table[f"{t('plan', lang)} ({t('imp_old', lang)})"] = target("old")
    table[f"{t('plan', lang)} ({t('imp_new', lang)})"] = target("new")
    for column, key in (("numerator", "imp_numerator"), ("denominator", "imp_denominator")):
        if shown[[f"{column}_old", f"{column}_new"]].notna().any().any():
            table[f"{t(key, lang)} ({t('imp_old', lang)})"] = [fmt.number(v, 0, lang) for v in shown[f"{column}_old"]]
            table[f"{t(key, lang)} ({t('imp_new', lang)})"] = [fmt.number(v, 0, lang) for v in shown[f"{column}_new"]]
    return table


def more_rows_caption(shown: int, total: int, lang: str = "vi") -> str:
    """'Showing 1,000 of 5,000 rows' when a table is cut, else ''."""
    if total <= shown:
        return ""
    return t("imp_more_rows", lang, shown=fmt.number(shown, 0, lang), total=fmt.number(total, 0, lang))


def counts_sentence(counts: dict, lang: str = "vi") -> str:
    """How many figures were added, changed and removed between two snapshots."""
    return t("imp_counts_diff", lang, **{k: fmt.number(v, 0, lang) for k, v in counts.items()})


@dataclass
class ImportView:
    """The check of an upload: what was read, what is wrong, what would change."""
    summary: list[str]
    heading: str                    # the count of errors and notices; "" when there is no issue
    issues: pd.DataFrame
    message_column: str             # the issues' widest column
    blocked: str                    # why nothing can be written; "" when the import can go ahead
    preview: pd.DataFrame | None    # the changes to confirm; None when there is none
    preview_caption: str
    warnings: str = ""              # what to check before confirming; "" when there is no warning


def import_view(report: ImportReport, lang: str = "vi") -> ImportView:
    counts = {"errors": fmt.number(len(report.errors), 0, lang), "notices": fmt.number(len(report.notices), 0, lang)}
    heading = ""
    if report.warnings:
        heading = t("imp_report_warnings", lang, warnings=fmt.number(len(report.warnings), 0, lang), **counts)
    elif report.issues:
        heading = t("imp_report", lang, **counts)
    blocked = t("imp_blocked", lang, n=counts["errors"]) if not report.ok else ""
    preview, caption, warnings = None, "", ""
    if report.ok and report.changes is not None and len(report.changes):
        preview = changes_table(report.changes, report.units, report.catalogue, lang)
        caption = more_rows_caption(len(preview), len(report.changes), lang)
        if report.warnings:
            warnings = t("imp_warnings_check", lang, n=fmt.number(len(report.warnings), 0, lang))
    return ImportView(summary_lines(report, lang), heading, issues_table(report, lang), t("imp_col_message", lang),
                      blocked, preview, caption, warnings)


@dataclass
class HistoryView:
    """Every snapshot, newest first, and the labels that name one in a choice."""
    table: pd.DataFrame
    ids: list[str]
    labels: dict[str, str]
    current: str | None             # the snapshot the pages show
    diff_old: str | None            # the default older side of a comparison: the newest one's parent


def history_view(current: store.Snapshot | None, lang: str = "vi") -> HistoryView:
    """Every snapshot in the table (a damaged one marked so); only intact ones to view or compare."""
    history = snapshot_history()
    intact = history[history["damage"].isna()]
    ids = list(intact["id"])
    labels = {row["id"]: f"{row['created']} · {row['id']}" + (f" — {row['note']}" if row["note"] else "")
              for _, row in intact.iterrows()}
    shown = current.id if current is not None and current.id in ids else (ids[0] if ids else None)
    parent = intact.iloc[0]["parent"] if ids else ""
    diff_old = parent if parent in ids else (ids[1] if len(ids) > 1 else None)
    state = ["" if d is None else t("snapdmg_unavailable_state", lang, file=d.file) if not d.definite else
             t("imp_damaged", lang, reason=t(f"snapshot_damage_{d.kind}", lang, file=d.file)) for d in history["damage"]]
    table = pd.DataFrame({
        t("imp_col_snapshot", lang): history["id"],
        t("imp_col_time", lang): history["created"] + " UTC",
        t("imp_col_note", lang): history["note"],
        t("imp_col_sources", lang): history["sources"],
        t("imp_col_facts", lang): [fmt.number(v, 0, lang) for v in history["facts"]],
        t("imp_col_parent", lang): history["parent"],
        t("imp_col_by", lang): history["created_by"],
    })
    if any(state):
        table[t("imp_col_state", lang)] = state
    return HistoryView(table, ids, labels, shown, diff_old)


@dataclass(frozen=True)
class DiffView:
    """The differences between two snapshots. `csv` builds the download only when it is called
    (the page hands it to the download button, which calls it when clicked)."""
    sentence: str
    table: pd.DataFrame | None      # None when the snapshots hold the same figures
    caption: str
    csv: Callable[[], bytes]
    file_name: str


def diff_view(old_id: str, new_id: str, lang: str = "vi") -> DiffView:
    return diff_view_of(store.get_snapshot(old_id), store.get_snapshot(new_id), lang)


@functools.lru_cache(maxsize=16)
def diff_view_of(old: store.Snapshot, new: store.Snapshot, lang: str = "vi") -> DiffView:
    """Once per pair of snapshots and language: a rerun shows the same view without work."""
    diff = diff_of(old, new)
    table, caption = None, ""
    if len(diff):
        table = changes_table(diff, store.read_table(new, "units"), store.read_table(new, "indicators"), lang)
        caption = more_rows_caption(len(table), len(diff), lang)
    return DiffView(counts_sentence(diff_counts(diff), lang), table, caption, functools.partial(diff_csv, diff),
                    f"khac_biet_{old.id}_{new.id}.csv")


REVIEW_ROWS_SHOWN = 20  # the first changes under a pending snapshot; the CSV holds them all


@dataclass(frozen=True)
class PendingReview:
    """What an approver sees under a pending snapshot: its differences from the approved head
    (counts, the first changes, the CSV of them all), or `note` saying why there are none to show."""
    heading: str
    sentence: str
    table: pd.DataFrame | None
    caption: str
    csv: Callable[[], bytes] | None
    file_name: str
    note: str = ""


def pending_review(pending_id: str, approved: store.Snapshot | None, lang: str = "vi",
                   data_dir=None) -> PendingReview:
    """The pending snapshot against the newest approved one (what approving it changes for viewers)."""
    if approved is None:
        return PendingReview("", "", None, "", None, "", t("acc_review_no_approved", lang))
    try:
        pending = store.get_snapshot(pending_id, data_dir)
    except store.SnapshotError as exc:
        return PendingReview("", "", None, "", None, "", t("acc_review_unavailable", lang, reason=exc))
    return pending_review_of(approved, pending, lang)


@functools.lru_cache(maxsize=16)
def pending_review_of(approved: store.Snapshot, pending: store.Snapshot, lang: str = "vi") -> PendingReview:
    """Once per pair and language (snapshots are immutable): a rerun redraws it without work."""
    diff = diff_of(approved, pending)
    table, caption = None, ""
    if len(diff):
        table = changes_table(diff, store.read_table(pending, "units"), store.read_table(pending, "indicators"), lang,
                              limit=REVIEW_ROWS_SHOWN)
        caption = more_rows_caption(len(table), len(diff), lang)
    return PendingReview(t("acc_review_heading", lang, id=approved.id), counts_sentence(diff_counts(diff), lang), table,
                         caption, functools.partial(diff_csv, diff), f"khac_biet_{approved.id}_{pending.id}.csv")
