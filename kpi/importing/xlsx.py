"""A workbook (.xlsx) read as its user sees it, fast enough for 200,000 rows in a few seconds.

openpyxl's read-only mode spends ~30 s on a 200k-row sheet (an element object per cell, a scan
of the whole sheet for its size when the file does not state it, rich-text objects per inline
string), so the parts that matter are read here from the zip: the workbook (sheet names, order
and visibility), its relationships, the shared strings, the date styles, and one sheet's cells,
matched by regular expressions over the SpreadsheetML text (a grammar of a few elements: rows,
cells, values, formulas, inline strings). What this reader guarantees:

- a hidden or very hidden sheet is never read (the caller names it in a notice);
- a formula cell with no computed value is reported by its reference (`E5`), never read as empty;
- a number cell is `Number` (its text exactly as Excel stored it, e.g. '18382', '0.1', '1E+28'),
  so the importer knows it needs no decimal mark; a date cell is its ISO date text;
- a number cell in a percent format is the number its user sees with a '%' sign: Excel stores
  '60,6%' as 0.606, read as Number('60.6%') (15 significant digits, as Excel shows), never 0.606;
- a part with a DOCTYPE or an entity declaration, or anything outside that grammar, is refused
  (`XlsxError`), never half read.

The zip itself (size, members, compression ratio) is checked by kpi.importing.readers first.
"""
from __future__ import annotations

import datetime as dt
import decimal
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

MAIN_NAMESPACES = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                   "http://purl.oclc.org/ooxml/spreadsheetml/main")
REL_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                  "http://purl.oclc.org/ooxml/officeDocument/relationships")
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
# number formats Excel builds in that show a date or a time
BUILTIN_DATE_FORMATS = {14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47,
                        50, 51, 52, 53, 54, 55, 56, 57, 58}
BUILTIN_PERCENT_FORMATS = {9, 10}  # 0% and 0.00%: the cell shows its value × 100

_ATTRS = r"((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)"
_ATTR = re.compile(r"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_REF = re.compile(r"([A-Z]{1,3})(\d+)")
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);")
_STRAY_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot|apos);)")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class XlsxError(Exception):
    """The workbook cannot be read as a spreadsheet; `detail` says what was wrong."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class Number(str):
    """A number cell, as the text Excel stored (machine notation, '.' as decimal mark)."""


@dataclass
class SheetInfo:
    name: str
    state: str                  # visible, hidden or veryHidden
    part: str | None            # the zip member of its cells (None: not a worksheet, e.g. a chart sheet)


@dataclass
class SheetCells:
    """The non-empty cells of one sheet, row by row (rows as numbered in the sheet)."""
    rows: list[int] = field(default_factory=list)
    cells: list[list] = field(default_factory=list)         # per row, values by column position (None = empty)
    pending: list[tuple[int, int, str]] = field(default_factory=list)  # (row, column, ref) of formulas without value
    beyond: int | None = None   # first row with a value right of max_columns


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _unescape(text: str) -> str:
    if "&" not in text:
        return text

    def entity(match: re.Match) -> str:
        name = match.group(1)
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    if _STRAY_AMPERSAND.search(text):
        raise XlsxError("entity")
    try:
        return _ENTITY.sub(entity, text)
    except (ValueError, OverflowError) as exc:  # a character reference outside Unicode
        raise XlsxError("entity") from exc


def _decode(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = raw.decode("utf-16")
    else:
        text = raw.decode("utf-8-sig")
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise XlsxError("DOCTYPE")
    if "<![CDATA[" in text:
        raise XlsxError("CDATA")
    if "<!--" in text:
        text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    return text


def _parse_small(raw: bytes) -> ET.Element:
    """A small part (workbook, relationships, styles) as a tree, after the DOCTYPE refusal."""
    return ET.fromstring(_decode(raw).lstrip("\ufeff"))


def _prefix(text: str) -> str:
    """'x:' when the main namespace is bound to a prefix (`<x:worksheet xmlns:x=...>`), else ''."""
    root = re.search(r"<(?:([\w.-]+):)?(?:worksheet|sst)\b" + _ATTRS, text)
    if root is None:
        raise XlsxError("root")
    prefix = root.group(1)
    if not prefix:
        return ""
    declared = dict((m[0], m[1] or m[2]) for m in _ATTR.findall(root.group(2)))
    if declared.get(f"xmlns:{prefix}") not in MAIN_NAMESPACES:
        raise XlsxError("namespace")
    return prefix + ":"


def _texts(body: str, p: str) -> str:
    """The text of a shared or inline string: its <t> runs, without phonetic runs (<rPh>)."""
    if body.startswith(f"<{p}t>") and body.endswith(f"</{p}t>") and body.count("<") == 2:
        return _unescape(body[len(p) + 3:-(len(p) + 4)])
    body = re.sub(rf"<{p}rPh\b.*?</{p}rPh\s*>", "", body, flags=re.S)
    return "".join(_unescape(t) for t in re.findall(rf"<{p}t(?:\s[^>]*)?>(.*?)</{p}t\s*>", body, flags=re.S))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _is_date_format(code: str) -> bool:
    code = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code)
    code = code.split(";")[0]
    return bool(re.search(r"[dmyhs]", code, flags=re.I)) and not re.search(r"[0#?]", code)


def _is_percent_format(code: str) -> bool:
    """A format with a % sign outside quotes, escapes and brackets shows the value × 100."""
    return "%" in re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code).split(";")[0]


def _percent_text(raw: str) -> str:
    """A percent cell's stored value as its user sees it: '0.606' -> '60.6%' (exact decimal
    arithmetic, 15 significant digits as Excel shows; '0.60599999999999998' is '60.6%' too)."""
    try:
        shown = decimal.Context(prec=15).multiply(decimal.Decimal(raw), 100)
    except decimal.InvalidOperation:
        return raw  # not a number: the importer says so
    if not shown.is_finite():
        return raw
    return format(shown.normalize(), "f") + "%"


def _serial_date(value: float, date1904: bool) -> str | None:
    """An Excel date serial as ISO text (the 1900 system's phantom 29 February read as the 28th)."""
    if not 0 <= value < 2958466:
        return None
    if date1904:
        moment = dt.datetime(1904, 1, 1) + dt.timedelta(days=value)
    elif value < 60:
        moment = dt.datetime(1899, 12, 31) + dt.timedelta(days=value)
    elif value < 61:
        moment = dt.datetime(1900, 2, 28)
    else:
        moment = dt.datetime(1899, 12, 30) + dt.timedelta(days=value)
    return (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0).isoformat()  # to the second


class Workbook:
    """The parts of a workbook the importer reads. Raises XlsxError."""

    def __init__(self, data: bytes | zipfile.ZipFile):
        self.archive = data if isinstance(data, zipfile.ZipFile) else zipfile.ZipFile(io.BytesIO(data))
        workbook = _parse_small(self.archive.read("xl/workbook.xml"))
        rels = self._relationships("xl/_rels/workbook.xml.rels")
        self.date1904 = any(_local(e.tag) == "workbookPr" and e.get("date1904") in ("1", "true")
                            for e in workbook)
        self.sheets: list[SheetInfo] = []
        for element in workbook.iter():
            if _local(element.tag) != "sheet":
                continue
            rel = next((element.get(f"{{{ns}}}id") for ns in REL_NAMESPACES if element.get(f"{{{ns}}}id")), None)
            target, kind = rels.get(rel, (None, ""))
            part = target if kind.endswith("/worksheet") else None
            self.sheets.append(SheetInfo(element.get("name") or "", element.get("state") or "visible", part))
        shared = next((t for t, k in rels.values() if k.endswith("/sharedStrings")), None)
        styles = next((t for t, k in rels.values() if k.endswith("/styles")), None)
        self.shared_strings = self._shared_strings(shared) if shared else []
        self.date_styles, self.percent_styles = self._number_styles(styles) if styles else (set(), set())

    def _member(self, name: str) -> bytes | None:
        try:
            return self.archive.read(name)
        except KeyError:
            return None

    def _relationships(self, name: str) -> dict[str, tuple[str, str]]:
        raw = self._member(name)
        if raw is None:
            return {}
        out = {}
        base = posixpath.dirname(posixpath.dirname(name))  # xl/_rels/workbook.xml.rels -> xl
        for element in _parse_small(raw):
            if _local(element.tag) != "Relationship":
                continue
            target = element.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            out[element.get("Id")] = (path, element.get("Type") or "")
        return out

    def _shared_strings(self, name: str) -> list[str]:
        raw = self._member(name)
        if raw is None:
            return []
        text = _decode(raw)
        p = _prefix(text)
        return [_texts(body, p) if body else ""
                for body in re.findall(rf"<{p}si\b[^>]*?(?:/>|>(.*?)</{p}si\s*>)", text, flags=re.S)]

    def _number_styles(self, name: str) -> tuple[set[int], set[int]]:
        """The cell styles (positions in cellXfs) that show a date, and those that show a percent."""
        raw = self._member(name)
        if raw is None:
            return set(), set()
        root = _parse_small(raw)
        custom = {}
        for element in root.iter():
            if _local(element.tag) == "numFmt":
                custom[int(element.get("numFmtId", "-1"))] = element.get("formatCode") or ""
        dates, percents = set(), set()
        for block in root:
            if _local(block.tag) != "cellXfs":
                continue
            for position, xf in enumerate(e for e in block if _local(e.tag) == "xf"):
                number_format = int(xf.get("numFmtId", "0"))
                if number_format in BUILTIN_DATE_FORMATS or \
                        (number_format in custom and _is_date_format(custom[number_format])):
                    dates.add(position)
                elif number_format in BUILTIN_PERCENT_FORMATS or \
                        (number_format in custom and _is_percent_format(custom[number_format])):
                    percents.add(position)
        return dates, percents

    def read_cells(self, sheet: SheetInfo, max_columns: int, max_rows: int) -> SheetCells:
        """The values of a sheet; stops with XlsxError('rows') past `max_rows` rows with values."""
        if sheet.part is None:
            return SheetCells()
        raw = self._member(sheet.part)
        if raw is None:
            raise XlsxError("sheet part")
        return _SheetReader(self, _decode(raw)).read(max_columns, max_rows)


class _SheetReader:
    """One pass over a sheet's XML text: patterns compiled once for its namespace prefix, and each
    distinct string cell unescaped once (names of units and indicators repeat on every row)."""

    def __init__(self, book: Workbook, text: str):
        self.book, self.text = book, text
        p = self.p = _prefix(text)
        # one pass over sheetData: a row's start tag, or a cell with r, s and t in the order every
        # common writer uses (any other attribute, or another order, lands in `rest`)
        self.tokens = re.compile(rf'<{p}(row)(?:\s+r="(\d+)")?{_ATTRS}\s*/?>'
                                 rf'|<{p}c(?:\s+r="([A-Z]{{1,3}})(\d+)")?(?:\s+s="(\d+)")?(?:\s+t="(\w+)")?{_ATTRS}'
                                 rf"\s*(?:/>|>(.*?)</{p}c\s*>)", re.S)
        self.row_number = re.compile(r'\br\s*=\s*["\'](\d+)["\']')
        self.formula = re.compile(rf"<{p}f\b")
        self.value = re.compile(rf"<{p}v(?:\s[^>]*)?>(.*?)</{p}v\s*>", re.S)
        self.inline = re.compile(rf"<{p}is\b[^>]*>(.*?)</{p}is\s*>", re.S)
        self.v_open, self.v_close = f"<{p}v>", f"</{p}v>"
        self.is_open, self.is_close = f"<{p}is><{p}t>", f"</{p}t></{p}is>"
        self.columns: dict[str, int] = {}
        self.strings: dict[str, str] = {}

    def read(self, max_columns: int, max_rows: int) -> SheetCells:
        p, text = self.p, self.text
        start = text.find(f"<{p}sheetData")
        end = text.rfind(f"</{p}sheetData")
        body = text[text.find(">", start) + 1:end] if start >= 0 and end > start else ""
        out = SheetCells()
        row_number, row_text, numbered, column = 0, "", True, -1
        values: list = []
        columns, strings, shared = self.columns, self.strings, self.book.shared_strings
        # cells whose number needs more than its text: a date, or a percent (shown × 100)
        date_styles = {str(s) for s in self.book.date_styles | self.book.percent_styles}
        v_open, v_close, is_open, is_close = self.v_open, self.v_close, self.is_open, self.is_close
        v_from, v_to, is_from, is_to = len(v_open), -len(v_close), len(p) + 4, -(len(p) + 5)

        def flush() -> None:
            if values:
                if len(out.rows) >= max_rows:
                    raise XlsxError("rows")
                out.rows.append(row_number)
                out.cells.append(values)

        for is_row, row_given, row_attrs, letters, number, style, kind, rest, inner in self.tokens.findall(body):
            if is_row:
                flush()
                values = []
                if not row_given and row_attrs:
                    given = self.row_number.search(row_attrs)
                    row_given = given.group(1) if given else ""
                row_number = int(row_given) if row_given else row_number + 1
                row_text, numbered = str(row_number), bool(row_given)  # else the first cell numbers the row
                column = -1
                continue
            if rest:
                named = {name.rsplit(":", 1)[-1]: a if a else b for name, a, b in _ATTR.findall(rest)}
                style, kind = style or named.get("s", ""), kind or named.get("t", "")
                if "r" in named:
                    ref = _REF.fullmatch(named["r"])
                    if ref is None or letters:
                        raise XlsxError("cell reference")
                    letters, number = ref.groups()
            if letters:
                column = columns.get(letters)
                if column is None:
                    column = columns[letters] = _column_index(letters)
                if number != row_text:
                    if numbered:
                        raise XlsxError("cell reference")
                    row_number, row_text, numbered = int(number), number, True
            else:
                column += 1
            if not inner:
                continue
            # the common cells without a function call: a number, an inline or a shared string
            simple_value = inner.startswith(v_open) and inner.endswith(v_close) and inner.count("<") == 2
            if simple_value and (not kind or kind == "n") and style not in date_styles:
                raw = inner[v_from:v_to].strip()
                value = Number(raw) if raw else None
            elif simple_value and kind == "s":
                try:
                    value = shared[int(inner[v_from:v_to])]
                except (ValueError, IndexError) as exc:
                    raise XlsxError("shared string") from exc
            elif kind == "inlineStr" and inner.startswith(is_open) and inner.endswith(is_close) \
                    and inner.count("<") == 4:
                value = strings.get(inner)
                if value is None:
                    value = strings[inner] = _texts(inner[is_from:is_to], p)  # <is>…</is> -> <t>…</t>
            else:
                value = self._value(inner, kind, style)
            if value is _PENDING:
                out.pending.append((row_number, column, f"{_column_letters(column)}{row_number}"))
                continue
            if value is None or value == "":
                continue
            if column >= max_columns:
                if out.beyond is None:
                    out.beyond = row_number
                continue
            if column >= len(values):
                values.extend([None] * (column + 1 - len(values)))
            values[column] = value
        flush()
        return out

    def _string(self, body: str) -> str:
        text = self.strings.get(body)
        if text is None:
            text = self.strings[body] = _texts(body, self.p)
        return text

    def _value(self, inner: str, kind: str, style: str):
        if inner.startswith(self.v_open) and inner.endswith(self.v_close) and inner.count("<") == 2:
            raw = inner[len(self.v_open):-len(self.v_close)]
        elif kind == "inlineStr" and inner.startswith(self.is_open) and inner.endswith(self.is_close) \
                and inner.count("<") == 4:
            return self._string(inner[len(self.p) + 4:-(len(self.p) + 5)])  # <is>…</is> -> <t>…</t>
        else:
            formula = self.formula.search(inner) is not None
            found = self.value.search(inner)
            raw = found.group(1) if found else None
            if kind == "inlineStr":
                strings = self.inline.search(inner)
                if strings:
                    return self._string(strings.group(1))
            # a formula with no <v>, or an empty one where a number belongs, has not been computed
            # (a formula whose text result is empty, t="str" with <v></v>, has been)
            if formula and (raw is None or (raw.strip() == "" and kind not in ("str", "inlineStr"))):
                return _PENDING
            if raw is None:
                return None
        if not kind or kind == "n":
            raw = raw.strip()
            if not raw:
                return None
            if style and int(style) in self.book.date_styles:
                try:
                    date = _serial_date(float(raw), self.book.date1904)
                except ValueError:
                    date = None
                if date is not None:
                    return date
            if style and int(style) in self.book.percent_styles:
                return Number(_percent_text(raw))
            return Number(raw)
        if kind == "s":
            try:
                return self.book.shared_strings[int(raw)]
            except (ValueError, IndexError) as exc:
                raise XlsxError("shared string") from exc
        if kind == "b":
            return "True" if raw.strip() in ("1", "true") else "False"
        return _unescape(raw)  # str (a formula's text result), e (an error such as #DIV/0!), d (ISO date)


_PENDING = object()


def cell_text(value) -> str:
    """A workbook cell as text: a number cell 83 -> '83', an empty cell -> ''."""
    if value is None:
        return ""
    if isinstance(value, Number):
        if value.isdigit():
            return str(value)
        try:
            number = float(value)
        except ValueError:
            return str(value)
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return repr(number)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def number_text(value) -> str:
    """A workbook cell of a number column as text: a number cell exactly as Excel stored it."""
    if isinstance(value, Number):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(float(value))
    return cell_text(value)
