"""The Sở report: drafting rules (kpi.reports.assessment), the kept texts (kpi.store.report_texts),
the Word document (kpi.reports.word) and the Báo cáo page (pages/report.py through AppTest)."""
from __future__ import annotations

import io
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import run_page
from docx import Document

from kpi import cli, store
from kpi.access import audit
from kpi.access.users import EDITOR, VIEWER, PermissionDenied, User, local_user
from kpi.reports import assessment
from kpi.reports.decision_docs import document_text
from kpi.reports.deck import build_deck
from kpi.reports.settings import load_settings
from kpi.reports.word import build_docx
from kpi.screens import report as report_view
from kpi.store import report_texts
from kpi.store.report_texts import ReportTexts

EDITOR_USER = User(id="ed", name="Chuyên viên A", email="a@demo.vn", roles=frozenset({EDITOR}))
VIEWER_USER = User(id="vw", name="Lãnh đạo B", email="b@demo.vn", roles=frozenset({VIEWER}))


def _row(**kw):
    base = {"indicator": "x", "name": "Giải quyết việc làm", "domain": "employment", "code_order": 1,
            "actual": 60779.0, "plan": 58300.0, "plan_kind": "level", "plan_high": np.nan, "unit_of_measure": "người",
            "decimals": 0, "direction": 1, "aggregation": "sum", "verdict": "exceeded", "achievement_pct": 104.3,
            "change_pct": 7.19, "change_pp": np.nan, "change_comparable": True, "comparable": True, "complete": True,
            "progress_pct": np.nan, "expected": np.nan, "share_basis": None, "expected_share": np.nan}
    base.update(kw)
    return base


@pytest.mark.unit
def test_result_sentences_are_natural():
    exceeded = assessment.result_sentence(pd.Series(_row()))
    assert exceeded == ("Giải quyết việc làm: 60.779 người, vượt 4,3% kế hoạch năm (58.300 người); "
                        "tăng 7,2% so với cùng kỳ.")
    met = assessment.result_sentence(pd.Series(_row(actual=58300.0, achievement_pct=100.0, verdict="met")))
    assert "đạt kế hoạch năm (58.300 người)" in met and "100,0%" not in met and "(đạt)" not in met
    rate = pd.Series(_row(name="Tỷ lệ thất nghiệp khu vực thành thị", actual=2.62, plan=2.57, unit_of_measure="%",
                          decimals=2, direction=-1, aggregation="ratio", verdict="below", achievement_pct=98.1,
                          change_pct=-4.3, change_pp=-0.12))
    sentence = assessment.result_sentence(rate, rank=(19, True, 63))
    assert sentence.startswith("Tỷ lệ thất nghiệp khu vực thành thị: 2,62%, chưa đạt kế hoạch năm (2,57%)")
    assert "giảm 0,12 điểm % so với cùng kỳ" in sentence
    assert "đồng hạng 19/63 tỉnh, thành phố có số liệu về tỷ lệ thất nghiệp khu vực thành thị (thấp hơn xếp trước)" \
        in sentence and "19=" not in sentence
    missing = assessment.result_sentence(pd.Series(_row(actual=np.nan, verdict="missing")))
    assert missing == "Giải quyết việc làm: chưa có số liệu."


@pytest.mark.unit
def test_strengths_and_weaknesses_follow_the_verdicts_and_the_largest_changes():
    frame = pd.DataFrame([
        _row(indicator="a", name="A", verdict="exceeded", achievement_pct=104.0, change_pct=12.0),
        _row(indicator="b", name="B", verdict="met", achievement_pct=100.0, change_pct=1.0),
        _row(indicator="c", name="C", verdict="below", achievement_pct=90.0, actual=900.0, plan=1000.0,
             change_pct=-20.0),
        _row(indicator="d", name="D", verdict="missing", actual=np.nan, achievement_pct=np.nan, change_pct=np.nan),
        _row(indicator="e", name="E", verdict="below", achievement_pct=95.0, actual=2.1, plan=2.0, direction=-1,
             aggregation="ratio", unit_of_measure="%", decimals=2, change_pct=10.0, change_pp=0.6),
    ])
    good = assessment.strengths(frame)
    assert good[0] == "2/4 chỉ tiêu có kế hoạch đã đạt và vượt kế hoạch năm: A (104,0% kế hoạch); B (100,0% kế hoạch)."
    assert good[1] == "Chuyển biến tích cực so với cùng kỳ: A tăng 12,0% so với cùng kỳ."  # B's +1% is not notable
    bad = assessment.weaknesses(frame)
    assert bad[0] == ("2 chỉ tiêu chưa đạt kế hoạch năm: C (90,0% kế hoạch, còn thiếu 100 người so với kế hoạch "
                      "năm); E (95,0% kế hoạch).")
    # a lower-is-better rate that rose is a change for the worse
    assert bad[1] == ("Giảm sút so với cùng kỳ: C giảm 20,0% so với cùng kỳ; E tăng 0,60 điểm % so với cùng kỳ.")
    assert bad[2] == "1 chỉ tiêu chưa có số liệu trong kỳ: D."


@pytest.mark.unit
def test_headline_leaves_out_zero_counts():
    frame = pd.DataFrame([_row(verdict="exceeded"), _row(verdict="exceeded"), _row(verdict="below"),
                          _row(verdict="context_only")])
    assert assessment.headline(frame) == ("Trong 3 chỉ tiêu có kế hoạch và số liệu: 2 chỉ tiêu vượt kế hoạch, "
                                          "1 chỉ tiêu chưa đạt kế hoạch.")
    mid = pd.DataFrame([_row(verdict="met"), _row(verdict="behind"), _row(verdict="on_schedule")])
    assert assessment.headline(mid, cumulative=True) == (
        "Lũy kế đến kỳ báo cáo, trong 3 chỉ tiêu có kế hoạch và số liệu: 1 chỉ tiêu đã hoàn thành kế hoạch cả năm, "
        "1 chỉ tiêu đúng tiến độ, 1 chỉ tiêu chậm tiến độ.")


@pytest.mark.unit
def test_mid_year_speaks_of_schedule_not_of_failure():
    frame = pd.DataFrame([
        _row(indicator="a", name="A", verdict="behind", achievement_pct=60.0, actual=600.0, plan=1000.0,
             progress_pct=85.0, expected=700.0, share_basis="months", expected_share=0.75),
        _row(indicator="b", name="B", verdict="ahead", achievement_pct=80.0, progress_pct=110.0),
    ])
    sentence = assessment.result_sentence(frame.iloc[0], cumulative=True)
    assert "bằng 60,0% kế hoạch năm (1.000 người), chậm tiến độ" in sentence and "chưa đạt" not in sentence
    assert assessment.strengths(frame, cumulative=True)[0].startswith("1 chỉ tiêu vượt hoặc đúng tiến độ")
    assert assessment.weaknesses(frame, cumulative=True)[0].startswith("1 chỉ tiêu chậm tiến độ")


@pytest.mark.unit
def test_edited_lines_round_trip():
    lines = ["Một.", "Hai: ba."]
    assert assessment.lines_of(assessment.as_text(lines)) == lines
    assert assessment.lines_of("- a\n\n  + b  \nc") == ["a", "b", "c"]


@pytest.fixture(scope="module")
def data(demo_dir, tmp_path_factory):
    """A writable copy of the demo data folder (the texts are written into its catalogue)."""
    folder = tmp_path_factory.mktemp("report") / "data"
    shutil.copytree(demo_dir, folder)
    return folder


@pytest.mark.query
def test_directions_come_from_the_next_years_plans(data):
    snapshot = store.get_snapshot(None, data)
    deck = build_deck(snapshot, "VN34-15", "2025", "vi", 34, data_dir=data)
    lines = assessment.directions(snapshot, "VN34-15", "2025", deck.figures)
    assert lines[0].startswith("Thực hiện ") and "kế hoạch năm 2026" in lines[0]
    assert any(line.startswith("Giải quyết việc làm: ") for line in lines[1:])
    nothing = assessment.directions(snapshot, "VN34-15", "2026-M09", deck.figures.iloc[0:0])
    assert nothing == ["Các chỉ tiêu có kế hoạch năm 2026 đều đã hoàn thành; tiếp tục duy trì kết quả đến cuối năm."]
    none_yet = assessment.directions(snapshot, "VN34-15", "2030", deck.figures)
    assert none_yet[0].startswith("Chưa có kế hoạch năm 2031 trong dữ liệu")


@pytest.mark.query
def test_kept_texts_save_reload_newest_wins_and_a_viewer_is_refused(data):
    texts = ReportTexts("VN34-15", "2025", 34, "- Ưu 1", "- Hạn 1", "- Hướng 1", "- Kiến nghị 1", snapshot="s1")
    first = report_texts.save(texts, EDITOR_USER, data)
    second = report_texts.save(ReportTexts("VN34-15", "2025", 34, "- Ưu 2", "- Hạn 2", "- Hướng 2", "",
                                           snapshot="s1"), EDITOR_USER, data)
    assert (first.version, second.version) == (1, 2)
    newest = report_texts.newest("VN34-15", "2025", 34, data)
    assert newest.strengths == "- Ưu 2" and newest.author_name == "Chuyên viên A" and newest.saved_at
    assert [v.version for v in report_texts.versions("VN34-15", "2025", 34, data)] == [2, 1]  # none overwritten
    assert report_texts.newest("VN34-15", "2025", 63, data) is None  # another geography is another report
    with pytest.raises(PermissionDenied):
        report_texts.save(texts, VIEWER_USER, data)
    with pytest.raises(PermissionDenied):
        report_texts.save(texts, None, data)
    assert len(report_texts.versions("VN34-15", "2025", 34, data)) == 2
    log = audit.read_log(data)
    rows = log[log["action"] == report_texts.ACTION]
    assert len(rows) == 2 and set(rows["user_name"]) == {"Chuyên viên A"}
    # the next export starts from the newest kept version
    deck = build_deck(store.get_snapshot(None, data), "VN34-15", "2025", "vi", 34, data_dir=data)
    text = document_text(build_docx(deck, load_settings(data))).replace("\u00a0", " ")
    assert "- Ưu 2" in text and "- Hướng 2" in text and "Ưu 1" not in text and "phiên bản 2" in text


def _docx(deck, **kw):
    return Document(io.BytesIO(build_docx(deck, load_settings(), **kw)))


@pytest.mark.query
@pytest.mark.parametrize("unit, period, geography, parent, subject", [
    ("VN34-15", "2025", 34, "UBND TỈNH LÀO CAI", "tỉnh Lào Cai"),
    ("VN63-83", "2020", 63, "UBND TỈNH VĨNH LONG", "tỉnh Bến Tre (cũ)"),
])
def test_word_report_has_the_letterhead_four_sections_and_the_annex(demo_snapshot, demo_dir, unit, period,
                                                                    geography, parent, subject):
    deck = build_deck(demo_snapshot, unit, period, "vi", geography, data_dir=demo_dir)
    document = _docx(deck)
    head = [c.text for c in document.tables[0].rows[0].cells]
    assert head[0].replace("\u00a0", " ").startswith(parent + "\nSỞ NỘI VỤ")
    paragraphs = [p.text.replace("\u00a0", " ") for p in document.paragraphs]
    for heading in ("I. KẾT QUẢ THỰC HIỆN", "II. ĐÁNH GIÁ CHUNG", "1. Ưu điểm", "2. Hạn chế, nguyên nhân",
                    "IV. KIẾN NGHỊ", "Phụ lục"):
        assert heading in paragraphs, heading
    assert any(p.startswith("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM ") for p in paragraphs)
    assert any(subject in p for p in paragraphs[:3])
    body = "\n".join(paragraphs)
    assert "(đạt)" not in body and "xếp thứ" not in body and "=/" not in body
    # the names and the period never break across lines
    raw = "\n".join(p.text for p in document.paragraphs)
    assert subject.replace(" ", "\u00a0") in raw and "năm\u00a0" + period[:4] in raw
    assert "VĨNH\u00a0LONG" in document.tables[0].rows[0].cells[0].text or "LÀO\u00a0CAI" in \
        document.tables[0].rows[0].cells[0].text
    # Decree 30: at least 6 pt between the body's paragraphs
    spaced = [p for p in document.paragraphs if p.text and p.paragraph_format.first_line_indent]
    assert spaced and all(p.paragraph_format.space_after.pt >= 6 for p in spaced)
    # the annex still holds every figure
    assert len(document.tables[-1].rows) > len(deck.figures)


@pytest.mark.query
def test_cli_export_uses_the_kept_texts(data, tmp_path):
    report_texts.save(ReportTexts("VN63-83", "2020", 63, "- Điểm mạnh đã sửa", "- Hạn chế đã sửa", "- Hướng",
                                  "- Đề nghị Bộ Nội vụ hướng dẫn", snapshot=""), local_user("cli"), data)
    out = tmp_path / "bentre.docx"
    assert cli.main(["--data-dir", str(data), "export", "docx", "--unit", "VN63-83", "--period", "2020",
                     "-o", str(out)]) == 0
    text = document_text(out.read_bytes()).replace("\u00a0", " ")
    assert "- Điểm mạnh đã sửa" in text and "- Đề nghị Bộ Nội vụ hướng dẫn" in text
    assert "UBND TỈNH VĨNH LONG" in text and "tỉnh Bến Tre (cũ)" in text


@pytest.mark.query
def test_report_screen_starts_from_the_draft_and_saves(data):
    snapshot = store.get_snapshot(None, data)
    screen = report_view.report_screen(snapshot, "VN34-92", "2025", 34, "vi", EDITOR_USER, data_dir=data)
    assert not screen.texts.saved and screen.texts.strengths.startswith("- ") and screen.may_save
    assert screen.letterhead_lines()["left"][:2] == ["UBND THÀNH PHỐ CẦN THƠ", "SỞ NỘI VỤ"]
    values = {"strengths": "- Đã sửa", "weaknesses": screen.texts.weaknesses, "directions": "", "proposals": "- KN"}
    saved = report_view.save(screen, values, EDITOR_USER, data)
    again = report_view.report_screen(snapshot, "VN34-92", "2025", 34, "vi", VIEWER_USER, data_dir=data)
    assert again.texts.version == saved.version and again.texts.strengths == "- Đã sửa" and not again.may_save
    assert "- KN" in document_text(again.docx(values)).replace("\u00a0", " ")


@pytest.mark.query
def test_a_domain_report_is_issued_by_the_department_that_holds_it(data):
    snapshot = store.get_snapshot(None, data)
    screen = report_view.report_screen(snapshot, "VN34-15", "2025", 34, "vi", EDITOR_USER, data_dir=data,
                                       domain="training")
    assert screen.domain == "training" and "training" in screen.domains
    assert screen.letterhead.agency.agency == "SỞ GIÁO DỤC VÀ ĐÀO TẠO" and screen.letterhead.agency.abbreviation == "SGDĐT"
    assert set(screen.deck.figures["domain"]) == {"training"} and [r[0] for r in screen.results] == [
        "Giáo dục nghề nghiệp"]
    values = {f: getattr(screen.texts, f) for f in report_texts.FIELDS}
    text = document_text(screen.docx(values)).replace("\u00a0", " ")
    assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in text and "/BC-SGDĐT" in text
    assert "Kết quả thực hiện các chỉ tiêu lĩnh vực giáo dục nghề nghiệp năm 2025 của tỉnh Lào Cai" in text
    assert "Giải quyết việc làm" not in text  # another domain's figure
    assert "phiên bản" not in text  # texts exported unsaved name no saved version
    # a domain report keeps its own texts, apart from the whole sector's
    report_view.save(screen, {**values, "proposals": "- Riêng lĩnh vực"}, EDITOR_USER, data)
    assert report_texts.newest("VN34-15", "2025", 34, data, "training").proposals == "- Riêng lĩnh vực"
    whole = report_view.report_screen(snapshot, "VN34-15", "2025", 34, "vi", EDITOR_USER, data_dir=data)
    assert whole.texts.proposals != "- Riêng lĩnh vực" and whole.letterhead.agency.agency == "SỞ NỘI VỤ"
    # an unknown domain falls back to the whole sector
    assert report_view.report_screen(snapshot, "VN34-15", "2025", 34, "vi", domain="xyz", data_dir=data).domain == ""


@pytest.mark.page
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_report_page(data, lang):
    at = run_page("pages/report.py", data, {"unit": "VN34-15", "period": "2025", "geo": "34", "lang": lang})
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == ("Báo cáo" if lang == "vi" else "Report")
    markdown = "\n".join(m.value for m in at.markdown)
    assert "UBND TỈNH LÀO CAI" in markdown and "VĨNH LONG" not in markdown
    areas = {a.label: a for a in at.text_area}
    assert len(areas) == 4
    strengths = areas["II.1. Ưu điểm" if lang == "vi" else "II.1. Strengths"]
    assert strengths.value.startswith("- ")
    if lang == "vi":
        strengths.set_value("- Nội dung sửa trên trang").run()
        next(b for b in at.button if b.label == "Lưu nội dung").click().run()
        assert not at.exception
        assert any("Đã lưu phiên bản" in s.value for s in at.success)
        assert report_texts.newest("VN34-15", "2025", 34, data).strengths == "- Nội dung sửa trên trang"
    assert ("Tải báo cáo Word" if lang == "vi" else "Download the Word report") in [
        b.label for b in at.get("download_button")]
    # a report on one domain, chosen on the page, comes from its department
    if lang == "vi":
        at.selectbox(key="rdom").select("training").run()
        assert not at.exception, [e.value for e in at.exception]
        assert "SỞ GIÁO DỤC VÀ ĐÀO TẠO" in "\n".join(m.value for m in at.markdown)


@pytest.mark.query
def test_every_export_carries_the_one_letterhead_and_no_rank_by_count(demo_snapshot, demo_dir):
    from openpyxl import load_workbook
    from pptx import Presentation

    from kpi.reports.excel import build_xlsx
    from kpi.reports.powerpoint import build_pptx

    deck = build_deck(demo_snapshot, "VN34-15", "2025", "vi", 34, data_dir=demo_dir)
    settings = load_settings()  # the deployment's own agency is Vĩnh Long's: never a Lào Cai letterhead
    slides = Presentation(io.BytesIO(build_pptx(deck, settings))).slides
    footers = {shape.text_frame.text for slide in slides for shape in slide.shapes
               if shape.has_text_frame and "SỞ" in shape.text_frame.text}
    assert footers == {"UBND TỈNH LÀO CAI · SỞ NỘI VỤ"}
    book = load_workbook(io.BytesIO(build_xlsx(deck, settings)))
    assert book.worksheets[0]["A1"].value == "UBND TỈNH LÀO CAI - SỞ NỘI VỤ"
    assert "tỉnh Lào Cai" in book.worksheets[0]["A2"].value
    provinces = next(s for s in deck.slides if s.kind == "provinces")
    assert "xếp thứ" not in provinces.summary and "không xếp hạng" in provinces.summary
    if len(book.worksheets) > 1:
        assert "Hạng" not in [c.value for c in book.worksheets[1][4]]


@pytest.mark.query
def test_letterhead_lines_wrap_between_their_parts(demo_snapshot, demo_dir):
    from kpi.reports.word import letterhead_line

    deck = build_deck(demo_snapshot, "VN34-79", "2025", "vi", 34, data_dir=demo_dir)
    assert letterhead_line("UBND THÀNH PHỐ HỒ CHÍ MINH", deck, last_two=False) == \
        "UBND THÀNH\u00a0PHỐ HỒ\u00a0CHÍ\u00a0MINH"
    assert letterhead_line("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", deck) == "SỞ NÔNG NGHIỆP VÀ MÔI\u00a0TRƯỜNG"
