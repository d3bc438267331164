"""Tables as files: XLSX (openpyxl) and CSV (UTF-8 with a byte-order mark, so Excel reads Chinese).

A `Sheet` is columns and rows of plain values. Column labels are lazy strings, so a file
is written in the language in force (Chinese unless ``?lang=en`` or ``--lang en``).
Numbers are written as numbers and days and times as dates, so that organizers can sum
and sort them in Excel without converting anything. Rows are numbered 1, 2, 3…; database
ids are never written.
"""

import csv
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

ColumnType = Literal["text", "int", "date", "datetime"]

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")

# A text cell that a spreadsheet would read as a formula (CSV injection, OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_WIDTH_SAMPLE_ROWS = 500
_MIN_WIDTH, _MAX_WIDTH = 6, 60


@dataclass(frozen=True)
class Column:
    """A column: its key in each row, its header, its type, and how to mask it.

    `mask` marks personal data (full phone, ID number, name): readers without the right to
    see it get the masked value instead.
    """

    key: str
    label: object  # a lazy string: the header, in the language in force when written
    type: ColumnType = "text"
    mask: Callable[[str], str] | None = None

    @property
    def personal(self) -> bool:
        return self.mask is not None


ROW_NUMBER = Column("row_number", _l("No."), "int")


@dataclass
class Sheet:
    """A table to write: a title (the XLSX sheet's name), columns and rows (dicts by column key)."""

    title: object
    columns: list[Column]
    rows: Iterable[dict] = field(default_factory=list)

    def masked(self) -> "Sheet":
        """The same table with every personal column masked."""
        masks = {c.key: c.mask for c in self.columns if c.mask is not None}

        def mask(row: dict) -> dict:
            return {
                key: (masks[key](value) if key in masks and value else value) for key, value in row.items()
            }

        return Sheet(self.title, self.columns, (mask(row) for row in self.rows))

    def numbered(self) -> "Sheet":
        """The table as a file shows it: rows numbered 1, 2, 3… in a first column, and no column of
        database ids (keys ending in ``_id``), which mean nothing to the reader of a printed list."""
        columns = [ROW_NUMBER, *(c for c in self.columns if not c.key.endswith("_id"))]
        rows = ({**row, ROW_NUMBER.key: number} for number, row in enumerate(self.rows, start=1))
        return Sheet(self.title, columns, rows)


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet: Chinese characters are twice as wide as Latin ones."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clean_text(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def _sheet_title(title) -> str:
    text = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip() or "Sheet"
    return text[:31]


def _excel_time(value: dt.datetime | None) -> dt.datetime | None:
    # Excel has no time zones: callers give local times; any zone left is dropped here.
    return value.replace(tzinfo=None) if value is not None else None


def _xlsx_value(value, column: Column):
    if value is None:
        return None
    if column.type == "datetime":
        return _excel_time(value)
    if column.type == "text":
        return _clean_text(value)
    return value


def _xlsx_cell(worksheet, value, column: Column):
    """A plain value where openpyxl types it right (numbers; dates get a date format by
    themselves); a cell forced to text where a spreadsheet would read a formula."""
    if column.type == "text" and value is not None and value.startswith("="):
        written = WriteOnlyCell(worksheet, value=value)
        written.data_type = "s"
        return written
    return value


def _shown(value, column: Column) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if column.type == "datetime" else str(value)


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """An XLSX workbook: one worksheet per sheet, bold frozen header, filter, widths from content.

    Written in openpyxl's streaming mode, so a list of 100,000 rows costs time in proportion
    and little memory. Column widths come from the header and the first rows.
    """
    workbook = Workbook(write_only=True)
    sheets = [sheet.numbered() for sheet in sheets]
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="EEEEEE")
    for sheet in sheets:
        worksheet = workbook.create_sheet(_sheet_title(sheet.title))
        columns = sheet.columns
        rows = iter(sheet.rows)
        first = list(itertools.islice(rows, _WIDTH_SAMPLE_ROWS))
        widths = [display_width(str(column.label)) for column in columns]
        for row in first:
            for position, column in enumerate(columns):
                value = _xlsx_value(row.get(column.key), column)
                if value is not None:
                    widths[position] = max(widths[position], display_width(_shown(value, column)))
        # Widths and the frozen header go before the rows in the file, so they are set first.
        for position, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(position)].width = (
                max(_MIN_WIDTH, min(_MAX_WIDTH, width)) + 2
            )
        worksheet.freeze_panes = "A2"

        header = [WriteOnlyCell(worksheet, value=str(column.label)) for column in columns]
        for written in header:
            written.font, written.fill = header_font, header_fill
        worksheet.append(header)
        count = 1
        for row in itertools.chain(first, rows):
            worksheet.append([_xlsx_cell(worksheet, _xlsx_value(row.get(c.key), c), c) for c in columns])
            count += 1
        if columns:
            worksheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count}"
    if not workbook.worksheets:
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_value(value, column: Column) -> str:
    if value is None:
        return ""
    if column.type == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if column.type == "date":
        return value.isoformat()
    if column.type == "int":
        return str(int(value))
    text = str(value)
    # Spreadsheets run a cell that starts like a formula; a leading apostrophe keeps it text.
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_bytes(sheet: Sheet) -> bytes:
    """A CSV file: UTF-8 with a byte-order mark, a header row, CRLF line ends (what Excel expects)."""
    sheet = sheet.numbered()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([str(column.label) for column in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_value(row.get(column.key), column) for column in sheet.columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
