"""Every surface says a figure the same way: the same unit and period give the same verdict text and
the same % of plan on the overview, the compare table, the domain table, the slides, the Word annex
and the Excel workbook (each reads kpi.figures' verdict and kpi.text.figure_text)."""
from __future__ import annotations

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from kpi import formulas
from kpi.figures import figures, indicators, units
from kpi.reports.deck import build_deck
from kpi.reports.excel import build_xlsx
from kpi.reports.settings import load_settings
from kpi.reports.word import build_docx
from kpi.screens.compare import compare_screen
from kpi.screens.domains import DOMAIN_PAGES, domain_view, indicator_table
from kpi.screens.overview import overview_screen
from kpi.text.figure_text import achievement_text, verdict_text
from kpi.text.i18n import t

pytestmark = pytest.mark.query

UNIT = "VN34-86"  # Vĩnh Long, the settings' province


def _by_indicator(table, names, column):
    return dict(zip(table[t("indicator", "vi")].map(names), table[column]))


@pytest.fixture(scope="module", params=["2025", "2026-M09"])
def period(request):
    return request.param


@pytest.fixture(scope="module")
def surfaces(demo_snapshot, demo_dir, period):
    """(verdict text, % text) per indicator, as each surface shows it."""
    unit_table, catalogue = units(demo_snapshot), indicators(demo_snapshot)
    code_of = dict(zip(catalogue["name_vi"], catalogue["code"]))
    status, pct = t("status", "vi"), t("achievement", "vi")
    out = {}

    screen = overview_screen(demo_snapshot, unit_table, catalogue, UNIT, period, "vi")
    out["overview table"] = (_by_indicator(screen.table, code_of, status), _by_indicator(screen.table, code_of, pct))
    cards = {c.indicator: c for s in screen.sections for c in s.cards}
    out["overview cards"] = ({k: c.verdict_text for k, c in cards.items()},
                             {k: c.caption.split(f"{pct}: ")[1].split("  \n")[0] for k, c in cards.items()})

    domain_status, domain_pct = {}, {}
    for key in DOMAIN_PAGES:
        view = domain_view(demo_snapshot, unit_table, catalogue, key, UNIT, period, 34)
        table = indicator_table(view, catalogue, "vi")
        domain_status |= _by_indicator(table, code_of, status)
        domain_pct |= _by_indicator(table, code_of, pct)
    out["domain tables"] = (domain_status, domain_pct)

    compare_status, compare_pct = {}, {}
    for code in catalogue["code"]:
        screen = compare_screen(demo_snapshot, unit_table, catalogue, 34, period, code, None, "vi", focus=UNIT)
        row = screen.table[screen.table[t("unit", "vi")] == "Vĩnh Long"].iloc[0]
        compare_status[code], compare_pct[code] = row[status], row[pct]
    out["compare table"] = (compare_status, compare_pct)

    deck = build_deck(demo_snapshot, UNIT, period, "vi", data_dir=demo_dir)
    out["slides"] = (dict(zip(deck.figures["indicator"], (verdict_text(v) for v in deck.figures["verdict"]))),
                     dict(zip(deck.figures["indicator"], deck.figures["achievement_text"])))

    settings = load_settings()
    document = Document(io.BytesIO(build_docx(deck, settings)))
    annex = document.tables[-1]
    names = [cell.text for cell in annex.columns[1].cells]
    achieved = [cell.text for cell in annex.columns[5].cells]
    out["word annex"] = (None, {code_of[n]: a for n, a in zip(names, achieved) if n in code_of})

    sheet = load_workbook(io.BytesIO(build_xlsx(deck, settings))).active
    rows = list(sheet.iter_rows(values_only=True))
    header_row = next(i for i, r in enumerate(rows) if r and t("status", "vi") in r)
    header = list(rows[header_row])
    code_column, status_column = header.index("Mã chỉ tiêu"), header.index(status)
    out["excel"] = ({r[code_column]: r[status_column] or "" for r in rows[header_row + 1:] if r[code_column]}, None)
    return out


def test_every_surface_gives_the_same_verdict_and_percentage(surfaces, demo_snapshot, period):
    truth = figures(demo_snapshot, [UNIT], [period])
    verdicts = {r.indicator: verdict_text(r.verdict) for r in truth.itertuples()}
    achieved = {r.indicator: achievement_text(r.achievement_pct) for r in truth.itertuples()}
    for name, (shown_verdicts, shown_pct) in surfaces.items():
        for code, text in (shown_verdicts or {}).items():
            assert text == verdicts[code], f"{name}, {code}: {text!r} != {verdicts[code]!r}"
        for code, text in (shown_pct or {}).items():
            assert text == achieved[code], f"{name}, {code}: {text!r} != {achieved[code]!r}"
        assert len(shown_verdicts or shown_pct) >= 10, name


def test_a_nine_month_count_is_judged_on_its_progress_everywhere(surfaces, demo_snapshot, period):
    if period != "2026-M09":
        pytest.skip("only a cumulative period is judged on its progress within the year")
    row = figures(demo_snapshot, [UNIT], [period]).set_index("indicator").loc["jobs_created"]
    # short of the whole-year plan at 9 months: machine status 'below', but the screens judge the pace
    assert row["status"] == formulas.BELOW and row["progress_status"] in formulas.PROGRESS_STATUSES
    assert row["verdict"] == row["progress_status"]
    for name, (shown_verdicts, _) in surfaces.items():
        if shown_verdicts is not None:
            assert shown_verdicts["jobs_created"] == t(row["progress_status"], "vi"), name
