"""The ranking as an Excel workbook the committee's minutes can cite, in Vietnamese.

Sheets: Xếp hạng (ranking; units missing a figure after the complete ones, marked, with the
scorecard's rule said under the table), Chi tiết điểm (per unit and criterion: inputs, formula, points),
Điểm cộng, trừ (items with reasons), Độ vững (sensitivity, when given), Bảng điểm (the scorecard
used, its file and SHA-256, and its TOML text) and Nguồn (snapshot id and time, export time).
Every cell goes through the one safe writer (kpi.reports.spreadsheet): text is never a formula.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

from kpi.reports import spreadsheet
from kpi.scoring import PLAN_RATIO, ScoreResult, Sensitivity, file_sha256, incomplete_rule, method_name, rank_label
from kpi.text.i18n import t

LANG = "vi"
NUMBER_FORMAT = "0.00"


def _yes(value) -> str:
    return "có" if value else "không"


def _lines(ws, start_row: int, lines: list[str]) -> int:
    """Text lines in the first column from `start_row`; returns the last row written."""
    for i, line in enumerate(lines):
        spreadsheet.set_cell(ws.cell(start_row + i, 1), line)
    return start_row + len(lines) - 1


def _ranking(ws, result: ScoreResult) -> None:
    criteria = list(result.scorecard.criteria)
    header = ["Hạng", "Mã đơn vị", "Đơn vị", "Tổng điểm", "Danh hiệu đề xuất", "Đủ số liệu", "Tiêu chí thiếu số liệu",
              "Điểm thưởng", "Điểm trừ"] + [f"{c.id}. {c.label or c.indicator}" for c in criteria]
    rows = [[rank_label(r["rank"], r["tied"], r["complete"], LANG), r["unit"], r["name"], r["total"],
             r["tier"] or ("" if r["complete"] else t("rank_no_tier_incomplete", LANG)), _yes(r["complete"]),
             r["missing"], r["bonus"], r["penalty"]] + [r[c.id] for c in criteria]
            for _, r in result.ranking.iterrows()]
    last = spreadsheet.write_rows(ws, header, rows, widths={1: 16, 3: 40, 5: 28, 7: 30}, number_format=NUMBER_FORMAT)
    if not result.ranking["complete"].all():
        _lines(ws, last + 2, [incomplete_rule(result.scorecard, LANG)])


def _breakdown(ws, result: ScoreResult) -> None:
    rows = [[r["unit"], r["name"], r["criterion"], r["label"], r["indicator"], method_name(r["method"], LANG),
             "cao hơn là tốt" if r["direction"] > 0 else "thấp hơn là tốt", r["actual"], r["plan"],
             r["achievement_pct"], r["inputs"], r["formula"], r["points"], r["max_points"], r["missing"]]
            for _, r in result.breakdown.iterrows()]
    spreadsheet.write_rows(ws, ["Mã đơn vị", "Đơn vị", "Tiêu chí", "Tên tiêu chí", "Chỉ tiêu", "Phương pháp", "Chiều",
                                "Thực hiện", "Kế hoạch", "Tỷ lệ đạt KH (%)", "Đầu vào", "Công thức", "Điểm",
                                "Điểm tối đa", "Thiếu số liệu"], rows,
                           widths={2: 36, 4: 30, 11: 50, 12: 80}, number_format=NUMBER_FORMAT)


def _adjustments(ws, result: ScoreResult) -> None:
    names = result.ranking.set_index("unit")["name"]
    rows = [[a["unit"], names.get(a["unit"], a["unit"]), a["kind"], a["points"], a["reason"]]
            for _, a in result.adjustments.iterrows()]
    spreadsheet.write_rows(ws, ["Mã đơn vị", "Đơn vị", "Loại", "Điểm", "Lý do"], rows, widths={2: 36, 5: 70},
                           number_format=NUMBER_FORMAT)


def _sensitivity(ws, sensitivity: Sensitivity) -> None:
    rows = [[r["unit"], r["name"], r["base_rank"], r["median_rank"], r["p5_rank"], r["p95_rank"], r["p_first"]]
            for _, r in sensitivity.table.iterrows()]
    last = spreadsheet.write_rows(ws, ["Mã đơn vị", "Đơn vị", "Hạng theo bảng điểm", "Hạng trung vị",
                                       "Hạng phân vị 5%", "Hạng phân vị 95%", "Xác suất đứng đầu"], rows,
                                  widths={2: 36})
    _lines(ws, last + 2, [
        sensitivity.sentence(LANG),
        f"Số phương án: {sensitivity.draws}; hạt giống ngẫu nhiên (seed): {sensitivity.seed}; trọng số dao động "
        f"±{sensitivity.spread * 100:g}%; xác suất đổi phương pháp chấm: {sensitivity.switch * 100:g}%"])


def _scorecard(ws, result: ScoreResult, path: Path | None) -> None:
    """The scorecard's head, criteria and tiers, and its exact text: a file's, or the text it was read
    from (a version in the catalogue, kpi.scoring.versions), named by its file name and SHA-256."""
    card = result.scorecard
    exists = bool(path) and Path(path).exists()
    text = Path(path).read_text(encoding="utf-8") if exists else card.text
    info = [["Tên bảng điểm", card.title], ["Khối thi đua", card.bloc], ["Kỳ", card.period],
            ["Phiên bản", card.version], ["Căn cứ", card.issued],
            ["Tệp", path.name if path else card.name if card.text else ""],
            ["SHA-256 của tệp", file_sha256(path) if exists else card.sha256], ["Điểm thưởng tối đa", card.max_bonus],
            ["Đơn vị thiếu số liệu", incomplete_rule(card, LANG)]]
    last = spreadsheet.write_rows(ws, ["Mục", "Nội dung"], info, widths={1: 22, 2: 90})
    criteria = [[c.id, c.label, c.indicator or ", ".join(f"{u}: {i}" for u, i in c.indicator_by_unit.items()),
                 c.points, method_name(c.method, LANG), c.cap_pct if c.method == PLAN_RATIO else None, c.worst, c.best]
                for c in card.criteria]
    last = spreadsheet.write_rows(ws, ["Tiêu chí", "Tên", "Chỉ tiêu", "Điểm tối đa", "Phương pháp", "Mức trần (%)",
                                       "Mốc thấp", "Mốc cao"], criteria, start_row=last + 2)
    tiers = [[tier.name, tier.min_points] for tier in card.tiers]
    last = spreadsheet.write_rows(ws, ["Mức danh hiệu", "Từ (điểm)"], tiers, start_row=last + 2)
    ws.freeze_panes = "A2"  # the first table's header, not the last one's
    if text:
        _lines(ws, last + 2, ["Nội dung tệp bảng điểm (TOML)"] + text.splitlines())


def _source(ws, snapshot) -> None:
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    source = [["Bản dữ liệu (snapshot)", snapshot.id], ["Thời điểm tạo bản dữ liệu", snapshot.created],
              ["Bản dữ liệu minh họa", _yes(snapshot.is_demo)], ["Thời điểm xuất tệp", now],
              ["Số liệu", "queries/facts_aggregate.sql trên facts.parquet (cột actual, plan)"]]
    spreadsheet.write_rows(ws, ["Mục", "Nội dung"], source, widths={1: 30, 2: 70})


def workbook_bytes(result: ScoreResult, snapshot, sensitivity: Sensitivity | None = None,
                   scorecard_path: Path | None = None) -> bytes:
    """The workbook of a result scored in Vietnamese (kpi.scoring.score with lang 'vi')."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    _ranking(ws, result)
    _breakdown(wb.create_sheet("Chi tiết điểm"), result)
    _adjustments(wb.create_sheet("Điểm cộng, trừ"), result)
    if sensitivity is not None:
        _sensitivity(wb.create_sheet("Độ vững"), sensitivity)
    _scorecard(wb.create_sheet("Bảng điểm"), result, scorecard_path or result.scorecard.path)
    _source(wb.create_sheet("Nguồn"), snapshot)
    return spreadsheet.workbook_bytes(wb)
