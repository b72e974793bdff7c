"""Excel files: the figures of a page at full precision, and the briefing's workbook. Every cell is
written by the one safe writer (kpi.reports.spreadsheet)."""
from __future__ import annotations

import pandas as pd
from openpyxl import Workbook

from kpi.reports.deck import Deck
from kpi.reports.letterhead import report_letterhead
from kpi.reports.settings import Settings
from kpi.reports.sheets import figures_sheet
from kpi.reports.spreadsheet import sheet_title, workbook_bytes, write_table, write_titles
from kpi.store.indicators import domains
from kpi.text.i18n import t


def _annex_frame(deck: Deck) -> pd.DataFrame:
    frame = deck.figures
    catalogue = frame.rename(columns={"indicator": "code"})[
        ["code", "name_vi", "name_en", "unit_of_measure", "decimals"]]
    domain_names = domains().set_index("domain")["name_vi" if deck.lang == "vi" else "name_en"]
    leading = {t("domain", deck.lang): [domain_names[d] for d in frame["domain"]],
               "Mã chỉ tiêu" if deck.lang == "vi" else "Code": list(frame["indicator"])}
    return figures_sheet(frame, catalogue, deck.lang, leading)


def build_xlsx(deck: Deck, settings: Settings) -> bytes:
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title("Số liệu" if deck.lang == "vi" else "Figures")
    head = report_letterhead(deck, settings)  # the one choice of the issuing agency (kpi.reports.letterhead)
    start = write_titles(ws, [
        " - ".join(x for x in (head.agency.parent_agency, head.agency.agency) if x),
        t("exp_report_summary", deck.lang, period=deck.period_label.lower(),
          unit=head.subject if deck.lang == "vi" else deck.unit_full_name),
        deck.footer() + (f" · {t('exp_demo_short', deck.lang)}" if deck.is_demo else ""),
    ])
    annex = _annex_frame(deck)
    write_table(ws, annex, start, annex.attrs["number_formats"])
    for slide in deck.slides:
        if slide.kind == "provinces":
            sheet = workbook.create_sheet(sheet_title(t("province", deck.lang)))
            table = pd.DataFrame({  # no rank column: a count of own targets met does not rank provinces
                t("province", deck.lang): slide.data["name"],
                t("exp_axis_good", deck.lang): slide.data["good"],
                t("exp_rated_column", deck.lang): slide.data["rated"]})
            write_table(sheet, table, write_titles(sheet, [slide.title, slide.subtitle, deck.footer()]),
                         {t("exp_axis_good", deck.lang): "0", t("exp_rated_column", deck.lang): "0"})
    return workbook_bytes(workbook)
