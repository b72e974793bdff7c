"""Exports read back (python-pptx, python-docx, openpyxl): structure, fonts, margins, header texts, and
numbers equal to the facts; formula-injection safety; CLI exit codes; the presentation page."""
from __future__ import annotations

import datetime as dt
import io
import shutil
import unicodedata
import zipfile

import pytest
from conftest import run_page
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from kpi import cli
from kpi.figures import figures, indicators, unreported
from kpi.reports.deck import build_deck, presentation_unit, wrap
from kpi.reports.excel import build_xlsx
from kpi.reports.powerpoint import build_pptx
from kpi.reports.settings import SettingsError, load_settings
from kpi.reports.sheets import figures_sheet
from kpi.reports.spreadsheet import table_to_xlsx_bytes
from kpi.reports.word import ANNEX_HEADERS, build_docx
from kpi.store.indicators import domains
from kpi.text import fmt
from kpi.text.i18n import t

UNIT, PERIOD = "VN34-86", "2025"  # Vĩnh Long, the settings' province
EMU_PER_MM = 36000


@pytest.fixture(scope="module")
def deck(demo_snapshot, demo_dir):
    return build_deck(demo_snapshot, UNIT, PERIOD, "vi", data_dir=demo_dir)


@pytest.fixture(scope="module")
def agency():
    return load_settings()


@pytest.fixture(scope="module")
def facts(demo_snapshot):
    """The figures straight from the engine (uncached), with catalogue metadata, keyed by indicator;
    as every surface, without the catalogue's indicators the snapshot holds no figure of."""
    frame = figures(demo_snapshot, [UNIT], [PERIOD])
    frame = frame[~frame["indicator"].isin(unreported(demo_snapshot, frame["indicator"]))]
    meta = indicators(demo_snapshot).set_index("code")
    frame = frame.join(meta[["name_vi", "unit_of_measure", "decimals", "domain"]], on="indicator")
    return frame.set_index("indicator")


def expected_titles(facts) -> list[str]:
    with_figures = set(facts.loc[facts["actual"].notna(), "domain"])
    titles = ["Kết quả thực hiện so với kế hoạch"]
    titles += [d["name_vi"] for _, d in domains().iterrows() if d["domain"] in with_figures]
    titles.append("Vĩnh Long trong 34 tỉnh, thành phố")
    return titles


# ------------------------------------------------------------------ deck


@pytest.mark.query
def test_deck_slides_follow_the_facts(deck, facts):
    titles = expected_titles(facts)
    assert deck.titles[:len(titles)] == titles
    assert deck.unit_full_name == "tỉnh Vĩnh Long"
    rated = facts[(facts["direction"] != 0) & facts["status"].isin(["exceeded", "met", "below"])]
    good = int(rated["status"].isin(["exceeded", "met"]).sum())
    assert deck.slides[0].summary.startswith(f"{good}/{len(rated)} chỉ tiêu đạt và vượt kế hoạch")
    head = deck.slides[0].data
    assert int(head["count"].sum()) == len(facts)


@pytest.mark.query
def test_cumulative_period_speaks_of_progress(demo_snapshot, demo_dir):
    deck = build_deck(demo_snapshot, UNIT, "2025-M09", "vi", data_dir=demo_dir)
    assert deck.slides[0].summary.startswith("Lũy kế: ") and "tiến độ" in deck.slides[0].summary
    jobs = deck.figures.set_index("indicator").loc["jobs_created"]
    sentence = next(n for n in deck.slides[1].notes if n.startswith("Giải quyết việc làm"))
    assert f"bằng {fmt.percent(jobs['achievement_pct'], 1)} kế hoạch năm" in sentence
    # judged on its pace (and which pace), never 'chưa đạt' while the year runs
    assert jobs["verdict"] in ("ahead", "on_schedule", "behind") and t(jobs["verdict"]).lower() in sentence
    assert "cần " in sentence and "kế hoạch năm)" in sentence and "chưa đạt" not in sentence


@pytest.mark.query
def test_emulation_slide_when_a_scorecard_exists(deck):
    scoring = pytest.importorskip("kpi.scoring")
    paths = scoring.list_scorecards()
    has_card = any(scoring.load_scorecard(p).period == PERIOD and "Vĩnh Long" in scoring.load_scorecard(p).units
                   for p in paths)
    assert ("Xếp hạng thi đua" in deck.titles) == has_card
    if has_card:
        slide = deck.slides[-1]
        assert slide.kind == "emulation"
        assert slide.data["highlight"].sum() == 1
        assert slide.summary.startswith("Vĩnh Long: hạng ")


@pytest.mark.query
def test_no_emulation_slide_without_scorecard(demo_snapshot, demo_dir):
    deck = build_deck(demo_snapshot, "VN63-83", "2020", "vi", data_dir=demo_dir)
    assert deck.titles[-1] == "Bến Tre trong 63 tỉnh, thành phố"
    assert "Xếp hạng thi đua" not in deck.titles


@pytest.mark.query
def test_provinces_slide_ranks_count_of_indicators_met(deck, demo_snapshot):
    slide = next(s for s in deck.slides if s.kind == "provinces")
    data = slide.data
    assert len(data) == 34
    mine = data[data["unit"] == UNIT].iloc[0]
    alone = figures(demo_snapshot, [UNIT], [PERIOD])
    alone = alone[(alone["direction"] != 0) & alone["actual"].notna()]
    assert mine["good"] == int(alone["status"].isin(["exceeded", "met"]).sum())
    better = int((data["good"] > mine["good"]).sum())
    assert mine["rank_label"].rstrip("=") == str(better + 1)


@pytest.mark.query
def test_presentation_unit_falls_back_to_the_settings_province(demo_snapshot, agency):
    from kpi.figures import units

    table = units(demo_snapshot)
    assert presentation_unit(table, "VN", 34, agency.province_unit) == "VN34-86"
    assert presentation_unit(table, "VN-01", 34, agency.province_unit) == "VN-01"
    assert presentation_unit(table, "VN", 63, agency.province_unit) == "VN"


@pytest.mark.unit
def test_wrap_balances_lines():
    assert wrap("Giải quyết việc làm") == "Giải quyết việc làm"
    lines = wrap("Đưa người lao động đi làm việc ở nước ngoài theo hợp đồng").split("\n")
    assert len(lines) == 2 and min(len(x) for x in lines) > 15


# ------------------------------------------------------------------ PowerPoint


@pytest.fixture(scope="module")
def pptx_file(deck, agency):
    from pptx import Presentation

    return Presentation(io.BytesIO(build_pptx(deck, agency)))


def _texts(slide) -> list[str]:
    return [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]


@pytest.mark.query
def test_pptx_slides_titles_charts_and_footer(pptx_file, deck, facts):
    assert abs(pptx_file.slide_width / pptx_file.slide_height - 16 / 9) < 0.01
    slides = list(pptx_file.slides)
    assert len(slides) == len(deck.slides)
    for number, (slide, model) in enumerate(zip(slides, deck.slides), start=1):
        texts = _texts(slide)
        assert texts[0] == model.title
        assert unicodedata.is_normalized("NFC", texts[0])
        charts = [s for s in slide.shapes if s.has_chart]  # native charts, not pictures (tests/test_present.py)
        assert len(charts) == 1 and not [s for s in slide.shapes if s.shape_type == 13]
        assert charts[0].width > pptx_file.slide_width * 0.8
        footer = texts[-1]
        assert deck.snapshot_id in footer and footer.endswith(f"{number}/{len(slides)}")
    assert [_texts(s)[0] for s in slides][:len(expected_titles(facts))] == expected_titles(facts)


@pytest.mark.query
def test_pptx_notes_quote_the_facts(pptx_file, facts):
    slide = next(s for s in pptx_file.slides if _texts(s)[0] == "Lao động - Việc làm")
    notes = slide.notes_slide.notes_text_frame.text
    jobs = facts.loc["jobs_created"]
    assert f"Giải quyết việc làm: {fmt.number(jobs['actual'], 0)} người" in notes
    assert fmt.percent(jobs["achievement_pct"], 1) in notes


# ------------------------------------------------------------------ Word (Decree 30/2020/NĐ-CP)

ISSUED = dt.date(2026, 1, 5)


@pytest.fixture(scope="module")
def docx_file(deck, agency):
    from docx import Document

    return Document(io.BytesIO(build_docx(deck, agency, issued=ISSUED)))


@pytest.mark.query
def test_docx_page_and_margins(docx_file):
    section = docx_file.sections[0]
    assert round(section.page_width / EMU_PER_MM) == 210 and round(section.page_height / EMU_PER_MM) == 297
    assert 20 <= section.top_margin / EMU_PER_MM <= 25 and 20 <= section.bottom_margin / EMU_PER_MM <= 25
    assert 30 <= section.left_margin / EMU_PER_MM <= 35 and 15 <= section.right_margin / EMU_PER_MM <= 20


def _all_runs(document):
    for paragraph in document.paragraphs:
        yield "body", paragraph, paragraph.runs
    for number, table in enumerate(document.tables):
        for row in table.rows:
            for column, cell in enumerate(row.cells):
                for paragraph in cell.paragraphs:
                    yield f"table{number}:{column}", paragraph, paragraph.runs


@pytest.mark.query
def test_docx_fonts_times_new_roman_13_14(docx_file):
    sizes = set()
    for where, _paragraph, runs in _all_runs(docx_file):
        for run in runs:
            if not run.text.strip():
                continue
            assert run.font.name == "Times New Roman", run.text
            size = run.font.size.pt
            if where == "table1:0":  # "Nơi nhận" 12 and its list 11, as Decree 30 sets them
                assert size in (11, 12), run.text
            else:
                assert size in (13, 14), run.text
                sizes.add(size)
    assert sizes == {13, 14}
    assert docx_file.styles["Normal"].font.name == "Times New Roman"


@pytest.mark.query
def test_docx_header_texts(docx_file, agency, facts):
    header = docx_file.tables[0]
    left = [p for p in header.cell(0, 0).paragraphs if p.text]
    # names are kept on one line with non-breaking spaces ("VĨNH LONG")
    assert [p.text.replace("\u00a0", " ") for p in left] == [agency.parent_agency, agency.agency]
    assert "VĨNH\u00a0LONG" in left[0].text and left[1].runs[0].bold
    title, motto = header.cell(0, 1).paragraphs[:2]
    assert title.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and title.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold and motto.runs[0].underline
    assert header.cell(1, 0).text.startswith("Số:") and header.cell(1, 0).text.endswith("/BC-SNV")
    date = header.cell(1, 1).paragraphs[0]
    assert date.text.replace("\u00a0", " ") == "Vĩnh Long, ngày 05 tháng 01 năm 2026" and date.runs[0].italic
    paragraphs = [p for p in docx_file.paragraphs if p.text]
    index = next(i for i, p in enumerate(paragraphs) if p.text == "BÁO CÁO")
    assert paragraphs[index].runs[0].bold
    assert paragraphs[index + 1].text.replace("\u00a0", " ") == (
        "Kết quả thực hiện các chỉ tiêu ngành lao động, người có công và xã hội năm 2025 của tỉnh Vĩnh Long")
    body = "\n".join(p.text for p in paragraphs).replace("\u00a0", " ")
    for name in expected_titles_domains(facts):
        assert name in body
    signer = docx_file.tables[1].cell(0, 1).text
    assert agency.signatory_title in signer


def expected_titles_domains(facts) -> list[str]:
    """The body's numbered domains: those with a figure (a domain of the catalogue without any, such
    as one whose indicators the demo does not generate, has no section)."""
    with_figures = set(facts.loc[facts["actual"].notna(), "domain"])
    names = [name for code, name in zip(domains()["domain"], domains()["name_vi"]) if code in with_figures]
    return [f"{i}. {name}" for i, name in enumerate(names, start=1)]


@pytest.mark.query
def test_docx_annex_values_equal_the_facts(docx_file, facts):
    annex = docx_file.tables[-1]
    header = [c.text for c in annex.rows[0].cells]
    assert header == ANNEX_HEADERS
    seen = 0
    by_name = facts.reset_index().set_index("name_vi")
    for row in annex.rows[1:]:
        cells = [c.text.replace("\u00a0", " ") for c in row.cells]
        if cells[1] in set(domains()["name_vi"]):
            continue
        fact = by_name.loc[cells[1]]
        decimals = int(fact["decimals"])
        change = (fmt.signed_points(fact["change_pp"], 2) if fact["aggregation"] == "ratio"
                  else fmt.signed_percent(fact["change_pct"], 1))
        assert cells[2:] == [fact["unit_of_measure"], fmt.number(fact["plan"], decimals),
                             fmt.number(fact["actual"], decimals), fmt.percent(fact["achievement_pct"], 1), change]
        seen += 1
    assert seen == len(facts)
    jobs = [c.text for c in annex.rows[2].cells]
    assert jobs[1] == "Giải quyết việc làm" and jobs[4] == "68.825"  # 2025 demo figure, catalogue order


# ------------------------------------------------------------------ Excel


def _header_row(ws, first: str) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == first)


@pytest.mark.query
def test_xlsx_figures_at_full_precision(deck, agency, facts):
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(build_xlsx(deck, agency)))
    ws = book.worksheets[0]
    assert agency.agency in ws["A1"].value and deck.snapshot_id in ws["A3"].value
    top = _header_row(ws, "Lĩnh vực")
    columns = [c.value for c in ws[top]]
    code_col, actual_col, plan_col = (columns.index(x) + 1 for x in ("Mã chỉ tiêu", "Thực hiện", "Kế hoạch năm"))
    rows = range(top + 1, ws.max_row + 1)
    assert len(rows) == len(facts)
    for r in rows:
        fact = facts.loc[ws.cell(r, code_col).value]
        # unrounded: equal to Excel's own precision (15 significant digits)
        actual = ws.cell(r, actual_col).value
        assert (actual is None) if fact["actual"] != fact["actual"] else \
            actual == pytest.approx(float(fact["actual"]), rel=1e-15, abs=0)
        plan = ws.cell(r, plan_col).value
        assert (plan is None) if fact["plan"] != fact["plan"] else plan == pytest.approx(float(fact["plan"]), rel=1e-15)
    assert "Tỉnh, thành phố" in book.sheetnames


INJECTIONS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", "=HYPERLINK(\"http://x\")"]


def _formulas_in(payload: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(payload)) as archive:
        return any("<f>" in archive.read(n).decode() or "<f " in archive.read(n).decode()
                   for n in archive.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.unit
def test_table_to_xlsx_writes_text_never_formulas():
    import pandas as pd
    from openpyxl import load_workbook

    frame = pd.DataFrame({"Tên": INJECTIONS, "Số": [1.5, 2, None, 4, 5]})
    payload = table_to_xlsx_bytes(frame, "Bảng: thử/1", "=Tiêu đề")
    assert not _formulas_in(payload)
    ws = load_workbook(io.BytesIO(payload)).active
    assert ws.title == "Bảng  thử 1" and ws["A1"].value == "=Tiêu đề" and ws["A1"].data_type == "s"
    values = [ws.cell(r, 1).value for r in range(4, 9)]
    assert values == INJECTIONS
    assert all(ws.cell(r, 1).data_type == "s" for r in range(4, 9))
    assert [ws.cell(r, 2).value for r in range(4, 9)] == [1.5, 2, None, 4, 5]


@pytest.mark.query
@hsettings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["=", "+", "-", "@"]), st.text(max_size=20)), min_size=1, max_size=5))
def test_no_text_becomes_a_formula(items):
    import pandas as pd

    texts = [prefix + rest.replace("\x00", "") for prefix, rest in items]
    texts = ["".join(ch for ch in s if ch.isprintable()) or "=" for s in texts]
    payload = table_to_xlsx_bytes(pd.DataFrame({"x": texts}), "x", "")
    assert not _formulas_in(payload)


@pytest.mark.query
def test_figures_sheet_keeps_numbers(demo_snapshot, facts):
    frame = figures(demo_snapshot, [UNIT], [PERIOD])
    sheet = figures_sheet(frame, indicators(demo_snapshot), "vi")
    # the same numbers, a missing figure staying missing (NaN, never 0)
    assert sheet["Thực hiện"].astype(float).equals(frame["actual"].astype(float).reset_index(drop=True))
    assert sheet.attrs["number_formats"]["Thực hiện"][0] in ("#,##0", "#,##0.00", "#,##0.0")


# ------------------------------------------------------------------ command line


def run_cli(args, demo_dir):
    return cli.main(["--data-dir", str(demo_dir), "export"] + args)


@pytest.mark.query
@pytest.mark.parametrize("kind", ["pptx", "docx", "xlsx"])
def test_cli_writes_each_kind(kind, demo_dir, tmp_path, capsys):
    out = tmp_path / f"report.{kind}"
    assert run_cli([kind, "--unit", "Vĩnh Long", "--period", PERIOD, "-o", str(out)], demo_dir) == 0
    assert zipfile.is_zipfile(out)
    assert "Đã ghi" in capsys.readouterr().out
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left behind


@pytest.mark.query
@pytest.mark.parametrize("args, message", [
    (["--unit", "Vĩnh Lon", "--period", "2025"], "Không tìm thấy đơn vị"),
    (["--unit", "Bến Tre", "--period", "2025"], "hợp nhất vào"),
    (["--unit", "Vĩnh Long", "--period", "2025-13"], "Kỳ báo cáo không hợp lệ"),
    (["--unit", "Vĩnh Long", "--period", "2031"], "không có số liệu"),
    (["--unit", "Vĩnh Long", "--period", "2025", "--snapshot", "20990101-000000-abcdef"], "Không có bản dữ liệu"),
])
def test_cli_bad_input_exits_1_and_writes_nothing(args, message, demo_dir, tmp_path, capsys):
    out = tmp_path / "out.docx"
    assert run_cli(["docx", "-o", str(out)] + args, demo_dir) == 1
    assert message in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.mark.query
def test_cli_output_checks(demo_dir, tmp_path, capsys):
    assert run_cli(["pptx", "--unit", "VN34-86", "--period", PERIOD, "-o", str(tmp_path / "x.docx")], demo_dir) == 1
    assert "phải có đuôi .pptx" in capsys.readouterr().err
    assert run_cli(["xlsx", "--unit", "VN34-86", "--period", PERIOD, "-o", str(tmp_path / "no" / "x.xlsx")],
                   demo_dir) == 1
    assert "không tồn tại" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


@pytest.mark.unit
def test_cli_empty_data_folder(empty_dir, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert cli.main(["--data-dir", str(empty_dir), "export", "xlsx", "--unit", "VN", "--period", "2025",
                     "-o", str(out)]) == 1
    assert "Chưa có bản dữ liệu" in capsys.readouterr().err and not out.exists()


@pytest.mark.query
def test_settings_from_the_data_folder(demo_dir, tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(demo_dir, folder)
    (folder / "settings.toml").write_text(
        '[agency]\nparent = "UBND TỈNH BẾN TRE"\nname = "SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"\n'
        'name_in_text = "Sở Lao động - Thương binh và Xã hội"\nabbreviation = "SLĐTBXH"\n'
        'province_unit = "VN63-83"\nplace = "Bến Tre"\n[signatory]\ntitle = "GIÁM ĐỐC"\n', encoding="utf-8")
    custom = load_settings(folder)
    assert custom.parent_agency == "UBND TỈNH BẾN TRE" and custom.recipients == ()
    (folder / "settings.toml").write_text('[agency]\nparent = "x"\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="thiếu khóa 'name'"):
        load_settings(folder)
    (folder / "settings.toml").write_text('[agency\n', encoding="utf-8")
    with pytest.raises(SettingsError, match="TOML"):
        load_settings(folder)


# ------------------------------------------------------------------ pages


def _slide_title(at) -> str:
    return next(m.value for m in at.markdown if "<p class='slide-title'>" in m.value)


@pytest.mark.page
def test_present_page_steps_through_the_slides(demo_dir, deck):
    at = run_page("pages/present.py", demo_dir, {"unit": UNIT, "period": PERIOD})
    assert not at.exception, [e.value for e in at.exception]
    assert deck.titles[0] in _slide_title(at)
    assert any("slide-chart" in m.value and "data:image/png;base64," in m.value for m in at.markdown)
    next_button = next(b for b in at.button if "Tiếp" in b.label)
    next_button.click().run()
    assert deck.titles[1] in _slide_title(at)
    for _ in range(len(deck.slides) - 2):
        next(b for b in at.button if "Tiếp" in b.label).click().run()
    assert next(b for b in at.button if "Tiếp" in b.label).disabled
    assert deck.titles[-1] in _slide_title(at)
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Tải PowerPoint", "Tải báo cáo Word"]
    next(b for b in at.button if "Trước" in b.label).click().run()
    assert deck.titles[-2] in _slide_title(at)


@pytest.mark.page
def test_present_page_defaults_to_the_settings_province(demo_dir):
    at = run_page("pages/present.py", demo_dir)
    assert not at.exception
    assert any("Vĩnh Long ·" in m.value for m in at.markdown)


@pytest.mark.page
@pytest.mark.parametrize("page", [None, "pages/compare.py", "pages/trends.py"])
def test_pages_offer_excel_download(page, demo_dir):
    at = run_page(page, demo_dir, {"unit": UNIT, "period": PERIOD})
    assert not at.exception, [e.value for e in at.exception]
    assert "Tải bảng (Excel)" in [b.label for b in at.get("download_button")]
