"""The PDF of a page (kpi.reports.pdf, kpi.reports.page_pdf), read back with pypdf: every province row
of the compare page for the 63 provinces (header repeated on the next page), the filters at the top,
'Trang N/M' on every page, the demo named; a PDF of every page kind builds, in both languages."""
from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from conftest import run_page
from pypdf import PdfReader

from kpi import figures, scoring
from kpi.reports import page_pdf, pdf
from kpi.screens import ranking as ranking_view
from kpi.screens import scoreboard as scoreboard_view
from kpi.screens.compare import compare_screen
from kpi.screens.domains import (
    DOMAIN_PAGES,
    domain_trend,
    domain_view,
    focus_cards,
    indicator_table,
    indicator_trend,
    map_view,
    trend_notes,
    unreported_caption,
)
from kpi.screens.overview import overview_screen
from kpi.screens.report import report_screen
from kpi.screens.reporting import reporting_screen
from kpi.screens.trends import trend_screen
from kpi.text.i18n import t

BEN_TRE, VINH_LONG = "VN63-83", "VN34-86"


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text with its line breaks as spaces (a name may wrap in a cell)."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def demo(demo_snapshot):
    snapshot = demo_snapshot
    return snapshot, figures.units(snapshot), figures.indicators(snapshot), figures.available_periods(snapshot)


def info_for(demo, lang, title, unit, period, geography, extra=None):
    snapshot, units, _, _ = demo
    return page_pdf.page_info(lang, title, snapshot, units, unit, period, geography, extra)


def compare_pdf(demo, geography: int, period: str, unit: str, lang: str = "vi") -> tuple[bytes, object]:
    snapshot, units, catalogue, _ = demo
    screen = compare_screen(snapshot, units, catalogue, geography, period, "jobs_created", None, lang, focus=unit)
    name = catalogue.set_index("code").loc["jobs_created", "name_vi" if lang == "vi" else "name_en"]
    info = info_for(demo, lang, t("page_compare", lang), unit, period, geography, [(t("indicator", lang), name)])
    return pdf.build_pdf(page_pdf.compare_document(info, screen)), screen


# ---- the builder on its own

@pytest.mark.unit
def test_column_widths_fit_the_frame_and_never_cut_a_word():
    pdf.register_fonts()
    header = ["Hạng", "Đơn vị", "Thực hiện", "Nguồn số liệu"]
    rows = [["1", "Bà Rịa - Vũng Tàu", "93.550", "Báo Dân sinh 08/12/2021, 'Ngành LĐ-TB&XH tỉnh Bến Tre: Hoàn thành vượt'"]]
    widths = pdf.column_widths(header, rows, 400, 8.5)
    assert widths is not None and abs(sum(widths) - 400) < 0.01
    for i, column in enumerate(zip(header, *rows)):
        longest = max(pdf.pdfmetrics.stringWidth(w, pdf.FONT_BOLD, 8.5) for c in column for w in c.split())
        assert widths[i] >= longest
    # short columns (a name, a figure) get their whole text on one line before the long one grows
    assert widths[1] >= pdf.pdfmetrics.stringWidth("Bà Rịa - Vũng Tàu", pdf.FONT, 8.5)
    assert pdf.column_widths(header, [["1", "x" * 400, "1", "y"]], 400, 8.5) is None  # a word wider than the page


@pytest.mark.unit
def test_missing_is_shown_as_missing_never_as_zero():
    assert pdf.cell_text(None, None, "vi") == pdf.cell_text(float("nan"), pdf.ColumnFormat(decimals=1), "vi") == "–"
    assert pdf.cell_text(18382.0, pdf.ColumnFormat(decimals=0), "vi") == "18.382"
    assert pdf.cell_text(3.5, None, "vi") == "3,5"


@pytest.mark.unit
def test_no_font_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf, "FONT_DIRS", (str(tmp_path),))
    monkeypatch.delenv("KPI_PDF_FONT_DIR", raising=False)
    pdf.register_fonts.cache_clear()
    try:
        with pytest.raises(pdf.PdfFontError, match="fonts-dejavu-core"):
            pdf.register_fonts()
    finally:
        pdf.register_fonts.cache_clear()
    monkeypatch.undo()
    pdf.register_fonts()


@pytest.mark.unit
def test_a_long_table_repeats_its_header_and_numbers_its_pages():
    frame = pd.DataFrame({"Mã": [f"R{i:03d}" for i in range(150)], "Giá trị": [i * 1000.5 for i in range(150)]})
    document = pdf.PageDocument("Bảng dài", ["Đơn vị: Thử"], [pdf.Table(frame, {"Giá trị": pdf.ColumnFormat(decimals=1)})],
                                snapshot="Bản dữ liệu: x", demo=True)
    texts = pages_text(pdf.build_pdf(document))
    assert len(texts) >= 3
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number}/{len(texts)}" in text
        assert "Giá trị" in text and "Dữ liệu minh họa" in text  # the header on every page of the table
    whole = "\n".join(texts)
    assert all(f"R{i:03d}" in whole for i in range(150)) and "149.074,5" in whole


# ---- the pages

@pytest.mark.query
def test_compare_pdf_holds_every_one_of_the_63_provinces(demo):
    data, screen = compare_pdf(demo, 63, "2020", BEN_TRE)
    assert data[:5] == b"%PDF-"
    texts = pages_text(data)
    whole = flat(" ".join(texts))
    names = list(screen.provinces["name"])
    assert len(names) == 63 and "Bến Tre" in names
    assert [n for n in names if n not in whole] == []
    # the table runs over more than one page, its header repeated at the top of each
    table_pages = [flat(text) for text in texts if re.search(r"\b\d{1,3}\.\d{3}\b", text)
                   and t("actual", "vi") in flat(text) and t("unit", "vi") in flat(text)]
    assert len(table_pages) >= 2
    later = [flat(x) for x in texts if "Đà Nẵng" in flat(x) or "Ninh Thuận" in flat(x)]
    assert later and all(t("actual", "vi") in x and t("achievement", "vi") in x for x in later)
    # Bến Tre's row with its figure as the page shows it
    assert "18.382" in whole


@pytest.mark.query
def test_compare_pdf_names_its_filters_snapshot_source_and_pages(demo):
    snapshot = demo[0]
    data, _ = compare_pdf(demo, 63, "2020", BEN_TRE)
    texts = pages_text(data)
    first = flat(texts[0])
    for line in ("Đơn vị: Bến Tre", "Kỳ báo cáo: Năm 2020", "Địa giới: 63 tỉnh", "Chỉ tiêu: Giải quyết việc làm",
                 f"Bản dữ liệu: {snapshot.id}", "Ngôn ngữ: Tiếng Việt", "Nguồn số liệu:", "Dữ liệu minh họa"):
        assert line in first, line
    assert "Báo Dân sinh" in first  # the quoted figure's published source is named
    for number, text in enumerate(texts, start=1):
        assert f"Trang {number}/{len(texts)}" in text
        assert snapshot.id in text and "Dữ liệu minh họa" in text
    english = flat(" ".join(pages_text(compare_pdf(demo, 34, "2025", VINH_LONG, "en")[0])))
    assert "Unit: Vĩnh Long" in english and "Language: English" in english and "Page 1/" in english
    assert "Demo data" in english


@pytest.mark.query
def test_compare_pdf_for_34_provinces(demo):
    data, screen = compare_pdf(demo, 34, "2026-M09", VINH_LONG)
    whole = flat(" ".join(pages_text(data)))
    assert len(screen.provinces) == 34
    assert [n for n in screen.provinces["name"] if n not in whole] == []
    assert "Kỳ báo cáo: 9 tháng năm 2026" in whole or "9 tháng" in whole


@pytest.mark.query
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_pdf_of_every_page_kind_builds(demo, lang):
    snapshot, units, catalogue, periods = demo
    built = {}
    overview = overview_screen(snapshot, units, catalogue, VINH_LONG, "2025", lang)
    built["overview"] = page_pdf.overview_document(info_for(demo, lang, overview.title, VINH_LONG, "2025", 34),
                                                   overview)
    trends = trend_screen(snapshot, units, catalogue, [VINH_LONG, "VN34-01"], periods, 12, "jobs_created", lang)
    built["trends"] = page_pdf.trends_document(info_for(demo, lang, t("page_trends", lang), VINH_LONG, "2025", 34),
                                               trends)
    for key, page in DOMAIN_PAGES.items():
        view = domain_view(snapshot, units, catalogue, key, VINH_LONG, "2025", 34, lang)
        focus = domain_trend(snapshot, units, VINH_LONG, periods, "2025", view.focus, geography=34, lang=lang)
        indicator = view.focus[0]
        shown = map_view(view, units, catalogue, 34, indicator, "tiles", VINH_LONG, lang)
        trend = indicator_trend(snapshot, units, catalogue, VINH_LONG, periods, "2025", indicator, 34, lang)
        title = t(page.title_key, lang)
        built[key] = page_pdf.domain_document(
            info_for(demo, lang, title, VINH_LONG, "2025", 34), title, focus_cards(view, catalogue, lang),
            indicator_table(view, catalogue, lang), [unreported_caption(view, catalogue, lang)], focus.frame,
            catalogue, view.focus, trend_notes(focus, lang), shown, 34, trend,
            catalogue.set_index("code").loc[indicator])
    entry = next(e for e in scoring.scorecard_entries() if e.error is None)
    card, inputs = scoring.load_inputs(entry.scorecard, snapshot)
    result = scoring.score(card, inputs, lang)
    sens = scoring.sensitivity(result, inputs, draws=200)
    built["ranking"] = page_pdf.ranking_document(
        info_for(demo, lang, t("page_ranking", lang), VINH_LONG, "2025", 34), result.ranking,
        ranking_view.ranking_table(result, lang), ranking_view.ranking_table(result, lang, apart=True),
        ranking_view.summary_sentences(result, lang), sens.sentence(lang), ranking_view.sensitivity_table(sens, lang))
    page_word = "Trang" if lang == "vi" else "Page"
    for kind, document in built.items():
        data = pdf.build_pdf(document)
        texts = pages_text(data)
        assert data[:5] == b"%PDF-" and texts, kind
        assert f"{page_word} 1/{len(texts)}" in texts[0], kind
        assert document.title.split(" — ")[0] in flat(texts[0]), kind
    # the overview names every indicator it shows; the ranking every unit of the bloc
    overview_text = flat(" ".join(pages_text(pdf.build_pdf(built["overview"]))))
    assert all(card.title in overview_text for section in overview.sections for card in section.cards)
    ranking_text = flat(" ".join(pages_text(pdf.build_pdf(built["ranking"]))))
    assert all(name in ranking_text for name in result.ranking["name"])


@pytest.mark.query
def test_trends_pdf_names_the_units_not_the_sidebar_period(demo):
    snapshot, units, catalogue, periods = demo
    screen = trend_screen(snapshot, units, catalogue, [VINH_LONG], periods, 12, "jobs_created", "vi")
    info = info_for(demo, "vi", t("page_trends", "vi"), VINH_LONG, "2026-M09", 34,
                    [(t("units_selected", "vi"), "Vĩnh Long")])
    first = flat(pages_text(pdf.build_pdf(page_pdf.trends_document(info, screen)))[0])
    assert f"{t('units_selected', 'vi')}: Vĩnh Long" in first and "Kỳ báo cáo: 9 tháng" not in first


@pytest.mark.query
def test_pdfs_of_the_scoreboard_reporting_and_report_pages(demo, demo_dir):
    snapshot, units, catalogue, _ = demo
    board = scoreboard_view.scoreboard_screen(snapshot, units, catalogue, 63, "2020", None, None, "vi")
    info = info_for(demo, "vi", t("vw_scoreboard", "vi"), BEN_TRE, "2020", 63)
    document = page_pdf.scoreboard_document(info, board)
    coloured = [b for b in document.blocks if isinstance(b, pdf.Table)]
    assert coloured and all(b.colours and len(b.colours) == len(b.frame) for b in coloured)
    whole = flat(" ".join(pages_text(pdf.build_pdf(document))))
    assert all(row.name in whole for row in board.provinces) and len(board.provinces) == 63
    assert all(column.name.split()[0] in whole for column in board.columns)

    reporting = reporting_screen(snapshot, units, catalogue, 34, "2025", None, "vi")
    info = info_for(demo, "vi", t("vw_reporting", "vi"), VINH_LONG, "2025", 34)
    text = flat(" ".join(pages_text(pdf.build_pdf(page_pdf.reporting_document(info, reporting)))))
    assert reporting.count_line in text and all(reporting.names[u] in text for u in reporting.units)

    report = report_screen(snapshot, VINH_LONG, "2025", 34, "vi", data_dir=demo_dir, units=units)
    edited = {"strengths": "Ưu điểm viết trên trang", "weaknesses": "", "directions": "", "proposals": "Kiến nghị A"}
    info = info_for(demo, "vi", t("rep_page_title", "vi"), VINH_LONG, "2025", 34)
    text = flat(" ".join(pages_text(pdf.build_pdf(page_pdf.report_document(info, report, edited)))))
    assert "Ưu điểm viết trên trang" in text and "Kiến nghị A" in text and report.results[0][0] in text


@pytest.mark.page
@pytest.mark.parametrize("page", ["pages/overview.py", "pages/compare.py", "pages/trends.py", "domain:employment",
                                  "domain:merit", "pages/ranking.py", "pages/scoreboard.py", "pages/reporting.py",
                                  "pages/report.py"])
def test_every_page_offers_its_pdf_and_says_it_prints_every_row(demo_dir, page):
    at = run_page(page, demo_dir, {"unit": VINH_LONG, "period": "2025"}, timeout=180)
    assert not at.exception, page
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count(t("pdf_download", "vi")) == 1, (page, labels)
    assert any(c.value == t("pdf_print_caption", "vi") for c in at.caption), page
