"""Import figures from CSV, the Excel template and GSO yearbook tables (DESIGN sections 2 and 7).

The path is: read the file into a frame of text cells (`read_upload`), resolve and check every
row at once with pandas (`validate`), merge the rows into the newest snapshot's facts (upsert on
indicator, unit, period) and show what would change (`prepare_import`); only `commit_import`
writes, as a new snapshot through kpi.store.write_snapshot (atomic; no snapshot is ever edited).

Every problem becomes an `Issue` naming the file, the row as the user sees it in the file, the
column as written in its header, and a Vietnamese message. Errors block the import; notices
(aggregates skipped, a defunct province, empty cells) are reported in the summary.
"""
from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi import store

from kpi.text import fmt
from kpi.store.indicators import load_indicators
from kpi.periods import Period, PeriodError, make_period
from kpi.units.resolve import UnitError, resolve_unit
from kpi.units.table import build_units, fold, name_key

KEY = ["indicator", "unit", "period"]
VALUE_COLUMNS = ["actual", "plan", "numerator", "denominator"]
CANONICAL = ["unit", "period", "indicator", "actual", "plan", "numerator", "denominator", "source", "note"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024      # the page (matches server.maxUploadSize in .streamlit/config.toml)
MAX_FILE_BYTES = 512 * 1024 * 1024       # the command line (a 1M-row CSV is about 60 MB)
MAX_XLSX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_XLSX_MEMBERS = 2000
MAX_XLSX_ROWS = 200_000
MAX_XLSX_COLUMNS = 60
MAX_ZIP_RATIO = 100                      # real sheets compress 5-20x; zip bombs 1000x and more
MAX_ISSUES_PER_KIND = 50
HEADER_SCAN_LINES = 50
FIGURES_SHEET = "Số liệu"

# Vietnamese template headers and common spellings, compared after fold() without "(...)"
HEADER_ALIASES = {
    "unit": ["unit", "don vi", "ma don vi", "ten don vi", "tinh thanh pho", "tinh", "dia phuong", "province"],
    "period": ["period", "ky", "ky bao cao", "thoi ky", "thoi gian"],
    "indicator": ["indicator", "chi tieu", "ma chi tieu", "ten chi tieu"],
    "actual": ["actual", "thuc hien", "so thuc hien", "ket qua", "value", "gia tri"],
    "plan": ["plan", "ke hoach", "ke hoach nam", "kh", "kh nam", "chi tieu ke hoach"],
    "numerator": ["numerator", "tu so"],
    "denominator": ["denominator", "mau so"],
    "source": ["source", "nguon", "nguon so lieu"],
    "note": ["note", "ghi chu"],
}
HEADER_LOOKUP = {alias: canon for canon, aliases in HEADER_ALIASES.items() for alias in aliases}
TEMPLATE_HEADERS = {
    "unit": "Đơn vị", "period": "Kỳ báo cáo", "indicator": "Chỉ tiêu", "actual": "Thực hiện",
    "plan": "Kế hoạch năm", "numerator": "Tử số", "denominator": "Mẫu số", "source": "Nguồn", "note": "Ghi chú",
}
COLUMN_NAMES_VI = TEMPLATE_HEADERS

# GSO's English names of the six regions (as the yearbook writes them) and older spellings
REGION_NAME_KEYS = {
    "redriverdelta": "RRD", "northernmidlandsandmountainareas": "NMM", "northernmidlandsandmountainousareas": "NMM",
    "northerncentralareaandcentralcoastalarea": "NCC", "northcentralandcentralcoastalareas": "NCC",
    "northcentralcoastandsouthcentralcoast": "NCC", "centralhighlands": "CH", "southeast": "SE",
    "mekongriverdelta": "MRD",
}
# Provinces that no longer exist and are in no snapshot's units (GSO tables still carry them)
DEFUNCT_UNITS = {"hatay": "Hà Tây (đã hợp nhất vào Hà Nội từ 1/8/2008)"}
MISSING_MARKS = {"..", "...", "…", "-", "–", "—"}
_YEAR_HEADER = re.compile(r"^(?:(prel|pre|so bo|sb)\s*)?(\d{4})$")
_PERIOD_PATTERNS = [
    (re.compile(r"^(?:nam |year )?(\d{4})$"), lambda m: (int(m[1]), 12)),
    (re.compile(r"^(\d{4}) m(\d{1,2})$"), lambda m: (int(m[1]), int(m[2]))),
    (re.compile(r"^(?:luy ke )?(\d{1,2}) ?(?:thang|t)(?: dau)?(?: nam)? (\d{4})$"), lambda m: (int(m[2]), int(m[1]))),
]


class ImportFailed(Exception):
    """The import cannot go ahead; `report` lists the problems per file, row and column."""

    def __init__(self, report: "ImportReport"):
        super().__init__("; ".join(i.text() for i in report.errors[:3]))
        self.report = report


@dataclass
class Issue:
    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"  # "error" blocks the import, "notice" only informs

    def text(self) -> str:
        where = [f"tệp {self.file}"]
        if self.row is not None:
            where.append(f"dòng {self.row}")
        if self.column:
            where.append(f"cột '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


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


@dataclass
class ImportReport:
    files: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows_read: int = 0
    facts: pd.DataFrame | None = None        # the validated rows to upsert
    given_columns: list[str] = field(default_factory=list)
    parent: store.Snapshot | None = None
    new_facts: pd.DataFrame | None = None    # parent facts with the rows upserted
    changes: pd.DataFrame | None = None      # diff of the parent and new facts (added/changed rows)
    counts: dict = field(default_factory=dict)
    units: pd.DataFrame | None = None        # units and catalogue the new snapshot carries (the parent's)
    catalogue: pd.DataFrame | None = None

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def notices(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def issues_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"file": i.file, "row": i.row, "column": i.column or "", "severity": i.severity,
                              "message": i.message} for i in self.issues],
                            columns=["file", "row", "column", "severity", "message"]).astype({"row": "Int64"})


class _Problems:
    """Collects issues, listing at most MAX_ISSUES_PER_KIND rows per kind of problem."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues

    def whole_file(self, file: str, message: str, severity: str = "error", column: str | None = None) -> None:
        self.issues.append(Issue(file, None, column, message, severity))

    def rows(self, rows: pd.DataFrame, column, message, severity: str = "error") -> None:
        """One issue per row of `rows` (columns file, row); column and message: text or per-row Series."""
        if rows.empty:
            return
        shown = rows.head(MAX_ISSUES_PER_KIND)
        columns = list(column.loc[shown.index]) if isinstance(column, pd.Series) else [column] * len(shown)
        messages = list(message.loc[shown.index]) if isinstance(message, pd.Series) else [message] * len(shown)
        for file, row, col, msg in zip(shown["file"], shown["row"], columns, messages):
            self.issues.append(Issue(str(file), int(row), col, str(msg), severity))
        if len(rows) > len(shown):
            first = str(messages[0])
            self.issues.append(Issue(str(rows["file"].iloc[0]), None, columns[0],
                                     f"còn {fmt.number(len(rows) - len(shown))} dòng khác cùng lỗi: {first}",
                                     severity))


# --- reading -----------------------------------------------------------------------------------

def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _header_key(text) -> str:
    return fold(re.sub(r"\(.*?\)|\[.*?\]", " ", str(text)))


def _year_header(text) -> tuple[int, bool] | None:
    """'2015' -> (2015, False); 'Prel. 2016' / 'Pre. 2016' / 'Sơ bộ 2016' -> (2016, True)."""
    match = _YEAR_HEADER.match(fold(text))
    if not match or not 1900 <= int(match[2]) <= 2100:
        return None
    return int(match[2]), bool(match[1])


def _classify_header(cells: list[str]) -> str | None:
    """'long' for a header of the long format, 'wide' for a province-by-year table, else None."""
    keys = [HEADER_LOOKUP.get(_header_key(c)) for c in cells]
    if len({k for k in keys if k}) >= 2 and ("unit" in keys or "period" in keys):
        return "long"
    if len(cells) >= 2 and str(cells[0]).strip() and _year_header(cells[0]) is None \
            and any(_year_header(c) for c in cells[1:]):
        return "wide"
    return None


def _cell_text(value) -> str:
    """An XLSX cell as text: 83.0 -> '83', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _decode_head(data: bytes, name: str, limit: int = 200_000) -> str:
    """The first lines as text (for finding the header); the body is decoded by pandas."""
    head = data[:limit]
    if len(data) > limit:
        head = head[:head.rfind(b"\n") + 1] or head
    if b"\x00" in head:
        raise _Refused(f"tệp {name} không phải tệp văn bản CSV (có byte nhị phân); hãy tải lên tệp .csv hoặc .xlsx")
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, exc) from exc


def _not_utf8(name: str, exc: UnicodeDecodeError) -> "_Refused":
    return _Refused(f"tệp {name} không phải văn bản UTF-8 (byte lỗi ở vị trí {exc.start}); "
                    "trong Excel hãy lưu bằng 'CSV UTF-8 (Comma delimited)'")


class _Refused(Exception):
    """The whole file is refused (not a workbook, too large, not UTF-8, no header...)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


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


def _read_csv(data: bytes, name: str) -> tuple[pd.DataFrame, list[str], str, str]:
    """(body as text cells with a `row` column, header cells, kind, title)."""
    head_lines = re.split(r"\r\n|\r|\n", _decode_head(data, name))  # the line breaks pandas counts
    found = _find_header(head_lines)
    if found is None:
        raise _Refused(f"tệp {name}: không tìm thấy dòng tiêu đề trong {HEADER_SCAN_LINES} dòng đầu. Cần các cột "
                       "Đơn vị, Kỳ báo cáo, Chỉ tiêu, Thực hiện (hoặc unit, period, indicator, actual), "
                       "hoặc bảng GSO: cột đầu là tỉnh, các cột sau là năm")
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
        raise _Refused(f"tệp {name}: có dòng nhiều ô hơn dòng tiêu đề ({width} cột); kiểm tra dấu phân cách "
                       f"'{delimiter}' và dấu ngoặc kép") from exc
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            raise _Refused(f"tệp {name}: có {match[3]} ô nhưng dòng tiêu đề có {width} cột "
                           f"(kiểm tra dấu phân cách '{delimiter}' và dấu ngoặc kép)", int(match[2])) from exc
        if "EOF inside string" in str(exc):
            raise _Refused(f"tệp {name}: có dấu ngoặc kép (\") mở mà không đóng; kiểm tra các ô có dấu ngoặc kép") from exc
        raise _Refused(f"tệp {name}: không đọc được bảng CSV ({str(exc).splitlines()[0][:200]})") from exc
    except UnicodeDecodeError as exc:
        raise _not_utf8(name, exc) from exc
    except (ValueError, csv.Error, MemoryError) as exc:
        raise _Refused(f"tệp {name}: không đọc được bảng CSV ({str(exc)[:200]})") from exc
    body = body.fillna("")
    body.insert(0, "row", np.arange(index + 2, index + 2 + len(body)))
    surplus = body[width].ne("")
    if surplus.any():
        raise _Refused(f"tệp {name}: có ô nằm ngoài {width} cột của dòng tiêu đề (kiểm tra dấu phân cách "
                       f"'{delimiter}' và dấu ngoặc kép)", int(body.loc[surplus, "row"].iloc[0]))
    body = body.drop(columns=width)
    return body, header, kind, _title_line(head_lines, index)


def _read_csv_arrow(data: bytes, header_index: int, delimiter: str, width: int) -> pd.DataFrame | None:
    """Fast path for large, regular files (multi-threaded Arrow reader). Only when no line is empty
    and no quoted value spans lines, so that row numbers match the file's lines; otherwise, or on
    any irregularity, None and the pandas reader (which names the faulty line) takes over."""
    import pyarrow.csv as pa_csv

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


def check_workbook_zip(data: bytes, name: str) -> None:
    """Refuse what is not a real XLSX, or could expand into a zip bomb, before openpyxl opens it."""
    if not data.startswith(b"PK\x03\x04"):
        raise _Refused(f"tệp {name} không phải sổ tính Excel .xlsx (nếu là tệp .xls cũ, hãy lưu lại dạng .xlsx)")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except Exception as exc:  # noqa: BLE001 - whatever the zip reader trips on, it is not a workbook
        raise _Refused(f"tệp {name} không phải sổ tính Excel hợp lệ (tệp nén bị hỏng: {type(exc).__name__})") from exc
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _Refused(f"tệp {name} không phải sổ tính Excel hợp lệ (thiếu xl/workbook.xml)")
    if len(members) > MAX_XLSX_MEMBERS:
        raise _Refused(f"tệp {name}: sổ tính có {len(members)} thành phần, quá nhiều (tối đa {MAX_XLSX_MEMBERS})")
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNCOMPRESSED:
        raise _Refused(f"tệp {name}: khi giải nén sẽ chiếm {total / 2**20:.0f} MB, vượt giới hạn "
                       f"{MAX_XLSX_UNCOMPRESSED // 2**20} MB (nghi là 'bom nén')")
    for member in members:
        if member.file_size > 1_000_000 and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise _Refused(f"tệp {name}: thành phần {member.filename} có tỷ lệ nén "
                           f"{member.file_size / max(member.compress_size, 1):.0f}:1, bất thường (nghi là 'bom nén')")


def _read_xlsx(data: bytes, name: str) -> tuple[pd.DataFrame, list[str], str, str]:
    check_workbook_zip(data, name)
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure to parse means "not a real workbook"
        raise _Refused(f"tệp {name} không phải sổ tính Excel hợp lệ ({type(exc).__name__})") from exc
    try:
        sheet = workbook[FIGURES_SHEET] if FIGURES_SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=MAX_XLSX_COLUMNS):
            rows.append(list(row))
            if len(rows) > MAX_XLSX_ROWS:  # a tiny file can declare a million empty rows
                raise _Refused(f"tệp {name}: trang tính có hơn {MAX_XLSX_ROWS:,} dòng; hãy dùng CSV".replace(",", "."))
    except _Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed sheet XML
        raise _Refused(f"tệp {name}: không đọc được trang tính ({type(exc).__name__})") from exc
    finally:
        workbook.close()
    header_index, kind = None, None
    for index, cells in enumerate(rows[:HEADER_SCAN_LINES]):
        kind = _classify_header([_cell_text(c) for c in cells])
        if kind:
            header_index = index
            break
    if header_index is None:
        raise _Refused(f"tệp {name}: trang '{sheet.title}': không tìm thấy dòng tiêu đề (Đơn vị, Kỳ báo cáo, "
                       "Chỉ tiêu, Thực hiện...) trong 50 dòng đầu")
    header = [_cell_text(c) for c in rows[header_index]]
    width = len(header)
    body_rows = rows[header_index + 1:]
    too_wide = [i for i, r in enumerate(body_rows) if any(_cell_text(c) for c in r[width:])]
    if too_wide:
        raise _Refused(f"tệp {name}: trang '{sheet.title}' có ô nằm ngoài các cột có tiêu đề",
                       header_index + 2 + too_wide[0])
    body = pd.DataFrame([(r + [None] * width)[:width] for r in body_rows], columns=list(range(width)),
                        dtype=object)
    body.insert(0, "row", np.arange(header_index + 2, header_index + 2 + len(body)))
    title = next((_cell_text(c) for r in rows[:header_index] for c in r if _cell_text(c)), "")
    return body, header, kind, title


def read_upload(data: bytes, name: str, max_bytes: int = MAX_UPLOAD_BYTES, sha256: str | None = None) -> Upload:
    """Read one file (CSV, XLSX template, GSO table) into text cells. Raises _Refused."""
    if len(data) > max_bytes:
        raise _Refused(f"tệp {name} có {len(data) / 2**20:.1f} MB, vượt giới hạn {max_bytes / 2**20:.0f} MB")
    if not data or data.isspace():
        raise _Refused(f"tệp {name} rỗng: không có dòng số liệu nào")
    is_zip = data.startswith(b"PK\x03\x04")
    if is_zip or name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        body, header, kind, title = _read_xlsx(data, name)
        source_kind = "xlsx"
    else:
        body, header, kind, title = _read_csv(data, name)
        source_kind = "csv"
    typed: set[str] = set()
    if kind == "wide":
        frame, labels = _melt_wide(body, header, name)
        kind_name = "gso"
    else:
        frame, labels, typed = _long_columns(body, header, name, source_kind)
        kind_name = source_kind
    frame.insert(0, "file", name)
    return Upload(name, sha256 or sha256_bytes(data), len(data), kind_name, frame, labels, typed, title)


def _long_columns(body: pd.DataFrame, header: list[str], name: str, source_kind: str):
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for position, cell in enumerate(header):
        canon = HEADER_LOOKUP.get(_header_key(cell))
        if canon is None:
            continue
        if canon in labels:
            raise _Refused(f"tệp {name}: hai cột cùng nghĩa '{labels[canon]}' và '{cell}' ({COLUMN_NAMES_VI[canon]})")
        labels[canon] = str(cell).strip()
        seen[canon] = position
    frame = pd.DataFrame({"row": body["row"]})
    typed: set[str] = set()
    for canon, position in seen.items():
        column = body[position]
        if source_kind == "xlsx":
            if canon in VALUE_COLUMNS:
                numeric = column.map(lambda v: isinstance(v, (int, float)) and not isinstance(v, bool))
                if numeric.any():
                    typed.add(canon)
                    frame[f"_{canon}_typed"] = numeric.to_numpy()
                column = column.map(lambda v: repr(float(v)) if isinstance(v, (int, float))
                                    and not isinstance(v, bool) else _cell_text(v))
            else:
                column = column.map(_cell_text)
        frame[canon] = column.astype(str).str.strip()  # same RangeIndex as body: no copy to numpy
    return frame, labels, typed


def _melt_wide(body: pd.DataFrame, header: list[str], name: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """A GSO province-by-year table -> one row per (province, year) cell, with its column header."""
    years = {}
    for position, cell in enumerate(header[1:], start=1):
        parsed = _year_header(cell)
        if parsed is None:
            if str(cell).strip() or body[position].map(_cell_text).ne("").any():
                raise _Refused(f"tệp {name}: cột '{cell}': tiêu đề cột của bảng theo tỉnh và năm phải là năm "
                               "(2015, Prel. 2016)")
            continue
        years[position] = (parsed, str(cell).strip())
    if len({p[0][0] for p in years.values()}) != len(years):
        raise _Refused(f"tệp {name}: một năm xuất hiện ở hai cột")
    units = body[0].map(_cell_text) if body[0].dtype == object else body[0].astype(str).str.strip()
    parts = []
    for position, ((year, preliminary), label) in years.items():
        values = body[position].map(lambda v: repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool)
                                    else _cell_text(v))
        parts.append(pd.DataFrame({
            "row": body["row"].to_numpy(), "unit": units.to_numpy(), "period": str(year),
            "actual": values.astype(str).str.strip().to_numpy(), "_column": label,
            "note": "Số liệu sơ bộ" if preliminary else "",
        }))
    frame = pd.concat(parts, ignore_index=True).sort_values(["row", "period"], kind="stable").reset_index(drop=True)
    return frame, {"unit": str(header[0]).strip(), "period": "", "actual": ""}


# --- resolving and checking --------------------------------------------------------------------

def _per_distinct(values: pd.Series, resolve, width: int, first_of=None) -> list[pd.Series]:
    """Apply `resolve` (returning a tuple) once per distinct value and spread the results over all
    rows: a million rows with a few hundred distinct units or periods cost a few hundred calls.

    With `first_of`, values with the same first_of(value) share the result of the first one seen
    (units: resolved per text and generation, not per period)."""
    codes, uniques = pd.factorize(values)
    results, shared = [], {}
    for value in uniques:
        group = first_of(value) if first_of else value
        if group not in shared:
            shared[group] = resolve(value)
        results.append(shared[group])
    columns = []
    for position in range(width):
        table = pd.Series([r[position] for r in results] + [None], dtype=object)
        table = table.astype("str") if table.map(lambda v: isinstance(v, str) or v is None).all() \
            and table.notna().any() else table
        taken = table.take(np.where(codes >= 0, codes, len(results)))
        columns.append(taken.set_axis(values.index))
    return columns


def _period_parts(text: str) -> tuple[str | None, int | None, str | None]:
    period, message = parse_period_text(text)
    return (period.code, period.generation, None) if period else (None, None, message)


def _unit_status_of_key(key: str, units: pd.DataFrame, levels: dict, names: dict) -> tuple:
    text, generation, code = key.split("|")
    if not code:
        return "", None, ""
    return _unit_status(text, parsed_period(code), units, levels, names)


def parse_period_text(text: str) -> tuple[Period | None, str | None]:
    """'2020', '2023-M06', '6 tháng đầu năm 2023', '6T/2023', '9 tháng 2023' -> (Period, None) or (None, error)."""
    folded = fold(text)
    for pattern, parts in _PERIOD_PATTERNS:
        match = pattern.match(folded)
        if match:
            try:
                return make_period(*parts(match)), None
            except PeriodError as exc:
                return None, f"kỳ '{text}' không tồn tại: {exc}"
    return None, (f"không hiểu kỳ báo cáo '{text}' (viết 2020, 2023-M06, '6 tháng đầu năm 2023', '6T/2023' "
                  "hoặc '9 tháng 2023')")


def _indicator_lookup(catalogue: pd.DataFrame) -> dict[str, str]:
    lookup = {}
    for _, row in catalogue.iterrows():
        for text in (row["name_en"], row["name_vi"], row["code"]):
            lookup[fold(text)] = row["code"]
    return lookup


def resolve_indicator(text: str, catalogue: pd.DataFrame, lookup: dict[str, str] | None = None
                      ) -> tuple[str | None, str | None]:
    """By code or by Vietnamese (or English) name, in any spelling; else the closest names."""
    lookup = lookup or _indicator_lookup(catalogue)
    key = fold(text)
    if key in lookup:
        return lookup[key], None
    names = catalogue.set_index("code")["name_vi"]
    close = difflib.get_close_matches(key, list(lookup), n=6, cutoff=0.55)
    if not close:  # else the names sharing most words: 'viec lam moi' -> 'giai quyet viec lam'
        words = set(key.split())
        shared = sorted(((len(words & set(name.split())), name) for name in lookup), reverse=True)
        close = [name for n, name in shared if n and n == shared[0][0]][:6]
    codes = list(dict.fromkeys(lookup[c] for c in close))[:3]
    hint = "; gần giống: " + ", ".join(f"{names[c]} ({c})" for c in codes) if codes else ""
    return None, f"không có chỉ tiêu '{text}' trong danh mục{hint}"


def _unit_status(text: str, period: Period, units: pd.DataFrame, levels: dict, names: dict
                 ) -> tuple[str, str | None, str]:
    """(kind, key, message): kind 'ok', 'aggregate', 'defunct' or 'error'."""
    key = name_key(text)
    key = key[4:] if key.startswith("vung") and key[4:] in REGION_NAME_KEYS else key
    if key in REGION_NAME_KEYS:
        return "aggregate", None, f"vùng '{text.strip()}'"
    if key in DEFUNCT_UNITS:
        return "defunct", None, DEFUNCT_UNITS[key]
    try:
        unit = resolve_unit(text, units, period)
    except UnitError as exc:  # the command-line hint about --geography does not apply to imports
        return "error", None, re.sub(r" \(dùng --geography[^)]*\)", "", str(exc))
    if levels[unit] in ("nation", "region"):
        return "aggregate", unit, f"'{text.strip()}' ({names[unit]})"
    return "ok", unit, ""


def _missing_mask(values: pd.Series) -> pd.Series:
    return (values == "") | values.isin(MISSING_MARKS)


def _arrow_floats(values: pd.Series, missing: pd.Series) -> pd.Series | None:
    """All cells in plain machine form (60.6, 18382): one Arrow cast, ten times faster than
    pd.to_numeric. None when any cell needs the slower path."""
    try:
        array = pa.array(values.where(~missing, None), type=pa.string(), from_pandas=True)
        floats = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, TypeError, ValueError):
        return None
    return pd.Series(floats.to_numpy(zero_copy_only=False), index=values.index, dtype="float64")


def parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Text cells -> (floats, bad mask). Accepts 60.6, 60,6, 18382, 1.234.567, 1,234.5, 60,6%.

    Missing cells ('', '..', '-') give NaN and are not bad. Vectorised: the plain forms are read by
    pd.to_numeric at once; only the remainder goes through the Vietnamese separators.
    """
    missing = _missing_mask(values)
    numbers = _arrow_floats(values, missing)
    if numbers is None:
        numbers = pd.to_numeric(values.where(~missing, None), errors="coerce").astype("float64")
    rest = numbers.isna() & ~missing
    if rest.any():
        text = values[rest].str.replace(r"[\s\u00a0%]", "", regex=True)
        both = text.str.contains(".", regex=False) & text.str.contains(",", regex=False)
        comma_decimal = both & (text.str.rfind(",") > text.str.rfind("."))
        dot_thousands = text.str.fullmatch(r"-?\d{1,3}(\.\d{3})+")
        comma_thousands = text.str.fullmatch(r"-?\d{1,3}(,\d{3}){2,}")
        cleaned = text.copy()
        cleaned[comma_decimal] = text[comma_decimal].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        cleaned[both & ~comma_decimal] = text[both & ~comma_decimal].str.replace(",", "", regex=False)
        cleaned[dot_thousands & ~both] = text[dot_thousands & ~both].str.replace(".", "", regex=False)
        only_comma = ~both & ~dot_thousands
        cleaned[only_comma & comma_thousands] = text[only_comma & comma_thousands].str.replace(",", "", regex=False)
        cleaned[only_comma & ~comma_thousands] = text[only_comma & ~comma_thousands].str.replace(",", ".", regex=False)
        numbers[rest] = pd.to_numeric(cleaned, errors="coerce").astype("float64")
    bad = (numbers.isna() & ~missing) | np.isinf(numbers)
    numbers[bad] = np.nan
    return numbers, bad


def validate(uploads: list[Upload], units: pd.DataFrame, catalogue: pd.DataFrame, indicator: str | None,
             report: ImportReport) -> pd.DataFrame | None:
    """Resolve and check every row of every upload. Returns the facts to upsert, or None on errors."""
    problems = _Problems(report.issues)
    fixed_indicator = None
    if indicator:
        fixed_indicator, message = resolve_indicator(indicator, catalogue)
        if message:
            problems.whole_file(", ".join(u.name for u in uploads), f"--indicator: {message}")
            return None
    frames = []
    for upload in uploads:
        frame = _validate_upload(upload, units, catalogue, fixed_indicator, problems, report)
        if frame is not None:
            frames.append(frame)
    if not frames:
        return None
    facts = pd.concat(frames, ignore_index=True)
    repeated = facts.duplicated(KEY, keep="first")
    if repeated.any():
        first = facts[~repeated].set_index(KEY)[["file", "row"]]
        later = facts[repeated]
        at = first.index.get_indexer(pd.MultiIndex.from_frame(later[KEY]))
        messages = pd.Series([f"số liệu trùng với {f} dòng {r} (cùng chỉ tiêu {k[0]}, đơn vị {k[1]}, kỳ {k[2]})"
                              for f, r, k in zip(first["file"].to_numpy()[at], first["row"].to_numpy()[at],
                                                 zip(later["indicator"], later["unit"], later["period"]))],
                             index=later.index)
        problems.rows(later[["file", "row"]], None, messages)
    return None if report.errors else facts


def _validate_upload(upload: Upload, units: pd.DataFrame, catalogue: pd.DataFrame, fixed_indicator: str | None,
                     problems: _Problems, report: ImportReport) -> pd.DataFrame | None:
    name, frame, labels = upload.name, upload.frame, upload.labels
    label = lambda canon: labels.get(canon) or COLUMN_NAMES_VI[canon]  # noqa: E731
    value_label = (frame["_column"] if "_column" in frame else None)
    errors_before = len(report.errors)
    missing_columns = [COLUMN_NAMES_VI[c] for c in ("unit", "period") if c not in labels]
    if "indicator" not in labels and not fixed_indicator:
        missing_columns.append(COLUMN_NAMES_VI["indicator"] if upload.kind != "gso"
                               else "chỉ tiêu (bảng GSO theo tỉnh và năm: chọn chỉ tiêu, --indicator CODE)")
    if missing_columns:
        problems.whole_file(name, "thiếu cột: " + ", ".join(missing_columns))
    if not any(c in labels for c in VALUE_COLUMNS):
        problems.whole_file(name, "thiếu cột số liệu: cần ít nhất một trong Thực hiện, Kế hoạch năm, Tử số, Mẫu số")
    if len(report.errors) > errors_before:
        return None
    report.rows_read += int(frame["row"].nunique())
    given = [c for c in VALUE_COLUMNS if c in labels]
    report.given_columns = sorted(set(report.given_columns) | set(given), key=VALUE_COLUMNS.index)

    # rows with nothing at all are blank lines, not figures
    present = [c for c in CANONICAL if c in frame]
    blank = np.logical_and.reduce([_missing_mask(frame[c]) if c in VALUE_COLUMNS else frame[c].eq("")
                                   for c in present])
    if upload.kind == "gso":  # a province-by-year cell without a figure is missing, not an error
        empty_cells = _missing_mask(frame["actual"]) & frame["unit"].ne("")
        if empty_cells.any():
            problems.whole_file(name, f"{int(empty_cells.sum())} ô trống hoặc '..' (không có số liệu) được bỏ qua",
                                "notice")
        blank = _missing_mask(frame["actual"])
    frame = frame[~blank].copy()
    if frame.empty:
        problems.whole_file(name, "tệp không có dòng số liệu nào")
        return None

    if fixed_indicator:
        if "indicator" in frame:
            frame["indicator"] = frame["indicator"].where(frame["indicator"] != "", fixed_indicator)
        else:
            frame["indicator"] = fixed_indicator
    bad = pd.Series(False, index=frame.index)
    for canon in ("unit", "period", "indicator"):
        empty = frame[canon].eq("")
        problems.rows(frame.loc[empty, ["file", "row"]], label(canon), "ô bắt buộc đang trống")
        bad |= empty

    # indicators: each distinct text resolved once
    lookup = _indicator_lookup(catalogue)
    indicator = _per_distinct(frame["indicator"], lambda text: resolve_indicator(text, catalogue, lookup), 2)
    unknown = ~bad & indicator[1].notna()
    problems.rows(frame.loc[unknown, ["file", "row"]], label("indicator"), indicator[1][unknown])
    frame["indicator_code"] = indicator[0]
    bad |= unknown

    # periods: each distinct text parsed once
    period = _per_distinct(frame["period"], lambda text: _period_parts(text) if text else (None, None, None), 3)
    period_error = ~bad & period[2].notna()
    period_label = value_label if (value_label is not None and upload.kind == "gso") else label("period")
    problems.rows(frame.loc[period_error, ["file", "row"]], period_label, period[2][period_error])
    bad |= period_error
    frame["period_code"], frame["generation"] = period[0], period[1]

    # units: each distinct text resolved once per generation (63 or 34 provinces at the period's date)
    levels = units.set_index("unit")["level"].to_dict()
    names = units.set_index("unit")["name_vi"].to_dict()
    unit_key = frame["unit"] + "|" + frame["generation"].fillna(0).astype(int).astype(str) \
        + "|" + frame["period_code"].fillna("")
    resolved = _per_distinct(unit_key.where(~bad, ""), lambda key: _unit_status_of_key(key, units, levels, names)
                             if key else ("", None, ""), 3, first_of=lambda key: key.rsplit("|", 1)[0])
    kinds, frame["unit_key"], unit_messages = resolved
    errors = ~bad & kinds.eq("error")
    if errors.any():  # the message names the period: say it for each row's own period
        own = _per_distinct(unit_key[errors], lambda key: _unit_status_of_key(key, units, levels, names), 3)
        unit_messages = unit_messages.astype(object)
        unit_messages[errors] = own[2].astype(object)
    problems.rows(frame.loc[errors, ["file", "row"]], label("unit"), unit_messages[errors])
    bad |= errors
    for kind, text in (("aggregate", "số liệu tổng hợp (vùng và cả nước được tính từ các tỉnh)"),
                       ("defunct", "số liệu của đơn vị không còn tồn tại, không có trong danh mục đơn vị")):
        skipped = ~bad & kinds.eq(kind)
        for _, rows in frame[skipped].groupby("unit", sort=False):
            lines = rows["row"].unique()
            problems.whole_file(name, f"{unit_messages[rows.index[0]]} (dòng {', '.join(map(str, lines[:5]))}"
                                f"{'...' if len(lines) > 5 else ''}): bỏ qua {len(rows)} {text}", "notice",
                                label("unit"))
        frame, bad, kinds = frame[~skipped], bad[~skipped], kinds[~skipped]
    bad |= _check_unit_dates(frame, bad, units, problems, label("unit"))

    # numbers
    count_indicators = set(catalogue.loc[catalogue["decimals"].astype(int) == 0, "code"])
    for canon in given:
        numbers, text_error = parse_numbers(frame[canon])
        column = value_label.loc[frame.index] if (value_label is not None and canon == "actual") else label(canon)
        problems.rows(frame.loc[text_error, ["file", "row"]], column,
                      "'" + frame.loc[text_error, canon].str.slice(0, 40) + "' không phải là số")
        if canon not in upload.typed or f"_{canon}_typed" not in frame:
            typed = pd.Series(False, index=frame.index)
        else:
            typed = frame[f"_{canon}_typed"].astype(bool)
        fractional = numbers.notna() & (numbers != np.floor(numbers)) & frame["indicator_code"].isin(count_indicators)
        ambiguous = fractional & ~typed & frame[canon].str.fullmatch(r"-?\d{1,3}[.,]\d{3}").fillna(False).astype(bool)
        problems.rows(frame.loc[ambiguous, ["file", "row"]], column,
                      "'" + frame.loc[ambiguous, canon] + "' không rõ dấu chấm/phẩy là phân cách nghìn hay thập phân "
                      "(chỉ tiêu đếm số lượng): viết số không có dấu phân cách, ví dụ 18382")
        bad |= text_error | ambiguous
        frame[f"{canon}_value"] = numbers
    bad |= _check_values(frame, bad, catalogue, given, label, value_label, problems)
    frame = frame[~bad]  # the rows without errors still take part in the duplicate check
    out = pd.DataFrame({
        "indicator": frame["indicator_code"], "unit": frame["unit_key"], "period": frame["period_code"],
        **{c: frame[f"{c}_value"] if c in given else np.nan for c in VALUE_COLUMNS},
    })
    where = name + " dòng " + frame["row"].astype(str)
    if "_column" in frame:
        where = where + ", cột " + frame["_column"]
    if upload.kind == "gso" and upload.title:
        where = "GSO: " + upload.title + " (" + where + ")"
    own_source = frame["source"] if "source" in frame else pd.Series("", index=frame.index)
    out["source"] = own_source.where(own_source.eq(""), own_source + " (" + where + ")").where(own_source.ne(""), where)
    out["note"] = frame["note"] if "note" in frame else ""
    out["file"], out["row"] = name, frame["row"]
    return out.reset_index(drop=True)


def parsed_period(code: str) -> Period:
    year, _, month = code.partition("-M")
    return Period(int(year), int(month) if month else 12)


def _check_unit_dates(frame: pd.DataFrame, bad: pd.Series, units: pd.DataFrame, problems: _Problems,
                      column: str) -> pd.Series:
    """A unit given by its key or code must exist at the end of the period it reports."""
    ok = ~bad & frame["unit_key"].notna()
    pairs = frame.loc[ok, ["unit_key", "period_code"]].drop_duplicates()
    pairs = pairs.merge(units[["unit", "name_vi", "valid_from", "valid_to", "successor"]],
                        left_on="unit_key", right_on="unit", how="left")
    ends = {code: parsed_period(code).end_date for code in pairs["period_code"].unique()}
    end = pairs["period_code"].map(ends)
    gone = pairs["valid_to"].notna() & (end > pairs["valid_to"])
    early = pairs["valid_from"].notna() & (end < pairs["valid_from"])
    mask = pd.Series(False, index=frame.index)
    if not (gone | early).any():
        return mask
    names = units.set_index("unit")["name_vi"]
    wrong = {}
    for _, row in pairs[gone | early].iterrows():
        period = parsed_period(row["period_code"])
        if isinstance(row["valid_to"], dt.date) and period.end_date > row["valid_to"]:
            successor = row["successor"]
            after = (f": từ {row['valid_to'] + dt.timedelta(days=1):%d/%m/%Y} thuộc {names[successor]}"
                     if isinstance(successor, str) and successor in names.index else "")
            wrong[(row["unit_key"], row["period_code"])] = (
                f"đơn vị {row['name_vi']} ({row['unit_key']}) không còn tồn tại ở kỳ {period.label().lower()}{after}")
        else:
            wrong[(row["unit_key"], row["period_code"])] = (
                f"đơn vị {row['name_vi']} ({row['unit_key']}) chưa tồn tại ở kỳ {period.label().lower()} "
                f"(thành lập từ {row['valid_from']:%d/%m/%Y})")
    table = pd.Series(wrong)
    at = table.index.get_indexer(pd.MultiIndex.from_arrays([frame["unit_key"], frame["period_code"]]))
    mask = ok & pd.Series(at >= 0, index=frame.index)
    messages = pd.Series(table.to_numpy()[np.maximum(at, 0)], index=frame.index)
    problems.rows(frame.loc[mask, ["file", "row"]], column, messages[mask])
    return mask


def _g(values: pd.Series) -> pd.Series:
    """Numbers as short text for messages (a str Series even when empty)."""
    return values.map(lambda v: f"{v:g}").astype(str)


def _check_values(frame: pd.DataFrame, bad: pd.Series, catalogue: pd.DataFrame, given: list[str], label,
                  value_label, problems: _Problems) -> pd.Series:
    """Ranges and consistency of the numbers; returns the rows found wrong."""
    wrong = pd.Series(False, index=frame.index)
    meta = catalogue.set_index("code")
    is_rate = frame["indicator_code"].map(meta["unit_of_measure"]).eq("%")
    for canon in given:
        values = frame[f"{canon}_value"]
        column = value_label.loc[frame.index] if (value_label is not None and canon == "actual") else label(canon)
        negative = ~bad & values.lt(0)
        problems.rows(frame.loc[negative, ["file", "row"]], column, "số liệu không được âm")
        wrong |= negative
        if canon in ("actual", "plan"):
            outside = ~bad & ~negative & is_rate & values.gt(100)
            problems.rows(frame.loc[outside, ["file", "row"]], column,
                          "tỷ lệ (%) phải nằm trong khoảng 0-100, gặp " + _g(values[outside]))
            wrong |= outside
    if "numerator" in given and "denominator" in given:
        numerator, denominator = frame["numerator_value"], frame["denominator_value"]
        above = ~bad & numerator.gt(denominator)
        problems.rows(frame.loc[above, ["file", "row"]], label("numerator"),
                      "tử số lớn hơn mẫu số (" + _g(numerator[above]) + " > " + _g(denominator[above]) + ")")
        wrong |= above
    if "denominator" in given:
        zero = ~bad & frame["denominator_value"].eq(0)
        problems.rows(frame.loc[zero, ["file", "row"]], label("denominator"), "mẫu số bằng 0")
        wrong |= zero
    if {"actual", "numerator", "denominator"} <= set(given):
        ratio = frame["numerator_value"] / frame["denominator_value"] * 100
        off = ~bad & ~wrong & is_rate & (ratio - frame["actual_value"]).abs().gt(0.5)
        problems.rows(frame.loc[off, ["file", "row"]], label("actual"),
                      "tỷ lệ " + _g(frame.loc[off, "actual_value"]) + " khác tử số/mẫu số × 100 = "
                      + _g(ratio[off].round(2)) + " (vùng và cả nước được cộng dồn từ tử số, mẫu số)", "notice")
    no_value = ~bad & np.logical_and.reduce([frame[f"{c}_value"].isna() for c in given])
    problems.rows(frame.loc[no_value, ["file", "row"]], None, "dòng không có số liệu nào (Thực hiện, Kế hoạch...)")
    return wrong | no_value


# --- merging, preview, writing -----------------------------------------------------------------

def diff_facts(old: pd.DataFrame, new: pd.DataFrame) -> pd.DataFrame:
    """Figures added, removed and changed between two facts tables (old/new value per column)."""
    columns = KEY + VALUE_COLUMNS
    merged = old[columns].merge(new[columns], on=KEY, how="outer", suffixes=("_old", "_new"), indicator=True)
    changed = pd.Series(False, index=merged.index)
    for col in VALUE_COLUMNS:
        a, b = merged[f"{col}_old"], merged[f"{col}_new"]
        changed |= ~((a == b) | (a.isna() & b.isna()))
    merged["change"] = np.select([merged["_merge"].eq("left_only"), merged["_merge"].eq("right_only"),
                                  changed], ["removed", "added", "changed"], "")
    merged = merged[merged["change"] != ""].drop(columns="_merge")
    order = {"added": 0, "changed": 1, "removed": 2}
    merged = merged.sort_values(["change", "indicator", "period", "unit"],
                                key=lambda s: s.map(order) if s.name == "change" else s)
    return merged[["change"] + KEY + [f"{c}_{w}" for c in VALUE_COLUMNS for w in ("old", "new")]].reset_index(drop=True)


def upsert(parent: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """Parent facts with `rows` added or replaced on (indicator, unit, period).

    An empty cell keeps the parent's figure, so a file of actuals does not erase the plans. The
    actual, numerator and denominator describe one measurement and are replaced together when the
    row gives any of them; the plan is replaced when the row gives it. Unchanged rows keep the
    parent's row and source. Returns (new facts, counts, changes as in diff_facts).
    """
    rows = rows[KEY + VALUE_COLUMNS + ["source", "note"]]
    merged = rows.merge(parent[store.FACT_COLUMNS], on=KEY, how="left", suffixes=("", "_old"), indicator=True)
    existing = merged["_merge"].eq("both")
    measured = merged[["actual", "numerator", "denominator"]].notna().any(axis=1)
    keep_old = {"actual": ~measured, "numerator": ~measured, "denominator": ~measured, "plan": merged["plan"].isna()}
    for col, keep in keep_old.items():
        merged[col] = merged[col].where(~(keep & existing), merged[f"{col}_old"])
    same = existing.copy()
    for col in VALUE_COLUMNS:
        a, b = merged[col], merged[f"{col}_old"]
        same &= (a == b) | (a.isna() & b.isna())
    replaced = merged[~same][store.FACT_COLUMNS]
    keys = pd.MultiIndex.from_frame(replaced[KEY])
    kept = parent[~pd.MultiIndex.from_frame(parent[KEY]).isin(keys)]
    new = pd.concat([kept[store.FACT_COLUMNS], replaced], ignore_index=True)
    counts = {"added": int((~existing).sum()), "changed": int((existing & ~same).sum()),
              "unchanged": int(same.sum()), "facts_before": len(parent), "facts_after": len(new)}
    changes = merged[~same].rename(columns={c: f"{c}_new" for c in VALUE_COLUMNS})
    changes.insert(0, "change", np.where(existing[~same], "changed", "added"))
    changes = changes[["change"] + KEY + [f"{c}_{w}" for c in VALUE_COLUMNS for w in ("old", "new")]]
    return new, counts, changes.reset_index(drop=True)


def _empty_facts() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="float64" if c in VALUE_COLUMNS else "object")
                         for c in store.FACT_COLUMNS})


def prepare_import(files: list[tuple[str, bytes]], *, indicator: str | None = None, data_dir=None,
                   max_bytes: int = MAX_UPLOAD_BYTES) -> ImportReport:
    """Read, validate and merge into the newest snapshot; never writes. Check `report.ok`."""
    report = ImportReport()
    parent = store.get_snapshot(None, data_dir)
    report.parent = parent
    units = store.read_table(parent, "units") if parent else build_units()
    catalogue = store.read_table(parent, "indicators") if parent else load_indicators()
    uploads = []
    for name, data in files:
        report.files.append({"file": name, "sha256": sha256_bytes(data), "bytes": len(data)})
        try:
            upload = read_upload(data, name, max_bytes, report.files[-1]["sha256"])
        except _Refused as exc:
            report.issues.append(Issue(name, exc.row, None, _strip_file(str(exc), name)))
            continue
        report.files[-1]["kind"] = upload.kind
        uploads.append(upload)
    if report.errors:
        return report
    facts = validate(uploads, units, catalogue, indicator, report)
    if facts is None:
        return report
    for entry in report.files:
        entry["facts"] = int((facts["file"] == entry["file"]).sum())
        if indicator:
            entry["indicator"] = facts["indicator"].iloc[0] if entry["kind"] == "gso" else None
    report.facts = facts
    parent_facts = store.read_table(parent, "facts") if parent else _empty_facts()
    report.new_facts, report.counts, report.changes = upsert(parent_facts, facts)
    report.units, report.catalogue = units, catalogue
    return report


def _strip_file(message: str, name: str) -> str:
    """'tệp X: ...' -> '...' (the Issue names the file already)."""
    for prefix in (f"tệp {name}: ", f"tệp {name} "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def commit_import(report: ImportReport, *, note: str = "", created_by: str = "python -m kpi import",
                  data_dir=None) -> store.Snapshot:
    """Write the prepared import as a new snapshot (parent = the snapshot it was checked against)."""
    if not report.ok or report.new_facts is None:
        raise ImportFailed(report)
    newest = store.get_snapshot(None, data_dir)
    parent_id = report.parent.id if report.parent else None
    if (newest.id if newest else None) != parent_id:
        report.issues.append(Issue(", ".join(f["file"] for f in report.files), None, None,
                                   f"bản dữ liệu mới nhất đã đổi thành {newest.id} sau khi kiểm tra; hãy kiểm tra lại"))
        raise ImportFailed(report)
    sources = [dict(entry, **{"counts": report.counts}) for entry in report.files]
    return store.write_snapshot(
        report.new_facts, report.units, report.catalogue, created_by=created_by, note=note,
        parent=parent_id, sources=sources, demo=bool(report.parent and report.parent.is_demo), data_dir=data_dir)


def import_file(path: str | Path, *, indicator: str | None = None, note: str = "", dry_run: bool = False,
                data_dir=None, max_bytes: int = MAX_FILE_BYTES) -> tuple[ImportReport, store.Snapshot | None]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            report = ImportReport(files=[{"file": path.name, "bytes": size}])
            report.issues.append(Issue(path.name, None, None, f"tệp có {size / 2**20:.0f} MB, vượt giới hạn "
                                                              f"{max_bytes / 2**20:.0f} MB"))
            return report, None
        data = path.read_bytes()
    except OSError as exc:
        report = ImportReport(files=[{"file": path.name}])
        report.issues.append(Issue(path.name, None, None, f"không mở được tệp ({exc.strerror or exc})"))
        return report, None
    report = prepare_import([(path.name, data)], indicator=indicator, data_dir=data_dir, max_bytes=max_bytes)
    if not report.ok or dry_run or not _has_changes(report):
        return report, None
    return report, commit_import(report, note=note, data_dir=data_dir)


def _has_changes(report: ImportReport) -> bool:
    return bool(report.counts.get("added") or report.counts.get("changed"))


def summary_lines(report: ImportReport) -> list[str]:
    """The import summary in Vietnamese (command line and page)."""
    lines = []
    for entry in report.files:
        kind = {"gso": "bảng GSO theo tỉnh và năm", "csv": "CSV", "xlsx": "Excel"}.get(entry.get("kind"), "")
        facts = f", {fmt.number(entry['facts'])} số liệu hợp lệ" if "facts" in entry else ""
        lines.append(f"Tệp {entry['file']} ({kind}{facts})".replace(" ()", ""))
    if report.counts:
        c = report.counts
        n = {k: fmt.number(v) for k, v in c.items()}
        lines.append(f"Thêm mới {n['added']}, thay đổi {n['changed']}, giữ nguyên {n['unchanged']} số liệu; "
                     f"bản dữ liệu mới có {n['facts_after']} số liệu (trước {n['facts_before']})")
    return lines


# --- history, diff between snapshots, safe export cells ----------------------------------------

def snapshot_history(data_dir=None) -> pd.DataFrame:
    """Every snapshot, newest first: id, time, note, source files, counts, parent."""
    rows = []
    for snap in store.list_snapshots(data_dir):
        manifest = snap.manifest
        files = [s.get("file", "") for s in manifest.get("sources", []) if isinstance(s, dict)]
        rows.append({"id": snap.id, "created": snap.created.replace("T", " ")[:16], "note": manifest.get("note", ""),
                     "created_by": manifest.get("created_by", ""), "sources": ", ".join(f for f in files if f),
                     "facts": manifest.get("counts", {}).get("facts"), "parent": manifest.get("parent") or "",
                     "demo": bool(manifest.get("demo"))})
    return pd.DataFrame(rows, columns=["id", "created", "note", "created_by", "sources", "facts", "parent", "demo"])


def diff_snapshots(old_id: str, new_id: str, data_dir=None) -> pd.DataFrame:
    old = store.get_snapshot(old_id, data_dir)
    new = store.get_snapshot(new_id, data_dir)
    return diff_facts(store.read_table(old, "facts"), store.read_table(new, "facts"))


def diff_counts(diff: pd.DataFrame) -> dict:
    counts = diff["change"].value_counts()
    return {k: int(counts.get(k, 0)) for k in ("added", "changed", "removed")}


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value for a spreadsheet or CSV export: text that a spreadsheet would run as a formula gets
    a leading apostrophe, so it is shown as text and never evaluated (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    return out


def diff_csv(diff: pd.DataFrame) -> bytes:
    return safe_frame(diff).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")
