"""Cells of the safe sheet writer (reports/xlsx.py): column kinds, and one typed, neutralised write per kind.

Every data cell is written with its explicit type (write_string / write_number / write_datetime), never
`worksheet.write()`. Text starting with `= + - @` (or a tab / carriage return) gets a cell format with
`quote_prefix`: the value is stored unchanged, and Excel keeps treating it as text even when an official edits
the cell (OWASP CSV injection). Identifiers (NIK, No. KK, RT/RW, region codes) are text cells with the text
number format '@'; dates are real dates shown dd-mm-yyyy.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from models.base import LabelledEnum

# Leading characters a spreadsheet may read as the start of a formula or a DDE command.
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CellWriter = Callable[[int, int, Any], Any]


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


def cell_writer(sheet: Worksheet, formats: dict[str, Format | None], kind: Kind) -> CellWriter:
    """The typed write of one column on one sheet: a closure, so the inner loop does no dispatch on the column.

    It calls the typed method under xlsxwriter's public write_string / write_number / write_datetime (the
    public ones only add the "A1" notation wrapper, a call per cell; `write_row` skips it the same way).
    """
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


def _auto_writer(sheet: Worksheet, formats: dict[str, Format | None]) -> CellWriter:
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
