"""Every error names its row as Excel numbers it: counting the title rows above the header, the header itself
and the empty rows between families, in the plan, in each one-line message and in the error report; and no
row is lost to a stale sheet dimension."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from sqlalchemy.orm import Session

from models import Role
from policies.scope import Scope
from reports.bnba import BNBA_HEADERS
from reports.bnba_errors import error_report
from reports.bnba_import import ImportRefused, apply_import, plan_import
from reports.xlsx_upload import UploadLimits
from tests.factories import DEFAULT_VILLAGE, make_user
from tests.reports.bnba_sheets import BLANK, family, sheet_bytes

LIMITS = UploadLimits()
SCOPE = Scope(DEFAULT_VILLAGE)
TITLES = [["DAFTAR USULAN DTKS (BNBA)"], [], ["DESA PARUGA, KEC. RASANAE BARAT"]]  # the header lands on row 4
SEX_COLUMN = BNBA_HEADERS.index("JENIS KELAMIN") + 1


def _sheet_with_a_bad_sex(writer: str) -> tuple[bytes, int]:
    """Title rows, two families with an empty row between them; the second family's child has sex "X".

    Rows: 1-3 titles, 4 header, 5-7 first family, 8 empty, 9-11 second family: the child is on row 11.
    """
    second = family()
    second[2]["JENIS KELAMIN"] = "X"
    return sheet_bytes([*family(), BLANK, *second], title_rows=TITLES, writer=writer), 11


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_an_error_carries_the_row_number_excel_shows(db_session: Session, writer: str) -> None:
    data, excel_row = _sheet_with_a_bad_sex(writer)

    plan = plan_import(db_session, data, SCOPE, LIMITS)

    assert plan.header_row == 4
    [error] = [error for error in plan.errors if error.column == "JENIS KELAMIN"]
    assert error.row == excel_row
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.cell(row=error.row, column=SEX_COLUMN).value == "X"  # the very cell Excel shows on that row
    assert error.describe().startswith(f"Baris {excel_row}, kolom JENIS KELAMIN: JENIS KELAMIN 'X' tidak dikenal")


def test_messages_that_point_at_another_row_use_excel_numbers_too(db_session: Session) -> None:
    first, second = family(), family()
    second[1]["HUBUNGAN KELUARGA"] = "Kepala keluarga"  # a second head on row 10; the first is on row 9
    data = sheet_bytes([*first, BLANK, *second], title_rows=TITLES)

    plan = plan_import(db_session, data, SCOPE, LIMITS)

    [error] = plan.errors
    assert (error.row, error.column) == (10, "HUBUNGAN KELUARGA")
    assert "sudah memiliki kepala keluarga di baris 9" in error.message


def test_a_refused_confirmation_names_its_first_row(db_session: Session) -> None:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    data, excel_row = _sheet_with_a_bad_sex("openpyxl")

    with pytest.raises(ImportRefused) as refused:
        apply_import(db_session, data, SCOPE, user, LIMITS)
    db_session.rollback()

    assert f"Kesalahan pertama di baris {excel_row}." in str(refused.value)


def test_the_error_report_writes_each_error_on_the_row_it_belongs_to(db_session: Session) -> None:
    data, excel_row = _sheet_with_a_bad_sex("xlsxwriter")
    plan = plan_import(db_session, data, SCOPE, LIMITS)

    report = openpyxl.load_workbook(io.BytesIO(error_report(data, plan.sheet_name, 4, plan.errors, LIMITS))).active

    error_column = len(BNBA_HEADERS) + 1
    assert report.cell(row=4, column=error_column).value == "KETERANGAN KESALAHAN"
    assert report.cell(row=excel_row, column=SEX_COLUMN).value == "X"
    assert "JENIS KELAMIN 'X' tidak dikenal" in report.cell(row=excel_row, column=error_column).value
    assert [row for row in range(5, 12) if report.cell(row=row, column=error_column).value] == [excel_row]


def _with_dimension(data: bytes, reference: str) -> bytes:
    """The same workbook whose worksheet records a stale dimension, as some writers leave it."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                body = re.sub(rb'<dimension ref="[^"]*" ?/>', f'<dimension ref="{reference}"/>'.encode(), body)
            target.writestr(item, body)
    return output.getvalue()


@pytest.mark.parametrize("reference", ["A1", "A1:C5"])
def test_a_stale_sheet_dimension_hides_no_row_and_no_column(db_session: Session, reference: str) -> None:
    rows = family() + family() + family()
    data = _with_dimension(sheet_bytes(rows, title_rows=TITLES), reference)
    assert f'<dimension ref="{reference}"/>'.encode() in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml"
    )

    plan = plan_import(db_session, data, SCOPE, LIMITS)

    assert plan.ok, plan.errors
    assert (plan.header_row, plan.data_rows, len(plan.households)) == (4, 9, 3)
