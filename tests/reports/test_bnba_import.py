"""The BNBA import: a catalogue of broken sheets refused with the right message and nothing changed, good
sheets imported field by field, the same sheet twice creating nothing twice, and the error report."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import FamilyRelation, Household, MaritalStatus, Member, ProposalKind, ProposalStatus, Role, Sex
from models.proposal import RemovalReason
from policies.scope import Scope
from reports.bnba import BNBA_HEADERS
from reports.bnba_errors import ERROR_HEADER, error_report
from reports.bnba_import import ImportPlan, ImportRefused, apply_import, plan_import
from reports.xlsx_upload import SheetRefused, UploadLimits
from tests.factories import DEFAULT_VILLAGE, make_household, make_user
from tests.reports.bnba_sheets import (
    Row,
    empty_workbook,
    family,
    ratio_bomb,
    sheet_bytes,
    zip_bomb,
)

NEIGHBOUR_VILLAGE = "52.72.01.1002"
VILLAGE_SCOPE = Scope(DEFAULT_VILLAGE)
LIMITS = UploadLimits()
TABLES = ("household", "member", "proposal", "proposal_history", "audit_entry")


@pytest.fixture
def snapshot(count_rows: Callable[[str], int]) -> Callable[[], dict[str, int]]:
    return lambda: {table: count_rows(table) for table in TABLES}


@pytest.fixture
def operator(db_session: Session) -> object:
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    return user


@pytest.fixture
def no_new_temp_files(private_temp_dir: Path) -> Iterator[None]:
    """The process's temporary folder is a private one for the test, and stays empty."""
    yield
    assert list(private_temp_dir.iterdir()) == []


def _errors(plan: ImportPlan) -> list[tuple[int, str]]:
    return [(error.row, error.column) for error in plan.errors]


# --- the catalogue of broken sheets ------------------------------------------------------------------


def _one_cell(
    index: int, column: str, value: object, row: int, error_column: str, fragment: str
) -> Callable[[], tuple[bytes, int, str, str]]:
    """A family whose row `index` holds `value` in `column` (if callable: `value` of what was there), with the
    Excel row, column and message fragment of the error it must give."""

    def make() -> tuple[bytes, int, str, str]:
        rows = family()
        rows[index][column] = value(rows[index][column]) if callable(value) else value
        return sheet_bytes(rows), row, error_column, fragment

    return make


def _kk_of_15_digits() -> tuple[bytes, int, str, str]:
    rows = family()
    short = rows[0]["NO KK"][:15]
    for row in rows:
        row["NO KK"] = short
    return sheet_bytes(rows), 2, "NO KK", "tepat 16 digit"


def _duplicate_nik_in_sheet() -> tuple[bytes, int, str, str]:
    rows = family()
    other = family()
    other[2]["NIK"] = rows[2]["NIK"]
    return sheet_bytes(rows + other), 7, "NIK", "sudah tertulis di baris 4"


def _region_outside_scope() -> tuple[bytes, int, str, str]:
    rows = family() + family(region=NEIGHBOUR_VILLAGE)
    return sheet_bytes(rows), 5, "KODE WILAYAH", "di luar wilayah tugas Anda"


ROW_CASES = {
    "NIK as a number": _one_cell(1, "NIK", int, 3, "NIK", "sebagai teks"),
    "15-digit KK": _kk_of_15_digits,
    "two heads in one KK": _one_cell(
        1, "HUBUNGAN KELUARGA", "Kepala keluarga", 3, "HUBUNGAN KELUARGA", "sudah memiliki kepala keluarga di baris 2"
    ),
    "duplicate NIK in the sheet": _duplicate_nik_in_sheet,
    "region outside the scope": _region_outside_scope,
    "impossible date": _one_cell(2, "TANGGAL LAHIR", "31-02-2026", 4, "TANGGAL LAHIR", "bukan tanggal yang ada"),
    "household fields differ within a KK": _one_cell(
        2, "ALAMAT", "Jl. Lain No. 9", 4, "ALAMAT", "berbeda dengan baris 2"
    ),
    "NIK disagrees with sex": _one_cell(1, "JENIS KELAMIN", "Laki-laki", 3, "NIK", "jenis kelamin"),
    "unknown code": _one_cell(0, "STATUS KAWIN", "Kawin siri", 2, "STATUS KAWIN", "tidak dikenal"),
}


@pytest.mark.parametrize("make", ROW_CASES.values(), ids=ROW_CASES.keys())
def test_a_sheet_with_a_bad_row_is_refused_with_the_row_and_column_and_changes_nothing(
    make: Callable[[], tuple[bytes, int, str, str]],
    db_session: Session,
    operator: object,
    snapshot: Callable[[], dict[str, int]],
) -> None:
    data, row, column, fragment = make()
    before = snapshot()

    with pytest.raises(ImportRefused) as refused:
        apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.rollback()

    found = [error for error in refused.value.plan.errors if (error.row, error.column) == (row, column)]
    assert found, refused.value.plan.errors
    assert fragment in found[0].message
    assert snapshot() == before


def test_a_nik_already_registered_is_a_row_error(db_session: Session, operator: object) -> None:
    registered = make_household(db_session, members=1)
    db_session.commit()
    rows = family()
    rows[2]["NIK"] = registered.members[0].nik
    rows[2]["TANGGAL LAHIR"] = registered.members[0].birth_date
    rows[2]["JENIS KELAMIN"] = "Laki-laki"

    plan = plan_import(db_session, sheet_bytes(rows), VILLAGE_SCOPE, LIMITS)

    assert (4, "NIK") in _errors(plan)
    assert "sudah terdaftar" in plan.errors[0].message


def test_a_kk_registered_with_other_data_is_an_error_not_an_update(db_session: Session, operator: object) -> None:
    registered = make_household(db_session, members=1)
    db_session.commit()
    rows = family()
    for row in rows:
        row["NO KK"] = registered.no_kk

    plan = plan_import(db_session, sheet_bytes(rows), VILLAGE_SCOPE, LIMITS)

    assert _errors(plan) == [(2, "NO KK")]
    assert "sudah terdaftar dengan data berbeda" in plan.errors[0].message
    assert "usulan perbaikan" in plan.errors[0].message


def _missing_column() -> bytes:
    return sheet_bytes(family(), headers=[header for header in BNBA_HEADERS if header != "NIK"])


def _renamed_executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 200


def _renamed_csv() -> bytes:
    return ";".join(BNBA_HEADERS).encode() + b"\n1;52.72.01.1001\n"


def _legacy_xls_or_encrypted() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def _corrupt_zip() -> bytes:
    data = sheet_bytes(family())
    return data[: len(data) // 2]


def _header_only() -> bytes:
    return sheet_bytes([])


FILE_CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "missing column": (_missing_column, "tidak memiliki kolom: NIK"),
    "empty sheet": (empty_workbook, "Lembar kerja kosong"),
    "header without rows": (_header_only, "tidak ada baris data"),
    "empty file": (lambda: b"", "Berkas kosong"),
    "renamed executable": (_renamed_executable, "bukan lembar kerja Excel .xlsx"),
    "renamed csv": (_renamed_csv, "bukan lembar kerja Excel .xlsx"),
    "legacy xls or encrypted": (_legacy_xls_or_encrypted, "dilindungi kata sandi"),
    "corrupt zip": (_corrupt_zip, "rusak"),
    "zip bomb": (zip_bomb, "terlalu besar setelah diekstrak"),
    "compression ratio": (ratio_bomb, "zip bomb"),
    "oversized file": (lambda: b"PK\x03\x04" + b"\0" * (LIMITS.max_bytes + 1), "terlalu besar"),
}


@pytest.mark.parametrize(("make", "fragment"), FILE_CASES.values(), ids=FILE_CASES.keys())
def test_a_file_that_is_not_a_readable_bnba_sheet_is_refused_whole_and_leaves_no_temp_files(
    make: Callable[[], bytes],
    fragment: str,
    db_session: Session,
    operator: object,
    snapshot: Callable[[], dict[str, int]],
    no_new_temp_files: None,
) -> None:
    data = make()
    before = snapshot()

    with pytest.raises(SheetRefused) as refused:
        apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.rollback()

    assert fragment in str(refused.value)
    assert snapshot() == before


def test_a_zip_bomb_is_refused_before_anything_is_inflated() -> None:
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024  # small on disk, 200 MiB inflated
    with pytest.raises(SheetRefused, match="sebelum dibuka"):
        plan_import(None, bomb, VILLAGE_SCOPE, LIMITS)  # type: ignore[arg-type]


def test_a_sheet_longer_than_the_row_cap_is_refused(db_session: Session) -> None:
    rows = family() + family()
    with pytest.raises(SheetRefused, match="paling banyak 5 baris"):
        plan_import(db_session, sheet_bytes(rows), VILLAGE_SCOPE, UploadLimits(max_rows=5))


# --- good sheets --------------------------------------------------------------------------------------


def _imported(db_session: Session) -> dict[str, Household]:
    db_session.expire_all()
    statement = select(Household).options(selectinload(Household.members), selectinload(Household.proposals))
    return {household.no_kk: household for household in db_session.scalars(statement)}


def test_a_good_sheet_with_title_rows_creates_households_members_and_draft_proposals_field_by_field(
    db_session: Session, operator: object
) -> None:
    rows = family() + family()
    titles = [["DAFTAR NAMA DAN ALAMAT (BNBA) USULAN DTKS"], ["DESA/KELURAHAN PARUGA"], []]
    data = sheet_bytes(rows, title_rows=titles)

    plan = apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.commit()

    assert plan.header_row == 4
    assert plan.counts() | {"rows": 6} == {
        "rows": 6, "households": 2, "members": 6, "proposals": 2,
        "skipped_households": 0, "skipped_members": 0, "errors": 0,
    }  # fmt: skip
    households = _imported(db_session)
    assert set(households) == {rows[0]["NO KK"], rows[3]["NO KK"]}
    household = households[rows[0]["NO KK"]]
    assert (household.region_code, household.address, household.rt, household.rw) == (
        DEFAULT_VILLAGE, "Jl. Gajah Mada No. 7", "003", "001"
    )  # fmt: skip
    head = next(m for m in household.members if m.nik == rows[0]["NIK"])
    assert (head.name, head.sex, head.birth_date, head.family_relation, head.marital_status) == (
        "Warga Kepala keluarga", Sex.MALE, rows[0]["TANGGAL LAHIR"], FamilyRelation.HEAD, MaritalStatus.MARRIED
    )  # fmt: skip
    assert (head.birth_place, head.mother_name, head.occupation, head.region_code) == (
        "Bima", "Siti Aminah", "Petani", DEFAULT_VILLAGE
    )  # fmt: skip
    [proposal] = household.proposals
    assert (proposal.kind, proposal.status, proposal.reason) == (
        ProposalKind.NEW, ProposalStatus.DRAFT, "Keluarga miskin belum terdaftar"
    )  # fmt: skip
    [created] = proposal.history
    assert (created.from_status, created.to_status, created.actor_id) == (None, ProposalStatus.DRAFT, operator.id)  # type: ignore[attr-defined]


def test_codes_and_indonesian_words_are_both_accepted_in_coded_columns(db_session: Session) -> None:
    rows = family(codes=True) + family()
    plan = plan_import(db_session, sheet_bytes(rows), VILLAGE_SCOPE, LIMITS)
    assert plan.ok, plan.errors
    coded, worded = (planned.rows[1].values for planned in plan.households)
    assert coded["sex"] == worded["sex"] == Sex.FEMALE
    assert coded["family_relation"] == worded["family_relation"] == FamilyRelation.SPOUSE
    assert coded["proposal_kind"] == worded["proposal_kind"] == ProposalKind.NEW


@pytest.mark.parametrize("writer", ["openpyxl", "xlsxwriter"])
def test_dates_as_real_dates_or_dd_mm_yyyy_text_are_both_accepted(db_session: Session, writer: str) -> None:
    rows = family()
    rows[1]["TANGGAL LAHIR"] = rows[1]["TANGGAL LAHIR"].strftime("%d-%m-%Y")
    plan = plan_import(db_session, sheet_bytes(rows, writer=writer), VILLAGE_SCOPE, LIMITS)
    assert plan.ok, plan.errors
    assert [row.get("birth_date") for row in plan.households[0].rows] == [
        date(1975, 4, 12),
        date(1978, 9, 3),
        date(2006, 1, 20),
    ]


def test_an_empty_proposal_kind_means_a_new_household_and_a_removal_needs_its_reason(db_session: Session) -> None:
    plain, removal = family(**{"JENIS USULAN": None}), family(**{"JENIS USULAN": "Dikeluarkan", "ALASAN": "ganda"})
    # Moving house is no removal reason (only moving out of the regency is): refused with the reasons accepted.
    refused = family(**{"JENIS USULAN": "dikeluarkan", "ALASAN": "pindah rumah"})
    plan = plan_import(db_session, sheet_bytes(plain + removal + refused), VILLAGE_SCOPE, LIMITS)
    assert plan.households[0].first.get("proposal_kind") == ProposalKind.NEW
    assert plan.households[1].first.get("proposal_kind") == ProposalKind.REMOVE
    assert {error.row for error in plan.errors} == {8, 9, 10}
    assert all(error.column == "ALASAN" for error in plan.errors)
    assert RemovalReason.DUPLICATE.label in plan.errors[0].message


def test_importing_the_same_sheet_twice_creates_no_duplicates(
    db_session: Session, operator: object, snapshot: Callable[[], dict[str, int]]
) -> None:
    data = sheet_bytes(family() + family(**{"STATUS KAWIN": None, "TEMPAT LAHIR": None, "RT": "3"}))
    apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.commit()
    before = snapshot()

    again = apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.commit()

    assert again.counts()["households"] == 0
    assert (again.skipped_households, again.skipped_members) == (2, 6)
    assert snapshot() == before


def test_a_nik_registered_after_the_preview_makes_the_confirmation_apply_nothing(
    db_session: Session, operator: object, snapshot: Callable[[], dict[str, int]]
) -> None:
    rows = family()
    data = sheet_bytes(rows)
    assert plan_import(db_session, data, VILLAGE_SCOPE, LIMITS).ok
    other = make_household(db_session, members=1)
    make_member_with(db_session, other, rows[2])
    db_session.commit()
    before = snapshot()

    with pytest.raises(ImportRefused) as refused:
        apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.rollback()

    assert _errors(refused.value.plan) == [(4, "NIK")]
    assert snapshot() == before


def make_member_with(db_session: Session, household: Household, row: Row) -> Member:
    from tests.factories import make_member

    return make_member(db_session, household, nik=row["NIK"], birth_date=row["TANGGAL LAHIR"], sex=Sex.MALE)


def test_a_regency_operator_imports_any_village_of_the_regency_but_not_beyond(db_session: Session) -> None:
    rows = family() + family(region="52.72.02.1004") + family(region="52.71.01.1004")
    plan = plan_import(db_session, sheet_bytes(rows), Scope("52.72"), LIMITS)
    assert _errors(plan) == [(8, "KODE WILAYAH"), (9, "KODE WILAYAH"), (10, "KODE WILAYAH")]


# --- the error report -----------------------------------------------------------------------------------


def test_the_error_report_is_the_same_sheet_with_an_error_column_and_no_formulas(db_session: Session) -> None:
    rows = family(**{"NAMA": "=1+1"}) + family()
    rows[4]["NIK"] = rows[4]["NIK"][:15]
    data = sheet_bytes(rows, title_rows=[["BNBA DESA PARUGA"]], writer="xlsxwriter")
    plan = plan_import(db_session, data, VILLAGE_SCOPE, LIMITS)

    report = error_report(data, plan.sheet_name, plan.header_row, plan.errors, LIMITS)

    sheet = openpyxl.load_workbook(io.BytesIO(report)).active
    assert sheet["A1"].value == "BNBA DESA PARUGA"
    header = [cell.value for cell in sheet[2]]
    assert header == [*BNBA_HEADERS, ERROR_HEADER]
    error_column = len(BNBA_HEADERS) + 1
    assert "NIK: NIK harus tepat 16 digit" in sheet.cell(row=7, column=error_column).value
    assert sheet.cell(row=6, column=error_column).value is None
    nik = sheet.cell(row=3, column=BNBA_HEADERS.index("NIK") + 1)
    assert (nik.value, nik.data_type) == (rows[0]["NIK"], "s")
    name = sheet.cell(row=3, column=BNBA_HEADERS.index("NAMA") + 1)
    assert (name.value, name.data_type) == ("=1+1", "s")
    assert not any(cell.data_type == "f" for line in sheet.iter_rows() for cell in line)
    assert plan_import(db_session, report, VILLAGE_SCOPE, LIMITS).errors == plan.errors  # it imports back


# --- round trip with the export --------------------------------------------------------------------------

MEMBER_FIELDS = ("nik", "name", "sex", "birth_place", "birth_date", "family_relation", "mother_name",
                 "marital_status", "occupation", "region_code")  # fmt: skip


def _register(db_session: Session) -> dict[str, tuple[object, ...]]:
    rows = {}
    for household in db_session.scalars(select(Household).options(selectinload(Household.members))):
        members = sorted(tuple(getattr(m, key) for key in MEMBER_FIELDS) for m in household.members)
        rows[household.no_kk] = (household.region_code, household.address, household.rt, household.rw, members)
    return rows


def test_an_exported_roster_imports_back_unchanged(db_session: Session, operator: object) -> None:
    from models.household import DtksStatus
    from reports.bnba_export import build_roster

    for members, address in ((3, "Jl. Sultan Hasanuddin"), (1, '=HYPERLINK("x")'), (4, "+62 Gang Melati")):
        make_household(db_session, members=members, address=address, dtks_status=DtksStatus.REGISTERED)
    db_session.commit()
    exported = build_roster(db_session, VILLAGE_SCOPE, region_code=DEFAULT_VILLAGE)
    data = exported.path.read_bytes()
    exported.discard()
    before = _register(db_session)

    again = plan_import(db_session, data, VILLAGE_SCOPE, LIMITS)
    assert (again.errors, again.skipped_households, again.skipped_members) == ([], 3, 8)

    for household in db_session.scalars(select(Household)):
        db_session.delete(household)
    db_session.commit()
    apply_import(db_session, data, VILLAGE_SCOPE, operator, LIMITS)  # type: ignore[arg-type]
    db_session.commit()
    db_session.expire_all()

    assert _register(db_session) == before
