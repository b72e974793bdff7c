"""The ranking as an Excel workbook the committee's minutes can cite (openpyxl).

Sheets: Xếp hạng (ranking), Chi tiết điểm (per unit and criterion: inputs, formula, points),
Điểm cộng, trừ (items with reasons), Độ vững (sensitivity, when given), Bảng điểm (the scorecard
used, its file and SHA-256, and its TOML text) and Nguồn (snapshot id and time, export time).
Text that starts with = + - @ is stored as text, never as a formula.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi import scoring

FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell_value(value):
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "có" if value else "không"
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if np.isnan(value) else float(value)
    return str(value)


def _append(ws, values: list) -> None:
    """Append a row; every string is stored as text (a leading = + - @ never becomes a formula)."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col)
        value = _cell_value(value)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
            if value.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
        elif isinstance(value, float):
            cell.number_format = "0.00"
    if not values:
        ws.cell(row=row, column=1).value = None


def _write_rows(ws, header: list[str], rows: list[list], widths: dict[int, int] | None = None) -> None:
    _append(ws, header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        _append(ws, row)
    for col, width in (widths or {}).items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


def workbook_bytes(result: scoring.ScoreResult, snapshot, sensitivity: scoring.Sensitivity | None = None,
                   scorecard_path: Path | None = None) -> bytes:
    card = result.scorecard
    wb = Workbook()
    ws = wb.active
    ws.title = "Xếp hạng"
    criteria = list(card.criteria)
    header = ["Hạng", "Đồng hạng", "Mã đơn vị", "Đơn vị", "Tổng điểm", "Danh hiệu đề xuất", "Đủ số liệu",
              "Tiêu chí thiếu số liệu", "Điểm thưởng", "Điểm trừ"] + [f"{c.id}. {c.label or c.indicator}" for c in criteria]
    rows = [[r["rank"], r["tied"], r["unit"], r["name"], r["total"],
             r["tier"] or ("chưa xếp loại (thiếu số liệu)" if not r["complete"] else ""), r["complete"], r["missing"],
             r["bonus"], r["penalty"]] + [r[c.id] for c in criteria] for _, r in result.ranking.iterrows()]
    _write_rows(ws, header, rows, {4: 40, 6: 28, 8: 30})

    ws = wb.create_sheet("Chi tiết điểm")
    b = result.breakdown
    rows = [[r["unit"], r["name"], r["criterion"], r["label"], r["indicator"], scoring.METHOD_NAMES[r["method"]],
             "cao hơn là tốt" if r["direction"] > 0 else "thấp hơn là tốt", r["actual"], r["plan"],
             r["achievement_pct"], r["inputs"], r["formula"], r["points"], r["max_points"], r["missing"]]
            for _, r in b.iterrows()]
    _write_rows(ws, ["Mã đơn vị", "Đơn vị", "Tiêu chí", "Tên tiêu chí", "Chỉ tiêu", "Phương pháp", "Chiều",
                     "Thực hiện", "Kế hoạch", "Tỷ lệ đạt KH (%)", "Đầu vào", "Công thức", "Điểm", "Điểm tối đa",
                     "Thiếu số liệu"], rows, {2: 36, 4: 30, 11: 50, 12: 80})

    ws = wb.create_sheet("Điểm cộng, trừ")
    names = result.ranking.set_index("unit")["name"]
    rows = [[a["unit"], names.get(a["unit"], a["unit"]), a["kind"], a["points"], a["reason"]]
            for _, a in result.adjustments.iterrows()]
    _write_rows(ws, ["Mã đơn vị", "Đơn vị", "Loại", "Điểm", "Lý do"], rows, {2: 36, 5: 70})

    if sensitivity is not None:
        ws = wb.create_sheet("Độ vững")
        rows = [[r["unit"], r["name"], r["base_rank"], r["median_rank"], r["p5_rank"], r["p95_rank"], r["p_first"]]
                for _, r in sensitivity.table.iterrows()]
        _write_rows(ws, ["Mã đơn vị", "Đơn vị", "Hạng theo bảng điểm", "Hạng trung vị", "Hạng phân vị 5%",
                         "Hạng phân vị 95%", "Xác suất đứng đầu"], rows, {2: 36})
        _append(ws, [])
        for line in (sensitivity.sentence,
                     f"Số phương án: {sensitivity.draws}; hạt giống ngẫu nhiên (seed): {sensitivity.seed}; "
                     f"trọng số dao động ±{sensitivity.spread * 100:g}%; xác suất đổi phương pháp chấm: "
                     f"{sensitivity.switch * 100:g}%"):
            _append(ws, [line])

    ws = wb.create_sheet("Bảng điểm")
    path = scorecard_path or card.path
    info = [("Tên bảng điểm", card.title), ("Khối thi đua", card.bloc), ("Kỳ", card.period),
            ("Phiên bản", card.version), ("Căn cứ", card.issued), ("Tệp", path.name if path else ""),
            ("SHA-256 của tệp", scoring.file_sha256(path) if path and Path(path).exists() else ""),
            ("Điểm thưởng tối đa", card.max_bonus)]
    _write_rows(ws, ["Mục", "Nội dung"], [list(i) for i in info], {1: 22, 2: 90})
    _append(ws, [])
    _append(ws, ["Tiêu chí", "Tên", "Chỉ tiêu", "Điểm tối đa", "Phương pháp", "Mức trần (%)", "Mốc thấp", "Mốc cao"])
    for c in criteria:
        _append(ws, [c.id, c.label, c.indicator or ", ".join(f"{u}: {i}" for u, i in c.indicator_by_unit.items()),
                  c.points, scoring.METHOD_NAMES[c.method], c.cap_pct if c.method == scoring.PLAN_RATIO else None,
                  c.worst, c.best])
    _append(ws, [])
    _append(ws, ["Mức danh hiệu", "Từ (điểm)"])
    for tier in card.tiers:
        _append(ws, [tier.name, tier.min_points])
    if path and Path(path).exists():
        _append(ws, [])
        _append(ws, ["Nội dung tệp bảng điểm (TOML)"])
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            _append(ws, [line])

    ws = wb.create_sheet("Nguồn")
    now = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    source = [("Bản dữ liệu (snapshot)", snapshot.id), ("Thời điểm tạo bản dữ liệu", snapshot.created),
              ("Bản dữ liệu minh họa", "có" if snapshot.is_demo else "không"),
              ("Thời điểm xuất tệp", now),
              ("Số liệu", "queries/facts_aggregate.sql trên facts.parquet (cột actual, plan)")]
    _write_rows(ws, ["Mục", "Nội dung"], [list(s) for s in source], {1: 30, 2: 70})
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
