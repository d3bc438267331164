"""Reading the lists people keep in spreadsheets: Excel workbooks (.xlsx) and CSV files.

A CSV file comes in UTF-8, with or without the byte-order mark Excel writes, or in
GB18030, which is what Excel on a Chinese Windows saves as "CSV". The format is told from
the content, not the file name: people rename files. Headers may be Chinese or English;
the caller names its columns and the headers that mean them. A title row above the header
(a merged "扶贫日签到表" line) is skipped. Row numbers are the ones the spreadsheet shows,
so an error message points at the row to correct.
"""

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from eventdesk.errors import ServiceError

#: The most data rows one file may hold; a day's list is a few thousand at most.
MAX_ROWS = 20_000
#: How far down a header row is looked for, past titles and notes above it.
HEADER_SEARCH_ROWS = 10
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format, which is not read
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# What people add to a header without changing its meaning: "手机号（必填）", "* 姓名", "Name:".
_HEADER_NOISE = re.compile(r"[(（\[【].*?[)）\]】]|[\s*:：_\-]+")

Cell = str | dt.datetime | dt.date | dt.time | None


@dataclass(frozen=True)
class Row:
    """One data row: its number as the spreadsheet shows it, and its cells by column name."""

    number: int
    values: Mapping[str, Cell]

    def text(self, column: str) -> str | None:
        """The cell as text (times as written by `str`), or None when empty."""
        value = self.values.get(column)
        return None if value is None else str(value)


@dataclass(frozen=True)
class Table:
    """The rows of a file, and which of the caller's columns its header has."""

    columns: frozenset[str]
    rows: list[Row]


def header_key(text: object) -> str:
    """A header as compared with the known spellings: width-folded, lower-case, no notes."""
    folded = unicodedata.normalize("NFKC", str(text or "")).lower()
    return _HEADER_NOISE.sub("", folded)


def read_table(data: bytes, columns: Mapping[str, Iterable[str]]) -> Table:
    """Read an .xlsx or .csv file's rows, keeping the columns named in `columns`.

    :param columns: column name → the headers that mean it, e.g. ``{"name": ("姓名", "name")}``.
    :raises ServiceError: ``import_unreadable``, ``import_missing_column`` (no header row with
        any known column), ``import_empty``, ``import_too_large``.
    """
    spellings = {header_key(alias): name for name, aliases in columns.items() for alias in (name, *aliases)}
    if data.startswith(_ZIP_MAGIC):
        records = _xlsx_records(data)
    elif data.startswith(_OLE_MAGIC):
        raise ServiceError("import_unreadable")
    else:
        records = _csv_records(data)
    return _table(records, spellings)


def _table(records: Iterator[tuple[int, list]], spellings: dict[str, str]) -> Table:
    header: dict[int, str] | None = None
    rows: list[Row] = []
    for number, cells in records:
        if header is None:
            header = _header(cells, spellings)
            if header is None and number >= HEADER_SEARCH_ROWS:
                break
            continue
        values = {name: _cell(cells[index]) for index, name in header.items() if index < len(cells)}
        if all(value is None for value in values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise ServiceError("import_too_large")
        rows.append(Row(number, values))
    if header is None:
        raise ServiceError("import_missing_column")
    if not rows:
        raise ServiceError("import_empty")
    return Table(columns=frozenset(header.values()), rows=rows)


def _header(cells: list, spellings: dict[str, str]) -> dict[int, str] | None:
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        name = spellings.get(header_key(cell)) if cell is not None else None
        if name and name not in found.values():
            found[index] = name
    return found or None


def _cell(value) -> Cell:
    """A cell as text, or as a date/time when the spreadsheet stored one."""
    if value is None:
        return None
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        # Phone numbers typed into Excel are stored as numbers: 13812345678.0.
        value = int(value)
    text = unicodedata.normalize("NFC", str(value)).strip()
    return text or None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A zip that is not a workbook, or a workbook with broken XML inside, fails in many ways.
    broken = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, SyntaxError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except broken:
        raise ServiceError("import_unreadable") from None
    try:
        if not workbook.worksheets:
            raise ServiceError("import_unreadable")
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        for number, cells in enumerate(rows, start=1):
            yield number, list(cells)
    except broken:
        raise ServiceError("import_unreadable") from None
    finally:
        workbook.close()


def _decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and its likely delimiter."""
    if data.startswith(_UTF16_BOMS):
        # Excel's "Unicode text" export: UTF-16, tab-separated.
        try:
            return data.decode("utf-16"), "\t"
        except UnicodeDecodeError:
            raise ServiceError("import_unreadable") from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ServiceError("import_unreadable")
    if "\x00" in text:
        raise ServiceError("import_unreadable")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",\t;", key=first_line.count)
    return text, delimiter


def _csv_records(data: bytes) -> Iterator[tuple[int, list]]:
    text, delimiter = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, list(cells)
    except csv.Error:
        raise ServiceError("import_unreadable") from None
