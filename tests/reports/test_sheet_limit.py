"""Past a sheet's row limit an export continues on further sheets: nothing lost, every row once and in order.

Excel's limit is 1,048,576 rows; the tests inject a small `sheet_rows` and read every sheet back with openpyxl.
"""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from models.proposal import ProposalStatus
from policies.scope import Scope
from reports.bnba import BNBA_HEADERS
from reports.bnba_export import build_roster, build_sk_annex
from reports.recap import build_recap
from reports.registers import build_complaint_register
from reports.xlsx import EXCEL_MAX_ROWS, Column, Kind, safe_sheet_name, write_table
from tests.reports.export_checks import (
    REMOVAL,
    assert_safe,
    assert_table_setup,
    bnba_index,
    decree_with,
    hostile_household,
    proposal_for,
    registered,
)
from tests.reports.register_data import a_complaint

COLUMNS = (Column("NO", Kind.NUMBER, 6), Column("NAMA", Kind.TEXT, 30), Column("KODE", Kind.DIGITS, 14))


def sheets_of(path: Path) -> list[Worksheet]:
    return openpyxl.load_workbook(path).worksheets


def bnba_sheets_of(path: Path, printed: str) -> list[Worksheet]:
    """The BNBA sheets of an export, after its printable sheets (`printed`, `printed (2)`, ...) of the same rows."""
    sheets = sheets_of(path)
    count = sum(sheet.title.startswith(printed) for sheet in sheets)
    assert [sheet.title for sheet in sheets[:count]] == [printed] + [f"{printed} ({n})" for n in range(2, count + 1)]
    return sheets[count:]


def values(sheet: Worksheet, first_row: int = 1) -> list[tuple[Any, ...]]:
    return [row for row in sheet.iter_rows(min_row=first_row, values_only=True) if any(v is not None for v in row)]


def numbered(count: int) -> list[list[Any]]:
    return [[number, f"Warga {number}", f"52.72.01.{number:04d}"] for number in range(1, count + 1)]


def test_twelve_rows_under_a_five_row_limit_fill_three_sheets_with_the_header_on_each() -> None:
    export = write_table("uji.xlsx", "Daftar DTKS", COLUMNS, numbered(12), sheet_rows=5)
    try:
        sheets = sheets_of(export.path)
        assert [sheet.title for sheet in sheets] == ["Daftar DTKS", "Daftar DTKS (2)", "Daftar DTKS (3)"]
        assert (export.rows, export.sheets) == (12, 3)
        read_back = []
        for sheet in sheets:
            rows = values(sheet)
            assert rows[0] == ("NO", "NAMA", "KODE") and sheet.max_row == 5
            read_back += rows[1:]
        assert read_back == [tuple(row) for row in numbered(12)]  # every row once, in order
        for sheet in sheets:
            assert_table_setup(sheet, 1, "C")
            assert sheet.auto_filter.ref == "A1:C5"
            assert [sheet.column_dimensions[letter].width for letter in "ABC"] == pytest.approx(
                [6.71, 30.71, 14.71], abs=0.01
            )
            assert sheet["C2"].data_type == "s" and sheet["C2"].number_format == "@"
    finally:
        export.discard()


@pytest.mark.parametrize(("count", "sheets"), [(0, 1), (1, 1), (4, 1), (5, 2), (8, 2), (9, 3)])
def test_a_new_sheet_starts_only_when_a_row_is_left_for_it(count: int, sheets: int) -> None:
    export = write_table("uji.xlsx", "Data", COLUMNS, iter(numbered(count)), sheet_rows=5)
    try:
        found = sheets_of(export.path)
        assert len(found) == export.sheets == sheets
        assert sum(len(values(sheet)) - 1 for sheet in found) == export.rows == count
    finally:
        export.discard()


def test_the_default_limit_is_excels() -> None:
    export = write_table("uji.xlsx", "Data", COLUMNS, numbered(3))
    try:
        assert export.sheets == 1 and EXCEL_MAX_ROWS == 1_048_576
    finally:
        export.discard()


def test_a_limit_that_leaves_no_room_under_the_kop_is_refused_before_writing() -> None:
    with pytest.raises(ValueError, match="no room for data"):
        write_table("uji.xlsx", "Data", COLUMNS, numbered(3), title=["JUDUL", "WILAYAH"], sheet_rows=4)
    with pytest.raises(ValueError, match="1 to 1,048,576 rows"):
        write_table("uji.xlsx", "Data", COLUMNS, numbered(3), sheet_rows=EXCEL_MAX_ROWS + 1)


def test_a_roster_continues_with_the_kop_on_every_sheet_and_numbers_that_keep_counting(db_session: Session) -> None:
    households = [registered(db_session) for _ in range(4)]  # 12 members
    whole = build_roster(db_session, Scope("52.72"), period="2026-01")
    # Kop: 3 title lines, the line under them, the header (row 5): 4 data rows per sheet of 9.
    split = build_roster(db_session, Scope("52.72"), period="2026-01", sheet_rows=9)
    try:
        sheets = bnba_sheets_of(split.path, "Daftar")
        assert [sheet.title for sheet in sheets] == ["BNBA", "BNBA (2)", "BNBA (3)"]
        assert (split.rows, split.sheets) == (12, 3)
        kop = [sheets[0].cell(row, 1).value for row in (1, 2, 3)]
        assert kop == ["DAFTAR KELUARGA TERDAFTAR DALAM DTKS", "WILAYAH: 52.72 KOTA BIMA", "PERIODE: 2026-01"]
        assert [sheet.cell(4, 1).value for sheet in sheets] == [
            None,
            "(lanjutan dari lembar BNBA)",
            "(lanjutan dari lembar BNBA (2))",
        ]
        rows = []
        for sheet in sheets:
            assert [sheet.cell(row, 1).value for row in (1, 2, 3)] == kop
            assert [cell.value for cell in sheet[5]] == list(BNBA_HEADERS)
            assert_table_setup(sheet, 5, "V")
            assert_safe(sheet)
            rows += values(sheet, 6)
        assert [row[0] for row in rows] == list(range(1, 13))
        assert rows == values(bnba_sheets_of(whole.path, "Daftar")[0], 6)  # the same rows as the one-sheet roster
        assert {row[bnba_index("NO KK")] for row in rows} == {household.no_kk for household in households}
    finally:
        whole.discard()
        split.discard()


def test_an_sk_annex_repeats_its_kop_and_signs_once_under_the_last_row(db_session: Session) -> None:
    households = [hostile_household(db_session) for _ in range(2)]
    decree = decree_with(
        db_session,
        [
            proposal_for(db_session, households[0], ProposalStatus.IN_DECREE),
            proposal_for(db_session, households[1], ProposalStatus.IN_DECREE, **REMOVAL),
        ],
    )
    # 5 kop lines + line + header above, line + 6 signature lines below: 3 data rows per sheet of 17.
    export = build_sk_annex(db_session, decree, sheet_rows=17)
    try:
        first, second = sheets = bnba_sheets_of(export.path, "Lampiran")
        assert (export.rows, export.sheets) == (6, 2)
        for sheet in sheets:
            assert sheet.cell(3, 1).value == "NOMOR: 400.9/12/Dinsos 2026"
            assert [cell.value for cell in sheet[7]] == list(BNBA_HEADERS)
            assert [row[0] for row in values(sheet, 8)[:3]] == ([1, 2, 3] if sheet is first else [4, 5, 6])
            assert_table_setup(sheet, 7, "V")
        assert first.max_row == 10  # no signature under the first sheet's rows
        closing = [str(cell.value) for row in second.iter_rows(min_row=11) for cell in row if cell.value]
        assert closing == ["Bima, 02-03-2026", "WALIKOTA BIMA", "H. Muhammad Lutfi"]
        assert second.max_row <= 17
    finally:
        export.discard()


def test_a_register_continues_too(db_session: Session) -> None:
    for _ in range(5):
        a_complaint(db_session, "52.72.01.1001")
    export = build_complaint_register(db_session, Scope("52.72"), sheet_rows=7)  # 3 kop + line + header: 2 rows
    try:
        sheets = sheets_of(export.path)
        assert [sheet.title for sheet in sheets] == ["Register", "Register (2)", "Register (3)"]
        assert [row[0] for sheet in sheets for row in values(sheet, 6)] == [1, 2, 3, 4, 5]
        assert export.rows == 5
    finally:
        export.discard()


def test_a_recap_past_the_limit_keeps_its_total_row_on_the_last_sheet(db_session: Session) -> None:
    for village in ("52.72.01.1001", "52.72.02.1004", "52.72.03.1001"):
        registered(db_session, region_code=village)
    db_session.commit()  # the recap reads the tallies, which count committed work (models/tally.py)
    # 4 kop lines + line + header above, the total row below: one kecamatan per sheet of 8.
    export = build_recap(db_session, Scope("52.72"), today=date(2026, 5, 1), sheet_rows=8)
    try:
        book = openpyxl.load_workbook(export.path)
        assert book.sheetnames[:4] == ["Rekap", "Rekap (2)", "Rekap (3)", "Grafik"]
        assert book.sheetnames[4] == "Program" and all(name.startswith("Program") for name in book.sheetnames[4:])
        assert [book[name].cell(7, 1).value for name in book.sheetnames[:3]] == ["52.72.01", "52.72.02", "52.72.03"]
        assert book["Rekap (3)"].cell(8, 2).value == "JUMLAH" and book["Rekap"].max_row == 7
        assert export.rows == 3
        with zipfile.ZipFile(export.path) as archive:
            chart = archive.read("xl/charts/chart1.xml").decode()
        assert "<c:f>Grafik!$N$4" in chart and "Rekap" not in chart  # the chart sheet's own numbers
    finally:
        export.discard()


@pytest.mark.parametrize(
    ("title", "suffix", "expected"),
    [
        ("Musdes/Muskel", "", "Musdes-Muskel"),
        ("Musdes/Muskel", " (2)", "Musdes-Muskel (2)"),
        ("a[b]c:d*e?f\\g", "", "a-b-c-d-e-f-g"),
        ("Usulan perbaikan data keluarga penerima bansos", "", "Usulan perbaikan data keluarga"),
        ("Usulan perbaikan data keluarga penerima bansos", " (12)", "Usulan perbaikan data kelu (12)"),
        ("'Daftar'", "", "Daftar"),
        ("Daftar   baru\t\n", "", "Daftar baru"),
        ("", "", "Data"),
        ("///", " (2)", "--- (2)"),
        ("history", "", "History (data)"),
        ("Keluarga 🏠" * 4, "", "Keluarga 🏠Keluarga 🏠Keluarga"),
    ],
)
def test_any_title_becomes_a_sheet_name_excel_accepts(tmp_path: Path, title: str, suffix: str, expected: str) -> None:
    name = safe_sheet_name(title, suffix)
    assert name == expected
    book = xlsxwriter.Workbook(str(tmp_path / "nama.xlsx"))
    book.add_worksheet(name)  # xlsxwriter applies Excel's rules and raises on a name Excel would refuse
    book.close()
    assert openpyxl.load_workbook(tmp_path / "nama.xlsx").sheetnames == [name]
