"""Figures as display tables, the same columns and texts on every page (kpi.text.figure_text)."""
from __future__ import annotations

import pandas as pd

from kpi.memo import shared
from kpi.text import fmt, sources
from kpi.text.figure_text import achievement_text, change_text, plan_text, verdict_text
from kpi.text.i18n import t


@shared(maxsize=16)
def by_code(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The catalogue indexed by indicator code, once per catalogue table (kpi.memo: the snapshot's
    shared table); read-only, like the catalogue itself."""
    return catalogue.set_index("code")


@shared(maxsize=16)
def meta_rows(catalogue: pd.DataFrame) -> dict[str, dict]:
    """code -> its catalogue row as a dict, once per catalogue table (read-only)."""
    return by_code(catalogue).to_dict("index")


def indicator_name(catalogue: pd.DataFrame, code: str, lang: str = "vi") -> str:
    row = by_code(catalogue).loc[code]
    return row["name_vi"] if lang == "vi" else row["name_en"]


def uom_header(lang: str = "vi") -> str:
    return t("uom", lang)


def _present(value) -> bool:
    return value is not None and not pd.isna(value)


def published_only(r) -> bool:
    """The figure cannot be computed (no ratio of sums) but the unit published its own."""
    return not _present(r.get("actual")) and _present(r.get("published"))


def actual_text(r, meta, lang: str = "vi", with_unit: bool = False) -> str:
    """The computed figure; where none can be computed, the published one, labelled: '52,3% (số công bố)'."""
    decimals, uom = int(meta["decimals"]), meta["unit_of_measure"]
    if published_only(r):
        return t("published_value", lang, value=_value(r["published"], uom, decimals, lang, with_unit))
    return _value(r["actual"], uom, decimals, lang, with_unit)


def _value(value, uom: str, decimals: int, lang: str, with_unit: bool) -> str:
    return fmt.figure(value, uom, decimals, lang) if with_unit else fmt.number(value, decimals, lang)


def published_note(r, meta, lang: str = "vi") -> str:
    """What to say beside the figure about the unit's published one: 'Số công bố: 85.118,7 nghìn người'
    beside a computed figure, why the published one stands alone where none can be computed; '' when none."""
    if not _present(r.get("published")):
        return ""
    if published_only(r):
        n, total = (int(r.get(c)) if _present(r.get(c)) else 0 for c in ("n_actual", "n_atoms"))
        atoms = t("atoms_note", lang, n=n, total=total)
        return t("published_only", lang, atoms=atoms)
    value = fmt.figure(r["published"], meta["unit_of_measure"], int(meta["decimals"]), lang)
    return t("published_beside", lang, value=value)


def figure_row(r, meta, lang: str = "vi") -> dict:
    """One figure's display texts: actual (or the published figure, labelled, where none can be
    computed), plan, % of plan, verdict, change on the same period."""
    decimals = int(meta["decimals"])
    return {
        t("indicator", lang): meta["name_vi"] if lang == "vi" else meta["name_en"],
        uom_header(lang): fmt.unit_of_measure(meta["unit_of_measure"], lang),
        t("actual", lang): actual_text(r, meta, lang),
        t("plan", lang): plan_text(r["plan"], r.get("plan_kind"), r.get("plan_high"), meta["unit_of_measure"], decimals,
                                   lang),
        t("achievement", lang): achievement_text(r["achievement_pct"], lang),
        t("status", lang): verdict_text(r["verdict"], lang),
        t("change", lang): change_text(r, lang),
    }


def figure_table(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "vi",
                 leading: dict[str, list] | None = None) -> pd.DataFrame:
    """Rows of kpi.figures as display text in the language's number format; `leading` columns first."""
    meta = by_code(catalogue)
    metas = meta_rows(catalogue)  # a dict per indicator, and each figure's row as a dict: no Series per row
    rows = [figure_row(r, metas[r["indicator"]], lang) for r in frame.to_dict("records")]
    table = pd.DataFrame(rows, columns=[t("indicator", lang), uom_header(lang), t("actual", lang), t("plan", lang),
                                        t("achievement", lang), t("status", lang), t("change", lang)])
    if "published" in frame and frame["published"].notna().any():  # a region's or the nation's own figure, beside
        published = [fmt.number(v, int(meta.loc[c, "decimals"]), lang)
                     for v, c in zip(frame["published"], frame["indicator"])]
        table.insert(table.columns.get_loc(t("actual", lang)) + 1, t("published", lang), published)
    for position, (name, values) in enumerate((leading or {}).items()):
        table.insert(position, name, list(values))
    return with_sources(table, frame, lang)


def with_sources(table: pd.DataFrame, frame: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The display table with, row by row of `frame` (kpi.figures), what kind of figure each is right
    after the figure ('trích báo cáo', 'ước', 'minh họa': kpi.text.sources.kind_text, visible without
    scrolling), and its whole source and note as the last columns; a quoted figure's source begins
    'Trích báo cáo: '."""
    def source(value) -> str:
        reports = sources.quoted_reports(value)
        return t("src_quoted_line", lang, reports="; ".join(reports)) if reports else sources.source_text(value, lang)

    def column(name: str) -> list:
        return list(frame[name]) if name in frame else [None] * len(frame)
    kinds = [sources.kind_text(s, e, lang) for s, e in zip(column("sources"), column("estimate_status"))]
    beside = [c for c in (t("published", lang), t("actual", lang)) if c in table.columns]  # after the figure(s)
    after = table.columns.get_loc(beside[0]) + 1 if beside else len(table.columns)
    table.insert(after, t("src_standing", lang), kinds)
    table[t("source", lang)] = [source(v) for v in column("sources")]
    table[t("src_note", lang)] = [sources.note_text(v) for v in column("notes")]
    return table
