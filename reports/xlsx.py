"""The one safe sheet writer every export goes through (DESIGN section 7): xlsxwriter in constant-memory mode.

- Rows are written as they come from an iterator; xlsxwriter flushes each finished row to a temporary file,
  so memory stays flat whatever the row count. Consequence: rows go strictly top to bottom (kop rows, then
  the header, then data, then the signature block).
- Cells (reports/xlsx_cells.py): every data cell is written with its explicit type, never `worksheet.write()`,
  and the workbook refuses to turn strings into formulas, links or numbers; text starting with `= + - @`
  carries Excel's quote prefix; identifiers are text cells, dates real dates shown dd-mm-yyyy.
- Tables (reports/xlsx_table.py): past a sheet's row limit (Excel's 1,048,576 rows, header included) a table
  continues on further sheets with the same kop, header and set-up; nothing is dropped, and the row count
  an export reports (and the audit records) is the number of data rows in the file.
- Sheet names: any title becomes a valid, unique Excel sheet name here (`safe_sheet_name`), in one place.

The workbook is written to a temporary file the caller streams and removes (`ExportFile.chunks`).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reports.xlsx_cells import DANGEROUS_PREFIXES, Column, Kind, cell_text, is_dangerous
from reports.xlsx_table import TableSheet

__all__ = [
    "DANGEROUS_PREFIXES",
    "EXCEL_MAX_ROWS",
    "Column",
    "ExportFile",
    "Kind",
    "SafeWorkbook",
    "TableSheet",
    "cell_text",
    "is_dangerous",
    "safe_file_name",
    "safe_sheet_name",
    "write_table",
]

EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, header included (Excel 2007 and later)
# The rows a sheet gets when an export does not say (tests pass a small `sheet_rows` to see a table continue).
SHEET_ROWS = EXCEL_MAX_ROWS
SHEET_NAME_LENGTH = 31  # Excel's limit, in UTF-16 code units
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
    # Data cells sit at the top of their row. Said once in the workbook's default format (xlsxwriter's own
    # font and size, plus the alignment), plain text and numbers are written with no format of their own:
    # no style index to look up and write per cell, which is a tenth of a large export's time.
    "default_format_properties": {"font_name": "Calibri", "font_size": 11, "valign": "top"},
}
_UNSAFE_FILE_CHARACTERS = re.compile(r"[^0-9A-Za-z.\-]+")
# What Excel refuses in a sheet name ([ ] : * ? / \), and control characters, which no sheet name should carry.
_UNSAFE_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ExportFile:
    """A finished workbook on disk: where, the name the browser saves it as, how many data rows it holds."""

    path: Path
    filename: str
    rows: int
    sheets: int = 1

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


def safe_sheet_name(title: str, suffix: str = "") -> str:
    """Any title as a valid Excel sheet name ending in `suffix`: `Musdes/Muskel` -> `Musdes-Muskel`.

    Excel refuses `[ ] : * ? / \\`, names longer than 31 characters, names that start or end with an
    apostrophe, an empty name and the reserved name "History"; an invalid name makes the whole file unreadable
    (xlsxwriter raises instead), so every sheet of every export is named through here.
    """
    name = _UNSAFE_SHEET_CHARACTERS.sub("-", " ".join((title or "").split())).strip(" '")
    if name.lower() == "history":
        name = "History (data)"
    name = _utf16_prefix(name, SHEET_NAME_LENGTH - _utf16_length(suffix)).rstrip(" '") or "Data"
    return name + suffix


def _utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _utf16_prefix(text: str, units: int) -> str:
    """The longest prefix of `text` that fits in `units` UTF-16 code units (never half a character)."""
    while _utf16_length(text) > units:
        text = text[:-1]
    return text


class SafeWorkbook:
    """A constant-memory workbook in a temporary file, with the formats every sheet shares.

    `sheet_rows`: how many rows a sheet may hold, header included, before a table continues on another sheet;
    Excel's limit unless a test asks for fewer.
    """

    def __init__(self, filename: str, *, paper: str = "A4", sheet_rows: int | None = None) -> None:
        self.sheet_rows = SHEET_ROWS if sheet_rows is None else sheet_rows
        if not 1 <= self.sheet_rows <= EXCEL_MAX_ROWS:
            raise ValueError(f"a sheet holds 1 to {EXCEL_MAX_ROWS:,} rows, not {self.sheet_rows}")
        handle, name = tempfile.mkstemp(prefix="dtks-export-", suffix=".xlsx")
        os.close(handle)
        self.path = Path(name)
        self.filename = filename
        self.paper = PAPER[paper]
        self.book = xlsxwriter.Workbook(str(self.path), WORKBOOK_OPTIONS)
        add = self.book.add_format
        # "text" and "number" are the workbook's default format (WORKBOOK_OPTIONS): None, no format per cell.
        self.formats: dict[str, Format | None] = {
            "text": None,
            "quoted": add({"valign": "top", "quote_prefix": True}),
            "digits": add({"num_format": "@", "valign": "top"}),
            "quoted_digits": add({"num_format": "@", "valign": "top", "quote_prefix": True}),
            "date": add({"num_format": DATE_FORMAT, "valign": "top"}),
            "datetime": add({"num_format": DATETIME_FORMAT, "valign": "top"}),
            "number": None,
            "header": add({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}),
            "title": add({"bold": True, "font_size": 12, "valign": "bottom"}),
            "kop": add({"bold": True, "valign": "bottom"}),
        }

    def add_sheet(self, title: str, suffix: str = "") -> Worksheet:
        """A new sheet named after `title` (made valid, and unique in the workbook as Excel compares names)."""
        taken = {sheet.name.lower() for sheet in self.book.worksheets()}
        name, number = safe_sheet_name(title, suffix), 1
        while name.lower() in taken:
            number += 1
            name = safe_sheet_name(title, f"{suffix} ({number})")
        return self.book.add_worksheet(name)

    def table(
        self,
        name: str,
        columns: Sequence[Column],
        *,
        title: Sequence[str] = (),
        closing: Sequence[str] = (),
        totals: int = 0,
    ) -> TableSheet:
        """A table (kop `title`, header, data, `totals` rows, `closing` lines) on as many sheets as it needs."""
        return TableSheet(self, name, columns, title=title, closing=closing, totals=totals)

    def close(self, rows: int, sheets: int = 1) -> ExportFile:
        try:
            self.book.close()
        except Exception:
            self.path.unlink(missing_ok=True)
            raise
        return ExportFile(self.path, self.filename, rows, sheets)

    def abandon(self) -> None:
        """After a failure while writing: close what can be closed and remove the file."""
        try:
            self.book.close()
        except Exception:  # noqa: BLE001 - the original error is what matters
            pass
        self.path.unlink(missing_ok=True)


def write_table(
    filename: str,
    sheet_name: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    title: Sequence[str] = (),
    closing: Sequence[str] = (),
    paper: str = "A4",
    sheet_rows: int | None = None,
) -> ExportFile:
    """The common case: one table with optional title lines and closing lines, on as many sheets as it needs."""
    workbook = SafeWorkbook(filename, paper=paper, sheet_rows=sheet_rows)
    try:
        table = workbook.table(sheet_name, columns, title=title, closing=closing)
        table.rows(rows)
        table.finish()
    except BaseException:
        workbook.abandon()
        raise
    return workbook.close(table.data_rows, len(table.sheets))
