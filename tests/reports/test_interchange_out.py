"""The outgoing SIKS-NG interchange file (reports/interchange_export.py, spec `PROPOSALS_OUT`) on a real database.

Written by the console, read back with openpyxl and with the one sheet reader (`read_sheet(..., PROPOSALS_OUT)`):
the same values (NIK text, dates, proposal ids, coded labels), only proposals a signed district SK ratified, only the
scope's, NIK masked for readers who see it masked, and a catalogue of broken files the reader refuses.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.orm import Session

from models import Household, Member
from models.decree import Decree, DecreeKind
from models.decree_annex import snapshot_annex
from models.member import FamilyRelation
from models.proposal import Proposal, ProposalStatus
from policies.scope import Scope
from reports.bnba_sheet import ParsedSheet, RowError, read_sheet
from reports.interchange import INTERCHANGE_VERSION, PROPOSALS_OUT, PROPOSALS_OUT_TITLE, check_version
from reports.interchange_export import build_proposals_out
from reports.xlsx import ExportFile
from reports.xlsx_upload import SheetRefused, UploadLimits
from tests.reports.export_checks import (
    HOSTILE,
    OTHER_REGENCY_VILLAGE,
    REMOVAL,
    assert_safe,
    assert_table_setup,
    data_rows,
    decree_with,
    header_row,
    hostile_household,
    open_sheet,
    proposal_for,
)

S = ProposalStatus
HEADERS = PROPOSALS_OUT.headers
SIGNED_AT = datetime(2026, 3, 3, 2, 0, tzinfo=UTC)


def column(header: str) -> int:
    return HEADERS.index(header)


def ratified_decree(
    session: Session,
    households: list[Household],
    *,
    status: ProposalStatus = S.RATIFIED,
    regency: str = "52.72",
    number: str = "400.9/12/Dinsos 2026",
    decree_date: date = date(2026, 3, 2),
    kept: bool = True,
    **proposal_fields: Any,
) -> tuple[Decree, list[Proposal]]:
    """A signed district SK ratifying one proposal per household (now at `status`); its annex kept at signing
    unless `kept` is False (a decree signed before the console kept annexes)."""
    proposals = [proposal_for(session, household, status, **proposal_fields) for household in households]
    decree = Decree(
        kind=DecreeKind.DISTRICT_RATIFICATION,
        region_code=regency,
        number=number,
        decree_date=decree_date,
        signer_name="H. Muhammad Lutfi",
        signer_title="WALIKOTA BIMA",
        signed_at=SIGNED_AT,
        proposals=proposals,
    )
    session.add(decree)
    session.flush()
    if kept:
        snapshot_annex(session, decree)
    return decree, proposals


def file_bytes(export: ExportFile) -> bytes:
    return b"".join(export.chunks())


def written(session: Session, scope: Scope, **options: Any) -> bytes:
    return file_bytes(build_proposals_out(session, scope, **options))


def sheet_of(data: bytes) -> Worksheet:
    return open_sheet(data)


def rows_of(data: bytes) -> list[tuple[Any, ...]]:
    sheet = sheet_of(data)
    return data_rows(sheet, header_row(sheet), len(HEADERS))


def read_back(data: bytes) -> ParsedSheet:
    return read_sheet(data, UploadLimits(), PROPOSALS_OUT)


def expected_rows(decree: Decree, proposals: list[Proposal]) -> list[dict[str, Any]]:
    """The values each member's row should read back as (head first, then the members as registered)."""
    found = []
    for proposal in proposals:
        household = proposal.household
        members = sorted(household.members, key=lambda m: (m.family_relation != FamilyRelation.HEAD, m.id))
        for member in members:
            found.append(
                {
                    "region_code": household.region_code,
                    "no_kk": household.no_kk,
                    "nik": member.nik,
                    "name": member.name,
                    "family_relation": member.family_relation,
                    "sex": member.sex,
                    "birth_date": member.birth_date,
                    "proposal_kind": proposal.kind,
                    "proposal_id": proposal.id,
                    "decree_number": decree.number,
                    "decree_date": decree.decree_date,
                    "proposal_status": proposal.status,
                    "spec_version": INTERCHANGE_VERSION,
                }
            )
    return found


def picked(parsed: ParsedSheet) -> list[dict[str, Any]]:
    keys = expected_keys()
    return [{key: row.get(key) for key in keys} for row in parsed.rows]


def expected_keys() -> tuple[str, ...]:
    return (
        "region_code",
        "no_kk",
        "nik",
        "name",
        "family_relation",
        "sex",
        "birth_date",
        "proposal_kind",
        "proposal_id",
        "decree_number",
        "decree_date",
        "proposal_status",
        "spec_version",
    )


# --- the file as written ---------------------------------------------------------------------------------------


def test_the_file_reads_back_through_the_spec_unchanged(db_session: Session) -> None:
    first, second = hostile_household(db_session), hostile_household(db_session, region_code="52.72.02.1004")
    earlier, earlier_proposals = ratified_decree(db_session, [first], status=S.FORWARDED, decree_date=date(2026, 2, 1))
    later, later_proposals = ratified_decree(
        db_session, [second], status=S.DETERMINED, number="400.9/20/Dinsos 2026", kept=False, **REMOVAL
    )
    db_session.commit()

    export = build_proposals_out(db_session, Scope("52.72"))
    assert export.filename == f"Usulan_SIKS-NG_v{INTERCHANGE_VERSION}_52.72.xlsx"
    assert export.rows == 6
    data = file_bytes(export)
    parsed = read_back(data)
    check_version(parsed)

    assert parsed.errors == []
    assert picked(parsed) == expected_rows(earlier, earlier_proposals) + expected_rows(later, later_proposals)
    assert parsed.rows[0].get("reason") == HOSTILE[0]  # ALASAN: the formula look-alike kept, never evaluated
    assert parsed.rows[3].get("reason") == "Meninggal dunia; wafat 2026"
    assert parsed.rows[0].get("village_name") == "Paruga" and parsed.rows[0].get("number") == 1
    assert [row.get("number") for row in parsed.rows] == [1, 2, 3, 4, 5, 6]


def test_cells_are_typed_and_the_title_names_the_version(db_session: Session) -> None:
    household = hostile_household(db_session)
    decree, [proposal] = ratified_decree(db_session, [household])
    db_session.commit()

    sheet = sheet_of(written(db_session, Scope("52.72")))
    header = header_row(sheet)
    assert tuple(cell.value for cell in sheet[header]) == HEADERS
    assert sheet.title == "Usulan"
    title = [sheet.cell(row, 1).value for row in range(1, header)]
    assert PROPOSALS_OUT_TITLE in title and PROPOSALS_OUT_TITLE.endswith(f"VERSI {INTERCHANGE_VERSION}")
    assert "WILAYAH: 52.72 KOTA BIMA" in title
    for row in sheet.iter_rows(min_row=header + 1, max_row=header + 3):
        for header_name in ("NIK", "NO KK", "KODE WILAYAH", "RT", "RW"):
            cell = row[column(header_name)]
            assert cell.data_type == "s" and cell.number_format == "@", header_name
        for header_name in ("TANGGAL LAHIR", "TANGGAL SK"):
            assert row[column(header_name)].is_date and row[column(header_name)].number_format == "dd-mm-yyyy"
        assert row[column("ID USULAN")].data_type == "n" and row[column("ID USULAN")].value == proposal.id
        assert row[column("TANGGAL SK")].value.date() == decree.decree_date
        assert row[column("STATUS USULAN")].value == S.RATIFIED.label
        assert row[column("NOMOR SK")].value == decree.number
        assert row[column("VERSI SPESIFIKASI")].value == INTERCHANGE_VERSION
    assert_safe(sheet)
    last = openpyxl.utils.get_column_letter(len(HEADERS))
    assert_table_setup(sheet, header, last)


def test_only_proposals_a_signed_district_sk_ratified_are_in_the_file(db_session: Session) -> None:
    statuses = (S.RATIFIED, S.FORWARDED, S.RECEIVED, S.REJECTED_MINISTRY, S.DETERMINED, S.NOT_DETERMINED)
    sent = {status: hostile_household(db_session) for status in statuses}
    for position, (status, household) in enumerate(sent.items()):
        ratified_decree(db_session, [household], status=status, number=f"400.9/{position}/2026")
    draft = hostile_household(db_session)
    decree_with(db_session, [proposal_for(db_session, draft, S.IN_DECREE)], number=None)  # a draft: not signed
    waiting = hostile_household(db_session)
    proposal_for(db_session, waiting, S.ACCEPTED)  # in no SK
    forwarded_only = hostile_household(db_session)  # a province's cover letter is no district SK
    cover = Decree(
        kind=DecreeKind.PROVINCE_FORWARDING,
        region_code="52",
        number="P/1/2026",
        decree_date=date(2026, 3, 9),
        signer_name="Kepala Dinas Sosial Provinsi",
        signer_title="Kepala Dinas",
        signed_at=SIGNED_AT,
        proposals=[proposal_for(db_session, forwarded_only, S.FORWARDED)],
    )
    db_session.add(cover)
    db_session.commit()

    parsed = read_back(written(db_session, Scope("52.72")))

    assert parsed.errors == []
    assert {row.get("no_kk") for row in parsed.rows} == {household.no_kk for household in sent.values()}
    assert {row.get("proposal_status") for row in parsed.rows} == set(statuses)


def test_a_signed_sk_gives_its_annex_as_signed(db_session: Session) -> None:
    household = hostile_household(db_session)
    ratified_decree(db_session, [household])
    db_session.commit()
    db_session.get(Member, household.members[0].id).name = "Nama Sesudah SK"
    household.address = "Jl. Sesudah SK"
    db_session.commit()

    rows = rows_of(written(db_session, Scope("52.72")))

    assert rows[0][column("NAMA")] == HOSTILE[0] and "Nama Sesudah SK" not in {row[column("NAMA")] for row in rows}
    assert {row[column("ALAMAT")] for row in rows} == {HOSTILE[1]}


def test_identity_numbers_are_masked_without_the_full_view(db_session: Session) -> None:
    household = hostile_household(db_session)
    ratified_decree(db_session, [household])
    db_session.commit()

    parsed = read_back(written(db_session, Scope("52.72"), full_identity=False))

    assert parsed.errors == []
    for row, member in zip(parsed.rows, household.members, strict=True):
        nik, no_kk = row.get("nik"), row.get("no_kk")
        assert nik != member.nik and "*" in nik and nik[:4] == member.nik[:4] and nik[-2:] == member.nik[-2:]
        assert no_kk != household.no_kk and "*" in no_kk
    cells = [str(value) for row in rows_of(written(db_session, Scope("52.72"), full_identity=False)) for value in row]
    assert not any(member.nik in cell for cell in cells for member in household.members)


def test_another_regencys_proposals_are_absent(db_session: Session) -> None:
    mine = hostile_household(db_session)
    theirs = hostile_household(db_session, region_code=OTHER_REGENCY_VILLAGE)
    ratified_decree(db_session, [mine])
    ratified_decree(db_session, [theirs], regency="73.02", number="400/1/Bulukumba")
    db_session.commit()

    def kks(scope: Scope) -> set[str]:
        return {row.get("no_kk") for row in read_back(written(db_session, scope)).rows}

    assert kks(Scope("52.72")) == kks(Scope("52")) == {mine.no_kk}
    assert kks(Scope("73.02")) == {theirs.no_kk}
    assert kks(Scope(None)) == {mine.no_kk, theirs.no_kk}
    assert build_proposals_out(db_session, Scope("52.72.01.1002")).rows == 0  # a village with none of them


def test_one_sk_only(db_session: Session) -> None:
    first, second = hostile_household(db_session), hostile_household(db_session)
    ratified_decree(db_session, [first])
    decree, _ = ratified_decree(db_session, [second], number="400.9/30/Dinsos 2026")
    db_session.commit()

    export = build_proposals_out(db_session, Scope("52"), decree=decree)
    assert export.filename == f"Usulan_SIKS-NG_v{INTERCHANGE_VERSION}_52.72_SK-400.9-30-Dinsos-2026.xlsx"
    data = file_bytes(export)
    parsed = read_back(data)
    assert {row.get("no_kk") for row in parsed.rows} == {second.no_kk}
    assert {row.get("decree_number") for row in parsed.rows} == {"400.9/30/Dinsos 2026"}
    title = [str(cell.value) for row in sheet_of(data).iter_rows(max_row=4) for cell in row if cell.value]
    assert "SK PENGESAHAN: NOMOR 400.9/30/Dinsos 2026 TANGGAL 02-03-2026" in title


def test_past_a_sheets_rows_the_file_continues_with_the_same_header(db_session: Session) -> None:
    ratified_decree(db_session, [hostile_household(db_session) for _ in range(3)])
    db_session.commit()

    export = build_proposals_out(db_session, Scope("52.72"), sheet_rows=10)  # 4 title rows, a blank, the header
    book = openpyxl.load_workbook(io.BytesIO(file_bytes(export)))
    assert (export.rows, export.sheets) == (9, 3)
    assert book.sheetnames == ["Usulan", "Usulan (2)", "Usulan (3)"]
    numbers = []
    for sheet in book.worksheets:
        header = header_row(sheet)
        assert tuple(cell.value for cell in sheet[header]) == HEADERS
        numbers += [row[0] for row in data_rows(sheet, header, len(HEADERS))]
    assert numbers == list(range(1, 10))


# --- the reader of PROPOSALS_OUT: other spellings, and broken files ------------------------------------------


def rewritten(data: bytes, change: Callable[[Worksheet, int], None]) -> bytes:
    """The console's file with `change(sheet, header_row)` applied by openpyxl, as an office would edit it."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    change(sheet, header_row(sheet))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cell_of(sheet: Worksheet, header: int, name: str, offset: int = 1) -> Any:
    return sheet.cell(header + offset, column(name) + 1)


@pytest.fixture
def good_file(db_session: Session) -> bytes:
    household = hostile_household(db_session)
    ratified_decree(db_session, [household])
    db_session.commit()
    return written(db_session, Scope("52.72"))


def test_other_spellings_of_the_headers_in_another_order_read_the_same(good_file: bytes) -> None:
    spellings = {
        "ID USULAN": "Nomor Usulan",
        "NOMOR SK": "No. SK",
        "TANGGAL SK": "Tgl. SK",
        "STATUS USULAN": "Status",
        "VERSI SPESIFIKASI": "Versi",
        "NIK": "Nomor NIK",
        "NO KK": "Nomor KK",
    }

    def rename_and_reverse(sheet: Worksheet, header: int) -> None:
        width = len(HEADERS)
        table = [[(cell.value, cell.number_format) for cell in row] for row in sheet.iter_rows(min_row=header)]
        for offset, row in enumerate(table):
            cells = list(reversed((row + [(None, "General")] * width)[:width]))
            if offset == 0:
                cells = [(spellings.get(name, name), style) for name, style in cells]
            for position, (value, style) in enumerate(cells, start=1):
                target = sheet.cell(header + offset, position)
                target.value, target.number_format = value, style
                if isinstance(value, str):
                    target.data_type = "s"  # openpyxl would take "=1+1" for a formula

    parsed = read_back(rewritten(good_file, rename_and_reverse))

    assert parsed.errors == []
    assert picked(parsed) == picked(read_back(good_file))


def _set(name: str, value: Any, offset: int = 1) -> Callable[[Worksheet, int], None]:
    def change(sheet: Worksheet, header: int) -> None:
        cell_of(sheet, header, name, offset).value = value

    return change


def _number(name: str) -> Callable[[Worksheet, int], None]:
    def change(sheet: Worksheet, header: int) -> None:
        cell = cell_of(sheet, header, name)
        cell.value = int(cell.value)
        cell.number_format = "0"

    return change


ROW_ERRORS: list[tuple[str, Callable[[Worksheet, int], None], str, str]] = [
    ("nik-as-number", _number("NIK"), "NIK", "harus ditulis sebagai teks, bukan angka"),
    ("no-kk-as-number", _number("NO KK"), "NO KK", "harus ditulis sebagai teks, bukan angka"),
    ("decree-date-impossible", _set("TANGGAL SK", "31-02-2026"), "TANGGAL SK", "bukan tanggal yang ada"),
    ("decree-date-words", _set("TANGGAL SK", "awal Maret"), "TANGGAL SK", "harus tanggal atau teks DD-MM-YYYY"),
    ("birth-date-words", _set("TANGGAL LAHIR", "1970"), "TANGGAL LAHIR", "harus tanggal atau teks DD-MM-YYYY"),
    ("decree-date-empty", _set("TANGGAL SK", None), "TANGGAL SK", "TANGGAL SK wajib diisi"),
    ("proposal-id-words", _set("ID USULAN", "usulan-7"), "ID USULAN", "harus bilangan bulat"),
    ("proposal-id-empty", _set("ID USULAN", None), "ID USULAN", "ID USULAN wajib diisi"),
    ("decree-number-empty", _set("NOMOR SK", " "), "NOMOR SK", "NOMOR SK wajib diisi"),
    ("status-unknown", _set("STATUS USULAN", "Sudah beres"), "STATUS USULAN", "tidak dikenal"),
    ("status-as-number", _set("STATUS USULAN", "12"), "STATUS USULAN", "kode angka tidak diterima"),
    ("sex-unknown", _set("JENIS KELAMIN", "X"), "JENIS KELAMIN", "tidak dikenal"),
]


@pytest.mark.parametrize(
    ("change", "header", "message"), [case[1:] for case in ROW_ERRORS], ids=[c[0] for c in ROW_ERRORS]
)
def test_a_broken_cell_is_refused_by_row_and_column(
    good_file: bytes, change: Callable[[Worksheet, int], None], header: str, message: str
) -> None:
    data = rewritten(good_file, change)
    header_at = header_row(sheet_of(data))

    parsed = read_back(data)

    assert [(error.row, error.column) for error in parsed.errors] == [(header_at + 1, header)]
    [error] = parsed.errors
    assert isinstance(error, RowError) and message in error.message
    assert error.describe().startswith(f"Baris {header_at + 1}, kolom {header}: ")


@pytest.mark.parametrize("missing", ["ID USULAN", "NOMOR SK", "TANGGAL SK", "NIK"])
def test_a_file_without_a_required_column_is_refused_whole(good_file: bytes, missing: str) -> None:
    data = rewritten(good_file, lambda sheet, header: setattr(sheet.cell(header, column(missing) + 1), "value", None))

    with pytest.raises(SheetRefused) as refused:
        read_back(data)

    assert "Baris judul kolom usulan terverifikasi tidak ditemukan" in str(refused.value)
    assert str(refused.value).endswith(f"tidak memiliki kolom: {missing}.")


def test_optional_interchange_columns_may_be_left_out(good_file: bytes) -> None:
    def drop(sheet: Worksheet, header: int) -> None:
        for name in ("STATUS USULAN", "VERSI SPESIFIKASI"):
            sheet.cell(header, column(name) + 1).value = None

    parsed = read_back(rewritten(good_file, drop))

    assert parsed.errors == []
    assert {row.get("proposal_status") for row in parsed.rows} == {None}
    assert {row.get("spec_version") for row in parsed.rows} == {None}


def test_the_status_reads_from_its_label_or_its_code(good_file: bytes) -> None:
    parsed = read_back(rewritten(good_file, _set("STATUS USULAN", "forwarded")))
    assert parsed.errors == [] and parsed.rows[0].get("proposal_status") == S.FORWARDED
    assert parsed.rows[1].get("proposal_status") == S.RATIFIED


def test_the_spec_reuses_the_bnba_columns_and_adds_its_own() -> None:
    from reports.bnba import BNBA_COLUMNS

    assert PROPOSALS_OUT.columns[: len(BNBA_COLUMNS)] == BNBA_COLUMNS
    assert all(a is b for a, b in zip(PROPOSALS_OUT.columns, BNBA_COLUMNS, strict=False))
    assert HEADERS[len(BNBA_COLUMNS) :] == ("ID USULAN", "NOMOR SK", "TANGGAL SK", "STATUS USULAN", "VERSI SPESIFIKASI")
    assert {column.key for column in PROPOSALS_OUT.columns if column.required} >= {
        "proposal_id",
        "decree_number",
        "decree_date",
        "nik",
        "no_kk",
    }
    assert len(PROPOSALS_OUT.by_header) > len(HEADERS)  # every alias names one column (checked when built)


def test_a_row_of_another_version_is_refused(good_file: bytes) -> None:
    data = rewritten(good_file, _set("VERSI SPESIFIKASI", "2"))
    header_at = header_row(sheet_of(data))
    parsed = read_back(data)
    assert parsed.errors == []  # readable: the version is a rule of the rows, checked after reading

    check_version(parsed)

    [error] = parsed.errors
    assert (error.row, error.column) == (header_at + 1, "VERSI SPESIFIKASI")
    assert (
        error.message
        == f"VERSI SPESIFIKASI '2' tidak dikenal; berkas dibaca dengan spesifikasi versi {INTERCHANGE_VERSION}."
    )


def test_the_documented_table_is_the_spec() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "INTERCHANGE.md").read_text(encoding="utf-8")
    section = text.split("## Direction out", 1)[1]
    table = [line.split("|")[1:-1] for line in section.splitlines() if line.startswith("| ") and "|---" not in line]
    start = next(position for position, cells in enumerate(table) if cells[0].strip() == "kolom")
    documented = []
    for cells in table[start + 1 :]:
        if cells[0].strip() == "label":
            break
        documented.append((cells[0].strip(), cells[1].strip() == "ya", cells[3].strip()))
    assert documented == [
        (column.header, column.required, ", ".join(PROPOSALS_OUT.aliases.get(column.key, ())))
        for column in PROPOSALS_OUT.columns
    ]
