"""The BNBA import applies the forms' text and date rules cell by cell: every refusal names its Excel row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy.orm import Session

from models import Role
from policies.scope import Scope
from reports.bnba_import import ImportRefused, apply_import, plan_import
from reports.xlsx_upload import UploadLimits
from tests.factories import DEFAULT_VILLAGE, make_user
from tests.reports.bnba_sheets import family, sheet_bytes

SCOPE = Scope(DEFAULT_VILLAGE)
LIMITS = UploadLimits()
FIRST_DATA_ROW = 2  # the header is row 1 of these sheets
TABLES = ("household", "member", "proposal", "proposal_history")

SPOILED_CELLS = [
    pytest.param("NAMA", "Siti\x85Aminah", "NAMA: Berisi karakter kontrol (U+0085)", id="next-line-control-in-name"),
    pytest.param("ALAMAT", "Jl. Gajah\x7f Mada", "ALAMAT: Berisi karakter kontrol (U+007F)", id="delete-in-address"),
    pytest.param("NAMA", "Ahmad \u202eidamhA", "NAMA: Berisi karakter pengatur arah teks", id="rlo-in-name"),
    pytest.param("NAMA IBU KANDUNG", "Siti\u200bAminah", "tidak terlihat (U+200B)", id="zero-width-in-mother"),
    pytest.param("NAMA", "a" * 121, "NAMA: Paling banyak 120 karakter; terisi 121.", id="name-of-121"),
    pytest.param("TEMPAT LAHIR", "Bima\nNTB", "TEMPAT LAHIR: Harus satu baris", id="line-break-in-birth-place"),
    pytest.param("ALASAN", "x" * 5001, "ALASAN: Paling banyak 5000 karakter; terisi 5001.", id="reason-of-5001"),
    pytest.param("KETERANGAN", "Catatan\x9b", "KETERANGAN: Berisi karakter kontrol (U+009B)", id="control-in-remarks"),
    pytest.param(
        "TANGGAL LAHIR", date(1850, 3, 1), "TANGGAL LAHIR: Tanggal harus antara 01-01-1900", id="born-in-1850"
    ),
    pytest.param("TANGGAL LAHIR", "01-01-2999", "TANGGAL LAHIR: Tanggal harus antara", id="born-in-2999"),
]


@pytest.fixture
def counts(count_rows: Callable[[str], int]) -> Callable[[], dict[str, int]]:
    return lambda: {table: count_rows(table) for table in TABLES}


@pytest.mark.parametrize(("header", "value", "message"), SPOILED_CELLS)
def test_a_cell_the_columns_rule_refuses_is_an_error_of_its_excel_row_and_nothing_is_imported(
    header: str, value: object, message: str, db_session: Session, counts: Callable[[], dict[str, int]]
) -> None:
    operator = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    rows = family()
    rows[1][header] = value  # the spouse, Excel row 3
    data = sheet_bytes(rows, writer="xlsxwriter")
    before = counts()

    plan = plan_import(db_session, data, SCOPE, LIMITS)
    with pytest.raises(ImportRefused):
        apply_import(db_session, data, SCOPE, operator, LIMITS)
    db_session.rollback()

    assert [(error.row, error.column) for error in plan.errors if message in error.message] == [
        (FIRST_DATA_ROW + 1, header)
    ]
    assert counts() == before


def test_a_sheet_of_clean_names_with_their_usual_marks_imports(db_session: Session) -> None:
    rows = family(**{"NAMA IBU KANDUNG": "Hj. Siti Nur'aini", "ALAMAT": "Jl. Gajah Mada No. 7, RT 03/RW 01"})
    rows[0]["NAMA"] = "Wa Ode Nurhayati"

    plan = plan_import(db_session, sheet_bytes(rows), SCOPE, LIMITS)

    assert plan.errors == []
