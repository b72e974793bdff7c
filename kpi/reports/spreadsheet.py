"""The one safe spreadsheet writer: every Excel file and every CSV the project writes goes through here.

The rule (OWASP CSV injection): a text that a spreadsheet would run as a formula (it starts with
= + - @, a tab or a carriage return) is never evaluated. In an .xlsx cell it is stored as text with
Excel's quote prefix, so it stays text even when edited; in CSV it gets a leading apostrophe.
Numbers stay numbers at full precision; a missing number is an empty cell, never 0; an infinite
ratio (kpi.formulas: unbounded achievement) is written as the text "∞", never as a broken number.
"""
from __future__ import annotations

import io
import math
import re
from functools import cache
from types import SimpleNamespace

import pandas as pd

from kpi.units.table import fold

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
HEADER_COLOUR = "DDEBF7"
INFINITY_TEXT = "∞"


@cache
def _openpyxl() -> SimpleNamespace:
    """openpyxl and the cell styles. Heavy optional (about 13 MB): loaded when a workbook is written,
    not by every page that only offers a download button."""
    from openpyxl import Workbook  # noqa: PLC0415
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: PLC0415

    thin = Side(style="thin", color="999999")
    return SimpleNamespace(Workbook=Workbook, Font=Font, Alignment=Alignment,
                           header_fill=PatternFill("solid", fgColor=HEADER_COLOUR),
                           border=Border(left=thin, right=thin, top=thin, bottom=thin))


def new_workbook():
    """An empty openpyxl Workbook."""
    return _openpyxl().Workbook()


def is_formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_csv_value(value):
    """A value for a CSV cell: formula-like text gets a leading apostrophe."""
    return "'" + value if is_formula_like(value) else value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell made safe for CSV (numbers untouched)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_csv_value)
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The frame as UTF-8 CSV with a BOM (Excel opens Vietnamese text correctly), made safe."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text for the command line (no BOM), made safe."""
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def set_cell(cell, value, number_format: str | None = None) -> None:
    """Write one cell: numbers as numbers, text always as text (never a formula)."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
        return
    if isinstance(value, bool):
        cell.value = value
        return
    if isinstance(value, float) and math.isinf(value):
        value = INFINITY_TEXT if value > 0 else "-" + INFINITY_TEXT
    if isinstance(value, (int, float)):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True  # Excel keeps it text even when the cell is edited


def sheet_title(name: str) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\ ."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", str(name)).strip() or "Sheet1"
    return cleaned[:31]


def style_header(cell) -> None:
    xl = _openpyxl()
    cell.font = xl.Font(bold=True)
    cell.fill = xl.header_fill
    cell.alignment = xl.Alignment(wrap_text=True, vertical="center", horizontal="center")


def write_rows(ws, header: list, rows: list[list], start_row: int = 1, widths: dict[int, float] | None = None,
               number_format: str | None = None, borders: bool = False) -> int:
    """A header and rows from `start_row`; returns the last row written."""
    for j, name in enumerate(header, start=1):
        cell = ws.cell(start_row, j)
        set_cell(cell, str(name))
        style_header(cell)
        if borders:
            cell.border = _openpyxl().border
    for i, values in enumerate(rows, start=1):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(start_row + i, j)
            set_cell(cell, value, number_format)
            if borders:
                cell.border = _openpyxl().border
    for j, width in (widths or {}).items():
        ws.column_dimensions[ws.cell(start_row, j).column_letter].width = width
    ws.freeze_panes = ws.cell(start_row + 1, 1)
    return start_row + len(rows)


def write_table(ws, frame: pd.DataFrame, start_row: int, number_formats: dict | None = None) -> int:
    """A DataFrame from `start_row` with borders; `number_formats`: column -> format, or one per row.
    Widths follow the content. Returns the last row written."""
    formats = number_formats or {}
    for j, column in enumerate(frame.columns, start=1):
        cell = ws.cell(start_row, j)
        set_cell(cell, str(column))
        style_header(cell)
        cell.border = _openpyxl().border
    for i, row in enumerate(frame.itertuples(index=False), start=1):
        for j, (column, value) in enumerate(zip(frame.columns, row), start=1):
            spec = formats.get(column)
            cell = ws.cell(start_row + i, j)
            set_cell(cell, value, spec[i - 1] if isinstance(spec, (list, tuple)) else spec)
            cell.border = _openpyxl().border
    for j, column in enumerate(frame.columns, start=1):
        lengths = [len(str(column))] + [len(str(v)) for v in frame[column].head(500)]
        ws.column_dimensions[ws.cell(start_row, j).column_letter].width = min(max(lengths) + 2, 60)
    ws.freeze_panes = ws.cell(start_row + 1, 1)
    return start_row + len(frame)


def write_titles(ws, lines: list[str]) -> int:
    """Title lines at the top of a sheet; returns the row where a table can start."""
    for i, line in enumerate(lines, start=1):
        set_cell(ws.cell(i, 1), line)
        ws.cell(i, 1).font = _openpyxl().Font(bold=i == 1, size=13 if i == 1 else 11)
    return len(lines) + 2


def workbook_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str, title: str, number_formats: dict | None = None) -> bytes:
    """One table as an .xlsx file: a title line, then the table (the pages' download buttons).

    `number_formats` (column -> Excel format, or one format per row) defaults to frame.attrs['number_formats'].
    """
    workbook = new_workbook()
    ws = workbook.active
    ws.title = sheet_title(sheet_name)
    start = write_titles(ws, [title]) if title else 1
    write_table(ws, frame, start, number_formats or frame.attrs.get("number_formats"))
    return workbook_bytes(workbook)


def download_name(*parts: str, ext: str = "xlsx") -> str:
    """An ASCII file name from display texts: ('Tổng quan', 'Vĩnh Long', '2025') -> 'tong-quan-vinh-long-2025.xlsx'."""
    return "-".join(fold(p).replace(" ", "-") for p in parts if p) + f".{ext}"
