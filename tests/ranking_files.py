"""BPS ranking files (reports/interchange.py `RESULTS`) built in the tests, in memory, as real .xlsx bytes.

A row is a dict keyed by the specification's own headers ("NO KK", "NIK KEPALA KELUARGA", "DESIL", "STATUS" ...);
`ranking_bytes` writes them under those headers or under other spellings (`renamed`), in any order, below title
rows, with openpyxl or xlsxwriter (the latter writes the C1 control characters openpyxl refuses to store).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

import openpyxl
import xlsxwriter

from models import Household
from reports.interchange import RESULTS

Row = dict[str, Any]
PERIOD = "2026-10"
HEADERS: tuple[str, ...] = RESULTS.headers
# The spellings a BPS or SIKS-NG export gives the columns (RESULT_ALIASES), in another order than the spec's.
OTHER_SPELLINGS: dict[str, str] = {
    "STATUS": "Status Padan",
    "NO KK": "Nomor KK",
    "NIK KEPALA KELUARGA": "NIK KRT",
    "NAMA KEPALA KELUARGA": "Nama KRT",
    "DESIL": "Desil Nasional",
    "PERIODE": "Periode pemeringkatan",
    "NO": "No urut",
}
OTHER_ORDER: tuple[str, ...] = (
    "NO",
    "STATUS",
    "NO KK",
    "NIK KEPALA KELUARGA",
    "NAMA KEPALA KELUARGA",
    "DESIL",
    "PERIODE",
    "KETERANGAN",
)
TITLE_ROWS: tuple[tuple[Any, ...], ...] = (
    ("HASIL PEMERINGKATAN KESEJAHTERAAN DTSEN",),
    ("Badan Pusat Statistik - Triwulan IV 2026",),
    (),
)


def ranking_row(no_kk: str, head_nik: str, desil: Any = None, status: Any = None, **cells: Any) -> Row:
    """One family's row: its No. KK, its head's NIK, then a desil and/or a status word (any other header too)."""
    row: Row = {"NO KK": no_kk, "NIK KEPALA KELUARGA": head_nik, "NAMA KEPALA KELUARGA": "Kepala Uji"}
    if desil is not None:
        row["DESIL"] = desil
    if status is not None:
        row["STATUS"] = status
    row.update(cells)
    return row


def row_of(household: Household, desil: Any = None, status: Any = None, **cells: Any) -> Row:
    """The row of a household of the register, named by its No. KK and its head's NIK."""
    head = household.head
    assert head is not None and head.nik is not None, "a ranked family needs a head with a NIK"
    return ranking_row(household.no_kk, head.nik, desil, status, **cells)


def ranking_bytes(
    rows: Sequence[Row],
    *,
    headers: Sequence[str] = HEADERS,
    renamed: Mapping[str, str] | None = None,
    title_rows: Sequence[Sequence[Any]] = (),
    writer: str = "openpyxl",
) -> bytes:
    """An .xlsx of `rows` under `headers` (each written as `renamed` says, else as is), numbered in NO."""
    names = renamed or {}
    table: list[list[Any]] = [list(title) for title in title_rows]
    table.append([names.get(header, header) for header in headers])
    for position, row in enumerate(rows, start=1):
        table.append([{"NO": position, **row}.get(header) for header in headers])
    return _xlsxwriter(table) if writer == "xlsxwriter" else _openpyxl(table)


def _openpyxl(table: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hasil pemeringkatan"
    for values in table:
        sheet.append(values)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _xlsxwriter(table: list[list[Any]]) -> bytes:
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("Hasil pemeringkatan")
    for row_index, values in enumerate(table):
        for column, value in enumerate(values):
            if isinstance(value, str):
                sheet.write_string(row_index, column, value)
            elif value is not None:
                sheet.write(row_index, column, value)
    book.close()
    return output.getvalue()
