"""The one safe sheet writer every export goes through (DESIGN section 7): xlsxwriter in constant-memory mode.

- Rows are written as they come from an iterator; xlsxwriter flushes each finished row to a temporary file,
  so memory stays flat whatever the row count. Consequence: rows go strictly top to bottom (kop rows, then
  the header, then data, then the signature block).
- Every data cell is written with its explicit type (write_string / write_number / write_datetime), never
  `worksheet.write()`, and the workbook refuses to turn strings into formulas, links or numbers: data can
  never become a formula or a hyperlink.
- Text starting with `= + - @` (or a tab / carriage return) gets a cell format with `quote_prefix`: the value
  is stored unchanged, and Excel keeps treating it as text even when an official edits the cell (OWASP CSV
  injection).
- Identifiers (NIK, No. KK, RT/RW, region codes) are text cells with the text number format '@'; dates are
  real dates shown dd-mm-yyyy.

The workbook is written to a temporary file the caller streams and removes (`ExportFile.chunks`).
"""

from __future__ import annotations

import enum
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from models.base import LabelledEnum

# Leading characters a spreadsheet may read as the start of a formula or a DDE command.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
PAPER = {"A4": 9, "F4": 14}  # F4 (215 x 330 mm) is Excel's "Folio 8 1/2 x 13 in"
CHUNK_BYTES = 64 * 1024
WORKBOOK_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "remove_timezone": True,  # times are stored in UTC; Excel has no time zones
}
_UNSAFE_FILE_CHARACTERS = re.compile(r"[^0-9A-Za-z.\-]+")


class Kind(enum.Enum):
    """How a column's cells are written."""

    TEXT = "text"
    DIGITS = "digits"  # identifiers and region codes: text cells, number format '@'
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    AUTO = "auto"  # by the value's Python type (list exports, whose columns are whatever the list shows)


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header, how its cells are written, its width in characters."""

    header: str
    kind: Kind = Kind.TEXT
    width: int = 16


@dataclass(frozen=True)
class ExportFile:
    """A finished workbook on disk: where, the name the browser saves it as, how many data rows it holds."""

    path: Path
    filename: str
    rows: int

    def chunks(self) -> Iterator[bytes]:
        """The file in chunks, removed once read (or when the download is abandoned)."""
        try:
            with self.path.open("rb") as handle:
                yield from iter(lambda: handle.read(CHUNK_BYTES), b"")
        finally:
            self.discard()

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def safe_file_name(text: str, fallback: str = "draf") -> str:
    """A piece of a file name: `400.9/12/Dinsos 2026` -> `400.9-12-Dinsos-2026`."""
    return _UNSAFE_FILE_CHARACTERS.sub("-", text or "").strip("-.") or fallback


def is_dangerous(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES)


def cell_text(value: Any) -> str:
    """Any value as the text of a cell (labels for coded values, dd-mm-yyyy for dates)."""
    if value is None:
        return ""
    if isinstance(value, LabelledEnum):
        return value.label
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


class SafeWorkbook:
    """A constant-memory workbook in a temporary file, with the formats every sheet shares."""

    def __init__(self, filename: str, *, paper: str = "A4") -> None:
        handle, name = tempfile.mkstemp(prefix="dtks-export-", suffix=".xlsx")
        os.close(handle)
        self.path = Path(name)
        self.filename = filename
        self.paper = PAPER[paper]
        self.book = xlsxwriter.Workbook(str(self.path), WORKBOOK_OPTIONS)
        add = self.book.add_format
        self.formats: dict[str, Format] = {
            "text": add({"valign": "top"}),
            "quoted": add({"valign": "top", "quote_prefix": True}),
            "digits": add({"num_format": "@", "valign": "top"}),
            "quoted_digits": add({"num_format": "@", "valign": "top", "quote_prefix": True}),
            "date": add({"num_format": DATE_FORMAT, "valign": "top"}),
            "datetime": add({"num_format": DATETIME_FORMAT, "valign": "top"}),
            "number": add({"valign": "top"}),
            "header": add({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}),
            "title": add({"bold": True, "font_size": 12}),
            "kop": add({"bold": True}),
        }

    def table(self, name: str, columns: Sequence[Column]) -> TableSheet:
        return TableSheet(self, self.book.add_worksheet(name[:31]), columns)

    def close(self, rows: int) -> ExportFile:
        try:
            self.book.close()
        except Exception:
            self.path.unlink(missing_ok=True)
            raise
        return ExportFile(self.path, self.filename, rows)

    def abandon(self) -> None:
        """After a failure while writing: close what can be closed and remove the file."""
        try:
            self.book.close()
        except Exception:  # noqa: BLE001 - the original error is what matters
            pass
        self.path.unlink(missing_ok=True)


class TableSheet:
    """One sheet: optional kop lines, a frozen filtered header, typed data rows, optional closing lines."""

    def __init__(self, workbook: SafeWorkbook, worksheet: Worksheet, columns: Sequence[Column]) -> None:
        self.workbook = workbook
        self.sheet = worksheet
        self.columns = tuple(columns)
        self.next_row = 0
        self.header_row: int | None = None
        self.data_rows = 0
        self._writers = [self._cell_writer(column.kind) for column in self.columns]
        for position, column in enumerate(self.columns):
            self.sheet.set_column(position, position, column.width)

    # --- text lines above and below the table (kop, signature) ---

    def line(self, text: str = "", *, style: str = "kop", column: int = 0) -> None:
        if text:
            self.write_text(self.next_row, column, text, self.workbook.formats[style])
        self.next_row += 1

    def write_text(self, row: int, column: int, text: str, cell_format: Format) -> None:
        """A text cell anywhere (kop, signature): neutralised like data cells."""
        if is_dangerous(text):
            cell_format = self.workbook.formats["quoted"]
        self.sheet.write_string(row, column, text, cell_format)

    # --- the table ---

    def header(self) -> None:
        self.header_row = self.next_row
        for position, column in enumerate(self.columns):
            self.sheet.write_string(self.next_row, position, column.header, self.workbook.formats["header"])
        self.next_row += 1

    def rows(self, values: Iterable[Sequence[Any]]) -> int:
        """Write every row of `values` (consumed as it comes); returns how many were written."""
        writers = self._writers
        row = self.next_row
        for record in values:
            for position, value in enumerate(record):
                if value is not None and value != "":
                    writers[position](row, position, value)
            row += 1
        written = row - self.next_row
        self.next_row = row
        self.data_rows += written
        return written

    def finish(self, *, landscape: bool = True) -> None:
        """Freeze and filter the header, and set up printing: fit to one page wide, header on every page."""
        sheet = self.sheet
        if self.header_row is not None:
            last = self.header_row + max(self.data_rows, 1)
            sheet.freeze_panes(self.header_row + 1, 0)
            sheet.autofilter(self.header_row, 0, last, len(self.columns) - 1)
            sheet.repeat_rows(self.header_row)
        if landscape:
            sheet.set_landscape()
        sheet.set_paper(self.workbook.paper)
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)

    def _cell_writer(self, kind: Kind) -> Any:
        """The typed write of one column: a closure, so the inner loop does no dispatch on the column.

        It calls the typed method under xlsxwriter's public write_string / write_number / write_datetime (the
        public ones only add the "A1" notation wrapper, a call per cell; `write_row` skips it the same way).
        """
        formats, sheet = self.workbook.formats, self.sheet
        write_string, write_number, write_datetime = sheet._write_string, sheet._write_number, sheet._write_datetime
        if kind is Kind.NUMBER:
            number_format = formats["number"]
            return lambda row, col, value: write_number(row, col, value, number_format)
        if kind is Kind.AUTO:
            return _auto_writer(sheet, formats)
        if kind in (Kind.DATE, Kind.DATETIME):
            date_format = formats["date" if kind is Kind.DATE else "datetime"]
            return lambda row, col, value: write_datetime(row, col, value, date_format)
        digits = kind is Kind.DIGITS
        plain, quoted = formats["digits" if digits else "text"], formats["quoted_digits" if digits else "quoted"]

        def write_text(row: int, col: int, value: Any) -> None:
            text = value if type(value) is str else cell_text(value)
            write_string(row, col, text, quoted if text.startswith(DANGEROUS_PREFIXES) else plain)

        return write_text


def _auto_writer(sheet: Worksheet, formats: dict[str, Format]) -> Any:
    """Numbers as numbers, dates as dates, booleans as Ya/Tidak, everything else as (neutralised) text."""

    def write_auto(row: int, col: int, value: Any) -> None:
        if isinstance(value, bool):
            sheet.write_string(row, col, "Ya" if value else "Tidak", formats["text"])
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, formats["number"])
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, value, formats["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, formats["date"])
        else:
            text = cell_text(value)
            sheet.write_string(row, col, text, formats["quoted" if is_dangerous(text) else "text"])

    return write_auto


def write_table(
    filename: str,
    sheet_name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    title: Sequence[str] = (),
    closing: Sequence[str] = (),
    paper: str = "A4",
) -> ExportFile:
    """The common case: one sheet with optional title lines, the table, optional closing lines."""
    workbook = SafeWorkbook(filename, paper=paper)
    try:
        table = workbook.table(sheet_name, columns)
        for number, text in enumerate(title):
            table.line(text, style="title" if number == 0 else "kop")
        if title:
            table.line()
        table.header()
        count = table.rows(rows)
        if closing:
            table.line()
        for text in closing:
            table.line(text, style="kop", column=max(len(columns) - 4, 0))
        table.finish()
    except BaseException:
        workbook.abandon()
        raise
    return workbook.close(count)
