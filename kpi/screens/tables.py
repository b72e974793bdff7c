"""Figures as display tables, the same columns and texts on every page (kpi.text.figure_text)."""
from __future__ import annotations

import pandas as pd

from kpi.text import fmt
from kpi.text.figure_text import achievement_text, change_text, plan_text, verdict_text
from kpi.text.i18n import t


def indicator_name(catalogue: pd.DataFrame, code: str, lang: str = "vi") -> str:
    row = catalogue.set_index("code").loc[code]
    return row["name_vi"] if lang == "vi" else row["name_en"]


def uom_header(lang: str = "vi") -> str:
    return t("uom", lang)


def figure_row(r, meta, lang: str = "vi") -> dict:
    """One figure's display texts: actual, plan, % of plan, verdict, change on the same period."""
    decimals = int(meta["decimals"])
    return {
        t("indicator", lang): meta["name_vi"] if lang == "vi" else meta["name_en"],
        uom_header(lang): meta["unit_of_measure"],
        t("actual", lang): fmt.number(r["actual"], decimals, lang),
        t("plan", lang): plan_text(r["plan"], r.get("plan_kind"), r.get("plan_high"), meta["unit_of_measure"], decimals,
                                   lang),
        t("achievement", lang): achievement_text(r["achievement_pct"], lang),
        t("status", lang): verdict_text(r["verdict"], lang),
        t("change", lang): change_text(r, lang),
    }


def figure_table(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "vi",
                 leading: dict[str, list] | None = None) -> pd.DataFrame:
    """Rows of kpi.figures as display text in the language's number format; `leading` columns first."""
    meta = catalogue.set_index("code")
    rows = [figure_row(r, meta.loc[r["indicator"]], lang) for _, r in frame.iterrows()]
    table = pd.DataFrame(rows, columns=[t("indicator", lang), uom_header(lang), t("actual", lang), t("plan", lang),
                                        t("achievement", lang), t("status", lang), t("change", lang)])
    for position, (name, values) in enumerate((leading or {}).items()):
        table.insert(position, name, list(values))
    return table
