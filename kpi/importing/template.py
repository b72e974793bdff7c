"""The Excel import template (openpyxl): Vietnamese headers, a figures sheet with drop-downs,
a reference sheet of indicators, units and periods, and a short guide.

The figures sheet is what kpi.importing.readers reads back (sheet "Số liệu", headers of
readers.TEMPLATE_HEADERS). Every cell is written by kpi.reports.spreadsheet.set_cell, the one safe
writer: text stays text, and a value starting with = + - @ never becomes a formula.
"""
from __future__ import annotations

import io
from functools import lru_cache

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kpi import store
from kpi.importing.readers import CANONICAL, FIGURES_SHEET, TEMPLATE_HEADERS
from kpi.importing.targets import KIND_CHOICES
from kpi.periods import Period, parse_period
from kpi.reports.spreadsheet import set_cell, style_header
from kpi.store.indicators import load_indicators
from kpi.units.table import build_units

REFERENCE_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"
TEMPLATE_ROWS = 5000          # rows covered by the drop-downs
COLUMN_WIDTHS = {"unit": 26, "period": 22, "indicator": 48, "actual": 14, "plan": 14, "plan_kind": 18, "plan_high": 14,
                 "numerator": 12, "denominator": 12, "source": 40, "note": 30,
                 "estimate_status": 14}
GUIDE = [
    "Mẫu nhập số liệu chỉ tiêu ngành (Bảng chỉ tiêu ngành LĐ-TB&XH)",
    "",
    "1. Nhập mỗi số liệu trên một dòng của trang 'Số liệu'; không đổi tên các cột.",
    "2. Đơn vị: chọn trong danh sách, hoặc gõ mã GSO (ví dụ 83) hay tên tỉnh, thành phố (có hoặc không dấu).",
    "   Tên được hiểu theo địa giới tại thời điểm của kỳ báo cáo: trước 1/7/2025 là 63 tỉnh, từ 1/7/2025 là 34 tỉnh.",
    "3. Kỳ báo cáo: 2020 (cả năm), 2023-M06 hoặc '6 tháng đầu năm 2023', '6T/2023', '9 tháng 2023' "
    "(lũy kế từ tháng 1).",
    "4. Chỉ tiêu: chọn tên trong danh sách hoặc gõ mã chỉ tiêu (trang 'Danh mục').",
    "5. Thực hiện, Kế hoạch năm: số, không ghi đơn vị tính. Tỷ lệ (%) ghi từ 0 đến 100, ví dụ 60,6.",
    "   Số đếm (người, hộ...) ghi không có dấu phân cách nghìn, ví dụ 18382.",
    "   Loại kế hoạch: để trống hoặc 'đạt' là mức kế hoạch thông thường; chọn như nghị quyết ghi: 'từ … trở lên' (≥),",
    "   'không quá' (≤), 'dưới' (<), 'trên' (>), 'từ … đến …' (ghi thêm Kế hoạch (mức trên)), 'giảm … điểm %',",
    "   'giảm … %' hay 'tăng … %' so với cùng kỳ năm trước. Ví dụ 'giảm tỷ lệ hộ nghèo 0,78%' (điểm %):",
    "   Kế hoạch 0,78, Loại kế hoạch 'giảm … điểm %'. Kế hoạch cả năm ghi ở kỳ năm (2021) được dùng cho 6, 9 tháng.",
    "6. Tử số, Mẫu số: cho các chỉ tiêu tỷ lệ, để cộng dồn đúng cho vùng và cả nước (tỷ lệ = tử số / mẫu số × 100).",
    "7. Nguồn: báo cáo, văn bản có số liệu. Ghi chú: tùy ý.",
    "",
    "Khi tải lên trang Dữ liệu, hệ thống kiểm tra từng dòng và chỉ ghi bản dữ liệu mới khi bạn xác nhận;",
    "các bản dữ liệu cũ được giữ nguyên.",
]


def _period_examples(first_year: int = 2016, last_year: int = 2027) -> list[str]:
    codes = []
    for year in range(last_year, first_year - 1, -1):
        for months in (12, 9, 6):
            codes.append(Period(year, months).code)
    return codes


def _header_row(sheet, headers: list[str], row: int = 1, column: int = 1) -> None:
    for offset, text in enumerate(headers):
        cell = sheet.cell(row=row, column=column + offset)
        set_cell(cell, text)
        style_header(cell)


def build_template(snapshot: store.Snapshot | None = None) -> bytes:
    """The template as XLSX bytes, listing the indicators and units of `snapshot` (or the catalogue)."""
    catalogue = store.read_table(snapshot, "indicators") if snapshot else load_indicators()
    units = store.read_table(snapshot, "units") if snapshot else build_units()
    provinces = units[units["level"] == "province"].sort_values(["gso_code", "generation"])

    book = Workbook()
    figures = book.active
    figures.title = FIGURES_SHEET
    reference = book.create_sheet(REFERENCE_SHEET)
    guide = book.create_sheet(GUIDE_SHEET)

    _header_row(figures, [TEMPLATE_HEADERS[c] for c in CANONICAL])
    for position, canon in enumerate(CANONICAL, start=1):
        letter = get_column_letter(position)
        figures.column_dimensions[letter].width = COLUMN_WIDTHS[canon]
        if canon in ("unit", "period", "indicator", "source", "note", "estimate_status"):
            figures.column_dimensions[letter].number_format = "@"  # 01 or 2023-M06 stay text in Excel
    figures.freeze_panes = "A2"

    _header_row(reference, ["Mã chỉ tiêu", "Tên chỉ tiêu", "Đơn vị tính"], 1, 1)
    for row, (_, ind) in enumerate(catalogue.iterrows(), start=2):
        for column, key in enumerate(("code", "name_vi", "unit_of_measure"), start=1):
            set_cell(reference.cell(row=row, column=column), str(ind[key]))
    _header_row(reference, ["Mã đơn vị", "Tên đơn vị", "Mã GSO", "Hiệu lực"], 1, 5)
    for row, (_, unit) in enumerate(provinces.iterrows(), start=2):
        validity = {"63": "đến 30/6/2025 (63 tỉnh)", "34": "từ 1/7/2025 (34 tỉnh)", "64": "đến 31/7/2008 (64 tỉnh)",
                    "61": "đến 31/12/2003 (61 tỉnh)"}.get(unit["generation"],
                                                                                     "cả hai giai đoạn")
        for column, value in enumerate((unit["unit"], unit["name_vi"], unit["gso_code"], validity), start=5):
            set_cell(reference.cell(row=row, column=column), str(value))
    _header_row(reference, ["Loại kế hoạch"], 1, 13)
    for row, choice in enumerate(KIND_CHOICES.values(), start=2):
        set_cell(reference.cell(row=row, column=13), choice)
    reference.column_dimensions["M"].width = 20
    _header_row(reference, ["Kỳ báo cáo (ví dụ)", "Nghĩa"], 1, 10)
    periods = _period_examples()
    for row, code in enumerate(periods, start=2):
        set_cell(reference.cell(row=row, column=10), code)
        set_cell(reference.cell(row=row, column=11), parse_period(code).label())
    for letter, width in zip("ABCDEFGHIJK", (30, 56, 12, 3, 12, 24, 9, 26, 3, 18, 26)):
        reference.column_dimensions[letter].width = width
    reference.freeze_panes = "A2"

    def drop_down(column_letter: str, source: str, title: str, prompt: str) -> None:
        validation = DataValidation(type="list", formula1=source, allow_blank=True, showDropDown=False,
                                    showErrorMessage=True, errorStyle="warning", errorTitle=title,
                                    error="Giá trị không có trong danh mục; vẫn giữ nếu đây là mã hoặc tên hợp lệ.",
                                    promptTitle=title, prompt=prompt, showInputMessage=True)
        figures.add_data_validation(validation)
        validation.add(f"{column_letter}2:{column_letter}{TEMPLATE_ROWS}")

    ref = f"'{REFERENCE_SHEET}'"
    letter = {canon: get_column_letter(i) for i, canon in enumerate(CANONICAL, start=1)}
    drop_down(letter["unit"], f"={ref}!$F$2:$F${len(provinces) + 1}", "Đơn vị",
              "Chọn tỉnh, thành phố hoặc gõ mã GSO")
    drop_down(letter["period"], f"={ref}!$J$2:$J${len(periods) + 1}", "Kỳ báo cáo",
              "2020, 2023-M06, 6 tháng đầu năm 2023...")
    drop_down(letter["indicator"], f"={ref}!$B$2:$B${len(catalogue) + 1}", "Chỉ tiêu",
              "Chọn chỉ tiêu hoặc gõ mã chỉ tiêu")
    drop_down(letter["plan_kind"], f"={ref}!$M$2:$M${len(KIND_CHOICES) + 1}", TEMPLATE_HEADERS["plan_kind"],
              "Để trống: mức kế hoạch; hoặc 'dưới', 'từ … trở lên', 'giảm … điểm %'...")
    drop_down(letter["estimate_status"], '"ước,sơ bộ,chính thức"', TEMPLATE_HEADERS["estimate_status"],
              "Để trống nếu báo cáo không nói; 'ước' (số ước tính), 'sơ bộ' hoặc 'chính thức'")
    for canon in ("actual", "plan", "plan_high", "numerator", "denominator"):
        numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                 showErrorMessage=True, errorStyle="stop", errorTitle=TEMPLATE_HEADERS[canon],
                                 error="Nhập một số không âm (không ghi đơn vị tính).")
        figures.add_data_validation(numbers)
        numbers.add(f"{letter[canon]}2:{letter[canon]}{TEMPLATE_ROWS}")

    for row, text in enumerate(GUIDE, start=1):
        set_cell(guide.cell(row=row, column=1), text)
    guide["A1"].font = Font(bold=True, size=13)
    guide.column_dimensions["A"].width = 120

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=4)
def template_cached(snapshot: store.Snapshot | None) -> bytes:
    """build_template memoised per immutable snapshot (the page offers it on every run)."""
    return build_template(snapshot)
