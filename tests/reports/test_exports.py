"""The export functions, on a real database, read back with openpyxl: headers, rows, text identifiers, no formulas."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Programme, ProgrammeMembership
from models.determination import HouseholdPeriod
from models.household import DtksStatus, Household
from models.proposal import ProposalStatus
from models.region_codes import region_name
from policies.scope import Scope
from reports.bnba import BNBA_HEADERS
from reports.bnba_export import build_musdes_annex, build_roster, build_sk_annex
from reports.recap import build_recap, programme_columns
from reports.registers import build_certificate_register, build_complaint_register
from reports.xlsx import ExportFile, safe_file_name
from tests.factories import DEFAULT_VILLAGE, make_household
from tests.reports.export_checks import (
    HOSTILE,
    OTHER_REGENCY_VILLAGE,
    REMOVAL,
    assert_safe,
    assert_table_setup,
    bnba_index,
    data_rows,
    decree_with,
    header_row,
    hostile_household,
    meeting_with,
    open_sheet,
    proposal_for,
    registered,
)
from tests.reports.register_data import a_certificate, a_complaint

NIK, NO_KK, REGION = bnba_index("NIK"), bnba_index("NO KK"), bnba_index("KODE WILAYAH")


def read(export: ExportFile) -> list[tuple]:
    sheet = open_sheet(export.path)
    header = header_row(sheet)
    assert [cell.value for cell in sheet[header]] == list(BNBA_HEADERS)
    assert_safe(sheet)
    assert_table_setup(sheet, header, "V")
    for row in sheet.iter_rows(min_row=header + 1, max_row=header + export.rows):
        for position in (NIK, NO_KK, REGION, bnba_index("RT"), bnba_index("RW")):
            assert row[position].data_type == "s" and row[position].number_format == "@"
        assert row[bnba_index("TANGGAL LAHIR")].is_date
        assert row[bnba_index("TANGGAL LAHIR")].number_format == "dd-mm-yyyy"
    return data_rows(sheet, header, len(BNBA_HEADERS))


def test_sk_annex_has_kop_one_row_per_member_and_signature(db_session: Session) -> None:
    first, second = hostile_household(db_session), hostile_household(db_session)
    proposals = [
        proposal_for(db_session, first, ProposalStatus.IN_DECREE),
        proposal_for(db_session, second, ProposalStatus.IN_DECREE, **REMOVAL),
    ]
    decree = decree_with(db_session, proposals)
    export = build_sk_annex(db_session, decree)
    try:
        assert export.filename == "Lampiran_SK_400.9-12-Dinsos-2026_02-03-2026.xlsx"
        assert export.rows == 6
        rows = read(export)
        assert len(rows) == 6
        assert rows[0][NIK] == first.members[0].nik and rows[0][NO_KK] == first.no_kk
        assert rows[0][bnba_index("HUBUNGAN KELUARGA")] == "Kepala keluarga"
        assert rows[0][bnba_index("NAMA")] == "=1+1"  # neutralised, never altered
        assert rows[0][bnba_index("DESA/KELURAHAN")] == "Paruga"
        assert rows[0][bnba_index("TANGGAL LAHIR")].date() == first.members[0].birth_date
        assert rows[0][bnba_index("JENIS USULAN")] == "Usulan baru"
        assert rows[3][bnba_index("ALASAN")] == "Meninggal dunia; wafat 2026"
        sheet = open_sheet(export.path)
        text = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
        assert "LAMPIRAN KEPUTUSAN WALI KOTA BIMA" in text and "NOMOR: 400.9/12/Dinsos 2026" in text
        assert text[0] == "PEMERINTAH KOTA BIMA"  # models/office_names.py, as the signature names the head
        assert "TANGGAL: 02-03-2026" in text
        assert text[-3:] == ["Bima, 02-03-2026", "WALIKOTA BIMA", "H. Muhammad Lutfi"]
    finally:
        export.discard()


def test_sk_annex_masks_identity_numbers_for_roles_without_full_view(db_session: Session) -> None:
    household = hostile_household(db_session)
    decree = decree_with(db_session, [proposal_for(db_session, household, ProposalStatus.IN_DECREE)])
    export = build_sk_annex(db_session, decree, full_identity=False)
    try:
        rows = read(export)
        assert rows[0][NIK] != household.members[0].nik and "*" in rows[0][NIK]
    finally:
        export.discard()


def test_musdes_annex_carries_each_decision(db_session: Session) -> None:
    agreed, rejected = hostile_household(db_session), hostile_household(db_session)
    proposals = [proposal_for(db_session, h, ProposalStatus.IN_MUSDES) for h in (agreed, rejected)]
    meeting = meeting_with(db_session, proposals)
    export = build_musdes_annex(db_session, meeting)
    try:
        assert export.filename == "Lampiran_BA_Musdes_Paruga_10-02-2026.xlsx"
        rows = read(export)
        assert [row[bnba_index("KETERANGAN")] for row in rows] == ["Disetujui: -1"] * 3 + ["Ditolak: -1"] * 3
        text = [str(c.value) for row in open_sheet(export.path).iter_rows(max_row=5) for c in row if c.value]
        assert "NOMOR BA: BA/7/2026" in text
    finally:
        export.discard()


def test_roster_holds_only_registered_households_in_scope_and_period(db_session: Session) -> None:
    inside = registered(db_session)
    registered(db_session, period="2026-04")  # registered after the period asked for
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)  # outside the scope
    make_household(db_session, members=2)  # not in the DTKS
    export = build_roster(db_session, Scope("52.72"), period="2026-01")
    try:
        rows = read(export)
        assert export.rows == len(rows) == 3
        assert {row[NO_KK] for row in rows} == {inside.no_kk}
        assert rows[0][bnba_index("KETERANGAN")] == "Desil 3"
        assert export.filename == "DTKS_52.72_2026-01.xlsx"
    finally:
        export.discard()


def test_a_period_roster_follows_the_per_period_standing_of_each_household(db_session: Session) -> None:
    def standing(household: Household, period: str, status: DtksStatus, desil: int | None) -> None:
        db_session.add(
            HouseholdPeriod(
                household_id=household.id,
                period=period,
                dtks_status=status,
                desil=desil,
                region_code=household.region_code,
            )
        )

    # Registered in April with desil 2, removed in October: in the July roster, not in October's or today's.
    removed = make_household(db_session, dtks_status=DtksStatus.REMOVED, period="2026-10")
    standing(removed, "2026-04", DtksStatus.REGISTERED, 2)
    standing(removed, "2026-10", DtksStatus.REMOVED, None)
    # Registered in October (desil 4 now, 1 then): not yet in July's roster.
    late = make_household(db_session, dtks_status=DtksStatus.REGISTERED, desil=4, period="2026-10")
    standing(late, "2026-10", DtksStatus.REGISTERED, 1)
    db_session.flush()

    def kk_and_desil(period: str | None) -> set[tuple[str, str]]:
        export = build_roster(db_session, Scope("52.72"), period=period)
        try:
            return {(row[NO_KK], row[bnba_index("KETERANGAN")]) for row in read(export)}
        finally:
            export.discard()

    assert kk_and_desil("2026-07") == {(removed.no_kk, "Desil 2")}
    assert kk_and_desil("2026-10") == {(late.no_kk, "Desil 1")}
    assert kk_and_desil(None) == {(late.no_kk, "Desil 4")}


def test_recap_counts_per_region_status_and_desil_with_charts(db_session: Session) -> None:
    registered(db_session)
    registered(db_session, region_code="52.72.02.1004")
    make_household(db_session, dtks_status=DtksStatus.PROPOSED)
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()  # the recap reads the tallies, which count committed work (models/tally.py)
    export = build_recap(db_session, Scope("52.72"), today=date(2026, 5, 1))
    try:
        assert export.filename == "Rekap_DTKS_52.72_01-05-2026.xlsx"
        sheet = open_sheet(export.path, "Rekap")
        header = header_row(sheet, "KODE WILAYAH")
        headers = [cell.value for cell in sheet[header]]
        assert headers[:3] == ["KODE WILAYAH", "NAMA WILAYAH", "BELUM TERDAFTAR"] and headers[-1] == "TANPA DESIL"
        rows = data_rows(sheet, header, len(headers))
        assert [row[0] for row in rows] == ["52.72.01", "52.72.02"]  # kecamatan of Kota Bima only
        registered_column, desil_3 = headers.index("TERDAFTAR DI DTKS"), headers.index("DESIL 3")
        assert rows[0][registered_column] == 1 and rows[0][headers.index("DALAM PENGUSULAN")] == 1
        assert rows[0][desil_3] == 1 and rows[1][desil_3] == 1
        assert sheet.cell(header + 1, 1).data_type == "s" and sheet.cell(header + 1, 1).number_format == "@"
        total = [cell.value for cell in sheet[header + 3]]
        assert total[1] == "JUMLAH" and total[desil_3] == 2
        assert_safe(sheet)
        assert_table_setup(sheet, header, "R")
        charts = open_sheet(export.path, "Grafik")._charts
        assert len(charts) == 3  # the dashboard's three (tests/reports/test_recap_charts.py compares them)
    finally:
        export.discard()


def test_certificate_register_lists_every_request_in_scope(db_session: Session) -> None:
    mine = a_certificate(db_session, "52.72", applicant_name=HOSTILE[0])
    a_certificate(db_session, "73.02")
    export = build_certificate_register(db_session, Scope("52.72"))
    try:
        sheet = open_sheet(export.path)
        header = header_row(sheet)
        headers = [cell.value for cell in sheet[header]]
        assert headers[:6] == [
            "NO",
            "TANGGAL PERMOHONAN",
            "KODE WILAYAH",
            "KABUPATEN/KOTA",
            "NIK DIMOHON",
            "NAMA PEMOHON",
        ]
        rows = data_rows(sheet, header, len(headers))
        assert export.rows == len(rows) == 1
        assert rows[0][4] == mine.requested_nik and sheet.cell(header + 1, 5).data_type == "s"
        assert rows[0][5] == "=1+1" and rows[0][3] == "Kota Bima"
        assert_safe(sheet)
        assert_table_setup(sheet, header, "L")
    finally:
        export.discard()


def test_complaint_register_lists_every_complaint_in_scope(db_session: Session) -> None:
    mine = a_complaint(db_session, DEFAULT_VILLAGE, description=HOSTILE[5])
    a_complaint(db_session, OTHER_REGENCY_VILLAGE)
    export = build_complaint_register(db_session, Scope("52.72"), full_identity=False)
    try:
        sheet = open_sheet(export.path)
        header = header_row(sheet)
        headers = [cell.value for cell in sheet[header]]
        rows = data_rows(sheet, header, len(headers))
        assert export.rows == len(rows) == 1
        assert rows[0][headers.index("URAIAN")] == HOSTILE[5]
        assert rows[0][headers.index("NIK")] != mine.nik and "*" in rows[0][headers.index("NIK")]
        assert_safe(sheet)
    finally:
        export.discard()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("400.9/12/Dinsos 2026", "400.9-12-Dinsos-2026"), ("", "draf"), ("../../etc", "etc"), ("SK:1", "SK-1")],
)
def test_file_names_are_sanitised(text: str, expected: str) -> None:
    assert safe_file_name(text) == expected


def test_an_export_leaves_no_file_once_streamed(db_session: Session) -> None:
    export = build_roster(db_session, Scope("52.72"))
    assert export.path.exists()
    assert b"".join(export.chunks())[:2] == b"PK"
    assert not export.path.exists()


def test_the_recap_programme_sheet_counts_members_eligible_and_outside_per_region(db_session: Session) -> None:
    """Two registered families of the period, desil 3 and 6; PKH (band 1-4) has both as members: one eligible
    member, one outside; SEMBAKO (1-5) one eligible family and no member."""
    programme_ids = {code: pk for code, pk in db_session.execute(select(Programme.code, Programme.id))}
    for desil in (3, 6):
        family = registered(db_session)
        db_session.add_all([
            HouseholdPeriod(household_id=family.id, period="2026-10", dtks_status=DtksStatus.REGISTERED, desil=desil,
                            region_code=family.region_code),
            ProgrammeMembership(household_id=family.id, programme_id=programme_ids["PKH"], period="2026-10",
                                region_code=family.region_code),
        ])  # fmt: skip
    db_session.commit()

    export = build_recap(db_session, Scope("52.72"), period="2026-10", today=date(2026, 11, 2))
    try:
        sheet = open_sheet(export.path, "Program")
        header = header_row(sheet, "KODE WILAYAH")
        assert [cell.value for cell in sheet[header]] == [column.header for column in programme_columns()]
        assert_safe(sheet)
        rows = {row[2]: row for row in data_rows(sheet, header, 6) if row[0]}
        kecamatan = DEFAULT_VILLAGE[:8]
        assert rows["PKH"] == (kecamatan, region_name(kecamatan), "PKH", 2, 1, 1)
        assert rows["SEMBAKO"][3:] == (0, 1, 0)
    finally:
        export.discard()
