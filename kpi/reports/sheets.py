"""Tables for Excel as data: the figures of a page at full precision, with the number format of each
column in `.attrs` (written by kpi.reports.spreadsheet when a download is asked for)."""
from __future__ import annotations

import pandas as pd

from kpi.text import fmt, sources
from kpi.text.figure_text import plan_text, verdict_text
from kpi.text.i18n import t


def excel_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * int(decimals) if int(decimals) > 0 else "")


def figures_sheet(frame: pd.DataFrame, catalogue: pd.DataFrame, lang: str = "vi",
                  leading: dict[str, list] | None = None) -> pd.DataFrame:
    """Figures (rows of kpi.figures) as an Excel table at full precision, formats in .attrs."""
    meta = catalogue.set_index("code")
    names = meta["name_vi" if lang == "vi" else "name_en"]
    decimals = [int(meta.loc[c, "decimals"]) for c in frame["indicator"]]
    out = pd.DataFrame({k: list(v) for k, v in (leading or {}).items()})
    out[t("indicator", lang)] = [names[c] for c in frame["indicator"]]
    out[t("uom", lang)] = [fmt.unit_of_measure(meta.loc[c, "unit_of_measure"], lang) for c in frame["indicator"]]
    out[t("actual", lang)] = frame["actual"].to_numpy()
    out[t("plan", lang)] = frame["plan"].to_numpy()
    if "plan_kind" in frame:  # the target as a resolution writes it ('dưới 3%'), beside its number
        units = [meta.loc[c, "unit_of_measure"] for c in frame["indicator"]]
        out[t("plan_as_written", lang)] = [
            plan_text(p, k, h, u, d, lang, with_unit=True) if p == p else ""
            for p, k, h, u, d in zip(frame["plan"], frame["plan_kind"], frame["plan_high"], units, decimals)]
    out[t("achievement", lang)] = frame["achievement_pct"].to_numpy()
    out[t("status", lang)] = [verdict_text(v, lang) for v in frame["verdict"]]
    out[t("change", lang) + " (%)"] = frame["change_pct"].to_numpy()
    out[t("change", lang) + f" ({t('points', lang)})"] = frame["change_pp"].to_numpy()
    out[t("source", lang)] = [sources.source_text(v, lang) for v in frame["sources"]] if "sources" in frame else ""
    if "estimate_status" in frame:  # the figure's standing (ước, sơ bộ, chính thức) and its note, as on the page
        out[t("src_standing", lang)] = [sources.standing_text(v, lang) for v in frame["estimate_status"]]
        out[t("src_note", lang)] = [sources.note_text(v) for v in frame["notes"]]
    formats = [excel_format(d) for d in decimals]
    out.attrs["number_formats"] = {
        t("actual", lang): formats, t("plan", lang): formats, t("achievement", lang): "#,##0.0",
        t("change", lang) + " (%)": "#,##0.0", t("change", lang) + f" ({t('points', lang)})": "#,##0.00"}
    return out
