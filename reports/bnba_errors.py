"""The error report of a refused BNBA import: the uploaded sheet as it was, plus a KETERANGAN KESALAHAN column.

The official corrects the rows in this file and uploads it again. Every cell is written with an explicit type
(text stays text, so a 16-digit NIK keeps its digits); nothing from the data becomes a formula or a link
(strings_to_formulas/strings_to_urls off), and text starting with = + - @ carries Excel's quote prefix, so
Excel shows it as typed and never evaluates it, without altering the value that imports back. The workbook options
and the dangerous prefixes are those of the safe export writer (reports/xlsx.py).
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

import xlsxwriter

from reports.bnba import DATE_FORMAT
from reports.bnba_sheet import RowError
from reports.xlsx import WORKBOOK_OPTIONS, is_dangerous
from reports.xlsx_upload import UploadLimits, open_workbook, sheet_rows

ERROR_HEADER = "KETERANGAN KESALAHAN"
# The safe writer's rules (reports/xlsx.py), in memory: the report is small and leaves no file behind.
_OPTIONS = {**WORKBOOK_OPTIONS, "constant_memory": False, "in_memory": True}


def error_report(data: bytes, sheet_name: str, header_row: int, errors: list[RowError], limits: UploadLimits) -> bytes:
    """The uploaded sheet `sheet_name` with every row's errors in an added last column, as .xlsx bytes."""
    by_row: dict[int, list[str]] = {}
    for error in errors:
        by_row.setdefault(error.row, []).append(f"{error.column}: {error.message}" if error.column else error.message)
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, _OPTIONS)
    formats = {
        "date": book.add_format({"num_format": DATE_FORMAT}),
        "text": book.add_format({"quote_prefix": True}),
        "header": book.add_format({"bold": True, "bg_color": "#F8D7DA"}),
        "error": book.add_format({"font_color": "#9C0006", "text_wrap": True}),
    }
    sheet = book.add_worksheet(sheet_name[:31] or "BNBA")
    error_column = 0
    with open_workbook(data, limits) as workbook:
        for number, values in sheet_rows(workbook[sheet_name], limits):
            if number == header_row:
                error_column = _last_filled(values) + 1
                sheet.write_string(number - 1, error_column, ERROR_HEADER, formats["header"])
                sheet.freeze_panes(number, 0)
            for position, value in enumerate(values):
                _write(sheet, number - 1, position, value, formats)
            if number in by_row:
                sheet.write_string(number - 1, error_column, " | ".join(by_row[number]), formats["error"])
    sheet.set_column(error_column, error_column, 80)
    book.close()
    return output.getvalue()


def _last_filled(values: tuple[Any, ...]) -> int:
    filled = [position for position, value in enumerate(values) if value is not None and value != ""]
    return filled[-1] if filled else 0


def _write(sheet: Any, row: int, column: int, value: Any, formats: dict[str, Any]) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, column, value)
    elif isinstance(value, (datetime, date)):
        sheet.write_datetime(row, column, value, formats["date"])
    elif isinstance(value, time):
        sheet.write_string(row, column, value.isoformat())
    else:
        text = str(value)
        sheet.write_string(row, column, text, formats["text"] if is_dangerous(text) else None)
