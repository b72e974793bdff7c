"""Read an uploaded file into a frame of text cells (DESIGN sections 2 and 7).

Three kinds of file are read: a CSV in the long format (one row per figure), the Excel template
(sheet "Số liệu") or any workbook in the long format, and GSO's province-by-year tables (CSV or
XLSX; melted here into one row per province and year). The header line is found wherever it is
in the first lines, in Vietnamese or English. A file that cannot be read is refused as a whole
(`Refused`, with a text key): not a workbook, too large, a zip bomb, not UTF-8, no header.

A workbook is read as its user sees it (kpi.importing.xlsx): only a visible sheet ("Số liệu" when
there is a visible one of that name, else the first visible sheet), each hidden one named in a
notice; a formula cell without a computed value is kept by its reference (`Upload.pending`) for
validation to report, never read as empty. Nothing here judges a value; kpi.importing.validate does.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv

from kpi.importing.gso import group_year, melt_wide, stated_unit
from kpi.importing.messages import Phrase, Refused, field_name
from kpi.importing.xlsx import Number, Workbook, XlsxError, cell_text, number_text
from kpi.periods import parse_year_header
from kpi.text.i18n import t
from kpi.units.table import fold

VALUE_COLUMNS = ["actual", "plan", "plan_high", "numerator", "denominator"]  # read as numbers
MEASURE_COLUMNS = ["actual", "plan", "numerator", "denominator"]  # a file needs at least one of them
CANONICAL = ["unit", "period", "indicator", "actual", "plan", "plan_kind", "plan_high", "numerator", "denominator",
             "source", "note", "estimate_status"]
TEMPLATE_HEADERS = {canon: t(f"imp_field_{canon}") for canon in CANONICAL}  # the template's Vietnamese headers
FIGURES_SHEET = "Số liệu"

MAX_UPLOAD_BYTES = 20 * 1024 * 1024      # the page (matches server.maxUploadSize in .streamlit/config.toml)
MAX_FILE_BYTES = 512 * 1024 * 1024       # the command line (a 1M-row CSV is about 60 MB)
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_XLSX_MEMBERS = 2000
MAX_XLSX_ROWS = 200_000                  # rows of figures below the header
MAX_XLSX_COLUMNS = 60
MAX_ZIP_RATIO = 100                      # real sheets compress 5-20x; zip bombs 1000x and more
HEADER_SCAN_LINES = 50

# template headers and common spellings, compared after fold() without "(...)"
HEADER_ALIASES = {
    "unit": ["unit", "don vi", "ma don vi", "ten don vi", "tinh thanh pho", "tinh", "dia phuong", "province"],
    "period": ["period", "ky", "ky bao cao", "thoi ky", "thoi gian"],
    "indicator": ["indicator", "chi tieu", "ma chi tieu", "ten chi tieu"],
    "actual": ["actual", "thuc hien", "so thuc hien", "ket qua", "value", "gia tri"],
    "plan": ["plan", "ke hoach", "ke hoach nam", "kh", "kh nam", "chi tieu ke hoach"],
    "plan_kind": ["plan kind", "plan_kind", "loai ke hoach", "loai kh", "dang ke hoach"],
    "plan_high": ["plan high", "plan_high", "ke hoach muc tren", "muc tren", "kh muc tren"],
    "numerator": ["numerator", "tu so"],
    "denominator": ["denominator", "mau so"],
    "source": ["source", "nguon", "nguon so lieu"],
    "note": ["note", "ghi chu"],
    "estimate_status": ["estimate status", "estimate_status", "tinh trang so lieu", "loai so lieu",
                        "tinh chat so lieu", "so uoc"],
}
HEADER_LOOKUP = {alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}


@dataclass
class Upload:
    """One file as read: text cells in canonical columns plus `file`, `row` (as numbered in the file)."""
    name: str
    sha256: str
    size: int
    kind: str                         # "csv", "xlsx" or "gso" (a province-by-year table)
    frame: pd.DataFrame
    labels: dict[str, str]            # canonical column -> header as written in the file
    typed: set[str] = field(default_factory=set)   # number columns that came as numbers (XLSX)
    title: str = ""
    notices: list[Phrase] = field(default_factory=list)   # said in the import report (a hidden sheet)
    pending: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, cell) formulas without value
    decimal: str | None = None        # the decimal mark its numbers were read with (set by validation)
    decimal_how: str = ""             # "given", "inferred" or "" (no cell needed one)
    column_group: str = ""            # a GSO table with column groups: the group read ("Total")
    column_groups: tuple[str, ...] = ()   # ... and all its groups, in the table's order
    table_unit: str = ""              # the unit of measure a GSO table states ("nghìn người"), else ""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_upload(data: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES, sha256: str | None = None,
                column_group: str | None = None) -> Upload:
    """Read one file (CSV, XLSX template, GSO table) into text cells. Raises Refused.

    `column_group`: of a GSO table whose year columns come in groups ("Total 2005", "Male 2005"...),
    the group to read (default DEFAULT_COLUMN_GROUP); a table without groups ignores it."""
    if len(data) > max_bytes:
        raise Refused("imp_too_large", size=round(len(data) / 2**20, 1), limit=round(max_bytes / 2**20))
    if not data or data.isspace():
        raise Refused("imp_empty_file")
    notices: list[Phrase] = []
    pending: list[tuple[int, int, str]] = []
    if data.startswith(b"PK\x03\x04") or name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        body, header, kind, title, notices, pending = _read_xlsx(data)
        source_kind = "xlsx"
    else:
        body, header, kind, title = _read_csv(data)
        source_kind = "csv"
    typed: set[str] = set()
    group, groups, table_unit = "", [], ""
    if kind == "wide":
        frame, labels, group, groups, table_unit = melt_wide(body, header, column_group)
        table_unit = table_unit or stated_unit(title)
        if group:
            notices.append(Phrase("imp_gso_group_read", {"group": group, "groups": ", ".join(groups)}))
        kind_name = "gso"
        typed = {"actual"} if frame["_actual_typed"].any() else set()
        read_columns = set(range(len(header)))
    else:
        frame, labels, typed, read_columns = _long_columns(body, header, source_kind)
        kind_name = source_kind
    frame.insert(0, "file", name)
    formulas = [(row, str(header[column]).strip(), ref) for row, column, ref in pending if column in read_columns]
    return Upload(name, sha256 or sha256_bytes(data), len(data), kind_name, frame, labels, typed, title,
                  notices, formulas, column_group=group, column_groups=tuple(groups), table_unit=table_unit)


# --- headers -------------------------------------------------------------------------------------

def _header_key(text) -> str:
    return fold(re.sub(r"\(.*?\)|\[.*?\]", " ", str(text)))


def _classify_header(cells: list[str]) -> str | None:
    """'long' for a header of the long format, 'wide' for a province-by-year table, else None."""
    keys = [HEADER_LOOKUP.get(_header_key(c)) for c in cells]
    if len({k for k in keys if k}) >= 2 and ("unit" in keys or "period" in keys):
        return "long"
    if len(cells) >= 2 and str(cells[0]).strip() and parse_year_header(cells[0]) is None \
            and any(group_year(c) for c in cells[1:]):
        return "wide"
    return None


def _find_header(lines: list[str]) -> tuple[int, str, list[str], str] | None:
    """(line index, delimiter, header cells, 'long'|'wide') of the first header line."""
    for index, line in enumerate(lines[:HEADER_SCAN_LINES]):
        best = None
        for delimiter in (";", ",", "\t"):
            if delimiter not in line:
                continue
            try:
                cells = next(csv.reader([line], delimiter=delimiter))
            except (csv.Error, StopIteration):
                continue
            kind = _classify_header(cells)
            if kind and (best is None or len(cells) > len(best[2])):
                best = (index, delimiter, cells, kind)
        if best:
            return best
    return None


def _title_line(lines: list[str], header_index: int) -> str:
    for line in lines[:header_index]:
        text = line.strip().strip(";,").strip().strip('"').strip()
        if text:
            return text
    return ""


# --- CSV -----------------------------------------------------------------------------------------

def _decode_head(data: bytes, limit: int = 200_000) -> str:
    """The first lines as text (for finding the header); the body is decoded by pandas."""
    head = data[:limit]
    if len(data) > limit:
        head = head[:head.rfind(b"\n") + 1] or head
    if b"\x00" in head:
        raise Refused("imp_not_text")
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused("imp_not_utf8", position=exc.start) from exc


def _read_csv(data: bytes) -> tuple[pd.DataFrame, list[str], str, str]:
    """(body as text cells with a `row` column, header cells, kind, title)."""
    head_lines = re.split(r"\r\n|\r|\n", _decode_head(data))  # the line breaks pandas counts
    found = _find_header(head_lines)
    if found is None:
        raise Refused("imp_no_header", lines=HEADER_SCAN_LINES)
    index, delimiter, header, kind = found
    body = _read_csv_arrow(data, index, delimiter, len(header))
    if body is not None:
        return body, header, kind, _title_line(head_lines, index)
    width = len(header)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)  # pandas would drop the surplus cells
            # one column more than the header: a trailing delimiter is harmless, a surplus value is reported
            body = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", sep=delimiter, header=None,
                               skiprows=index + 1, names=list(range(width + 1)), dtype=str, keep_default_na=False,
                               na_filter=False, skip_blank_lines=False, index_col=False, quotechar='"', engine="c")
    except pd.errors.ParserWarning as exc:
        raise Refused("imp_csv_long_row", width=width, delimiter=delimiter) from exc
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            raise Refused("imp_csv_cell_count", int(match[2]), cells=int(match[3]), width=width,
                          delimiter=delimiter) from exc
        if "EOF inside string" in str(exc):
            raise Refused("imp_csv_open_quote") from exc
        raise Refused("imp_csv_unreadable", detail=str(exc).splitlines()[0][:200]) from exc
    except UnicodeDecodeError as exc:
        raise Refused("imp_not_utf8", position=exc.start) from exc
    except (ValueError, csv.Error, MemoryError) as exc:
        raise Refused("imp_csv_unreadable", detail=str(exc)[:200]) from exc
    body = body.fillna("")
    body.insert(0, "row", np.arange(index + 2, index + 2 + len(body)))
    surplus = body[width].ne("")
    if surplus.any():
        raise Refused("imp_csv_outside_header", int(body.loc[surplus, "row"].iloc[0]), width=width,
                      delimiter=delimiter)
    body = body.drop(columns=width)
    return body, header, kind, _title_line(head_lines, index)


def _read_csv_arrow(data: bytes, header_index: int, delimiter: str, width: int) -> pd.DataFrame | None:
    """Fast path for large, regular files (multi-threaded Arrow reader). Only when no line is empty
    and no quoted value spans lines, so that row numbers match the file's lines; otherwise, or on
    any irregularity, None and the pandas reader (which names the faulty line) takes over."""
    if len(data) < 1_000_000 or b"\n\n" in data or b"\n\r\n" in data:
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(data),
            read_options=pa_csv.ReadOptions(skip_rows=header_index + 1, column_names=[str(i) for i in range(width)],
                                            encoding="utf8"),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, quote_char='"', newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(column_types={str(i): pa.string() for i in range(width)},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, UnicodeDecodeError, ValueError):
        return None
    body = table.to_pandas()
    body.columns = list(range(width))
    body.insert(0, "row", np.arange(header_index + 2, header_index + 2 + len(body)))
    return body


# the bytes a character str.strip() (and Arrow's utf8_trim_whitespace) removes begins with, and ends
# with, in UTF-8: ASCII \t-\r and \x1c-space; U+0085 and U+00A0 (C2 ..), U+1680 (E1 9A 80), U+2000-U+200A,
# U+2028, U+2029, U+202F, U+205F (E2 80 80-8A, A8, A9, AF; E2 81 9F), U+3000 (E3 80 80)
_SPACE_FIRST = np.zeros(256, dtype=bool)
_SPACE_FIRST[[*range(0x09, 0x0E), *range(0x1C, 0x21), 0xC2, 0xE1, 0xE2, 0xE3]] = True
_SPACE_LAST = np.zeros(256, dtype=bool)
_SPACE_LAST[[*range(0x09, 0x0E), *range(0x1C, 0x21), 0x85, 0xA0, *range(0x80, 0x8B), 0xA8, 0xA9, 0xAF, 0x9F]] = True


def _may_have_spaces(array: pa.Array) -> bool:
    """Whether a cell of an Arrow text array may begin or end with a space (see _SPACE_FIRST)."""
    if not (pa.types.is_large_string(array.type) or pa.types.is_string(array.type)) or array.null_count:
        return True
    _validity, offsets, data = array.buffers()
    if data is None or len(array) == 0:  # every cell empty
        return False
    wide = np.int64 if pa.types.is_large_string(array.type) else np.int32
    bounds = np.frombuffer(offsets, dtype=wide)[array.offset:array.offset + len(array) + 1]
    text = np.frombuffer(data, dtype=np.uint8)
    starts, ends = bounds[:-1], bounds[1:]
    filled = ends > starts
    return bool(_SPACE_FIRST[text[starts[filled]]].any() or _SPACE_LAST[text[ends[filled] - 1]].any())


def _stripped(column: pd.Series) -> pd.Series:
    """column.str.strip(), skipped when no cell begins or ends with a byte a space may begin or end
    with (most columns of a machine-made file: one look at each cell's first and last byte)."""
    if len(column) == 0 or column.isna().any():
        return column.str.strip()
    array = pa.array(column)
    chunks = array.chunks if isinstance(array, pa.ChunkedArray) else [array]
    if any(_may_have_spaces(chunk) for chunk in chunks):
        return column.str.strip()
    return column


# --- XLSX ----------------------------------------------------------------------------------------

def _check_workbook_zip(data: bytes) -> None:
    """Refuse what is not a real XLSX, or could expand into a zip bomb, before openpyxl opens it."""
    if not data.startswith(b"PK\x03\x04"):
        raise Refused("imp_not_xlsx")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - whatever the zip reader trips on, it is not a workbook
        raise Refused("imp_zip_broken", detail=type(exc).__name__) from exc
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise Refused("imp_no_workbook_part")
    if len(members) > MAX_XLSX_MEMBERS:
        raise Refused("imp_zip_members", members=len(members), limit=MAX_XLSX_MEMBERS)
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise Refused("imp_zip_size", size=round(total / 2**20), limit=MAX_XLSX_UNCOMPRESSED // 2**20)
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise Refused("imp_zip_ratio", member=member.filename,
                          ratio=round(member.file_size / max(member.compress_size, 1)))


def _read_xlsx(data: bytes) -> tuple[pd.DataFrame, list[str], str, str, list[Phrase], list[tuple[int, int, str]]]:
    """(body with a `row` column, header cells, kind, title, notices, formulas without value)."""
    _check_workbook_zip(data)
    try:
        book = Workbook(data)
    except XlsxError as exc:
        raise Refused("imp_xlsx_invalid", detail=exc.detail) from exc
    except Exception as exc:  # noqa: BLE001 - any failure to parse means "not a real workbook"
        raise Refused("imp_xlsx_invalid", detail=type(exc).__name__) from exc
    visible = [s for s in book.sheets if s.state == "visible" and s.part]
    if not visible:
        raise Refused("imp_no_visible_sheet")
    sheet = next((s for s in visible if s.name == FIGURES_SHEET), visible[0])
    notices = [Phrase("imp_hidden_sheet", {"sheet": s.name, "read": sheet.name})
               for s in book.sheets if s.state != "visible"]
    try:
        cells = book.read_cells(sheet, MAX_XLSX_COLUMNS, MAX_XLSX_ROWS + HEADER_SCAN_LINES)
    except XlsxError as exc:
        if exc.detail == "rows":
            raise Refused("imp_sheet_too_long", rows=MAX_XLSX_ROWS) from exc
        raise Refused("imp_sheet_unreadable", detail=exc.detail) from exc
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML
        raise Refused("imp_sheet_unreadable", detail=type(exc).__name__) from exc
    header_at, kind = None, None
    for position, row in enumerate(cells.cells[:HEADER_SCAN_LINES]):
        kind = _classify_header([cell_text(c) for c in row])
        if kind:
            header_at = position
            break
    if header_at is None:
        raise Refused("imp_sheet_no_header", sheet=sheet.name, lines=HEADER_SCAN_LINES)
    header = [cell_text(c) for c in cells.cells[header_at]]
    header_row = cells.rows[header_at]
    width = len(header)
    body_cells, body_rows = cells.cells[header_at + 1:], cells.rows[header_at + 1:]
    if len(body_rows) > MAX_XLSX_ROWS:
        raise Refused("imp_sheet_too_long", rows=MAX_XLSX_ROWS)
    too_wide = [row for row, values in zip(body_rows, body_cells) if any(v is not None for v in values[width:])]
    if cells.beyond is not None and cells.beyond > header_row:
        too_wide.append(cells.beyond)
    if too_wide:
        raise Refused("imp_sheet_outside_header", min(too_wide), sheet=sheet.name)
    body = pd.DataFrame([(values + [None] * width)[:width] for values in body_cells], columns=list(range(width)),
                        dtype=object)
    body.insert(0, "row", np.array(body_rows, dtype="int64"))
    title = next((cell_text(c) for row in cells.cells[:header_at] for c in row if cell_text(c)), "")
    pending = [(row, column, ref) for row, column, ref in cells.pending if row > header_row and column < width]
    return body, header, kind, title, notices, pending


# --- from the file's columns to canonical columns -------------------------------------------------

def _long_columns(body: pd.DataFrame, header: list[str], source_kind: str):
    """(frame of canonical text columns, labels, typed number columns, positions of the columns read)."""
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for position, cell in enumerate(header):
        canon = HEADER_LOOKUP.get(_header_key(cell))
        if canon is None:
            continue
        if canon in labels:
            raise Refused("imp_same_column_twice", first=labels[canon], second=cell, field=field_name(canon))
        labels[canon] = str(cell).strip()
        seen[canon] = position
    frame = pd.DataFrame({"row": body["row"]})
    typed: set[str] = set()
    for canon, position in seen.items():
        column = body[position]
        if source_kind == "xlsx":  # list comprehensions: 200k cells a column in a few milliseconds
            cells = column.tolist()
            if canon in VALUE_COLUMNS:
                numeric = np.array([type(v) is Number for v in cells], dtype=bool)
                if numeric.any():
                    typed.add(canon)
                    frame[f"_{canon}_typed"] = numeric
                column = pd.Series([v if type(v) is Number else number_text(v) for v in cells], index=body.index,
                                   dtype=object)
            else:
                column = pd.Series([v if type(v) is str else cell_text(v) for v in cells], index=body.index,
                                   dtype=object)
        frame[canon] = _stripped(column.astype(str))  # same RangeIndex as body: no copy to numpy
    return frame, labels, typed, set(seen.values())
