"""Tables of the Dữ liệu page as display text: import issues, changes, snapshot history (no Streamlit)."""
from __future__ import annotations

import pandas as pd

from kpi.text import fmt
from kpi.text.i18n import t
from kpi.importing.importer import ImportReport
from kpi.units.names import unit_name
from kpi.periods import period_label

MAX_ROWS_SHOWN = 1000
CHANGE_KEYS = {"added": "imp_added", "changed": "imp_changed", "removed": "imp_removed"}


def issues_table(report: ImportReport, lang: str = "vi") -> pd.DataFrame:
    frame = report.issues_frame()
    return pd.DataFrame({
        t("imp_col_file", lang): frame["file"],
        t("imp_col_row", lang): frame["row"].astype("string").fillna(""),
        t("imp_col_column", lang): frame["column"],
        t("imp_col_level", lang): frame["severity"].map(
            {"error": t("imp_error", lang), "notice": t("imp_notice", lang)}),
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
    for column, key in (("actual", "actual"), ("plan", "plan")):
        table[f"{t(key, lang)} ({t('imp_old', lang)})"] = number(shown[f"{column}_old"], shown["indicator"])
        table[f"{t(key, lang)} ({t('imp_new', lang)})"] = number(shown[f"{column}_new"], shown["indicator"])
    for column, key in (("numerator", "imp_numerator"), ("denominator", "imp_denominator")):
        if shown[[f"{column}_old", f"{column}_new"]].notna().any().any():
            table[f"{t(key, lang)} ({t('imp_old', lang)})"] = [fmt.number(v, 0, lang) for v in shown[f"{column}_old"]]
            table[f"{t(key, lang)} ({t('imp_new', lang)})"] = [fmt.number(v, 0, lang) for v in shown[f"{column}_new"]]
    return table


def history_table(history: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    return pd.DataFrame({
        t("imp_col_snapshot", lang): history["id"],
        t("imp_col_time", lang): history["created"] + " UTC",
        t("imp_col_note", lang): history["note"],
        t("imp_col_sources", lang): history["sources"],
        t("imp_col_facts", lang): [fmt.number(v, 0, lang) for v in history["facts"]],
        t("imp_col_parent", lang): history["parent"],
        t("imp_col_by", lang): history["created_by"],
    })


def snapshot_label(history: pd.DataFrame, snapshot_id: str, lang: str = "vi") -> str:
    row = history.set_index("id").loc[snapshot_id]
    note = f" — {row['note']}" if row["note"] else ""
    return f"{row['created']} · {snapshot_id}{note}"


def counts_sentence(counts: dict, lang: str = "vi", key: str = "imp_counts_diff") -> str:
    return t(key, lang, **{k: fmt.number(v, 0, lang) for k, v in counts.items()})
