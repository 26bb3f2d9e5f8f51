"""Downloads over HTTP: the recap's region and period, empty rosters, and exports past the sheet limit."""

from __future__ import annotations

import io

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import AuditAction, AuditEntry, Role
from models.determination import HouseholdPeriod
from models.household import DtksStatus, Household
from tests.console.test_exports import client_as
from tests.factories import DEFAULT_VILLAGE, make_household
from tests.reports.export_checks import OTHER_REGENCY_VILLAGE, data_rows, header_row, registered

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIBLING_KECAMATAN_VILLAGE = "52.72.02.1004"


def export_audits(session: Session) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT).order_by(AuditEntry.id))
    )


def recap_rows(body: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Rekap"]
    header = header_row(sheet, "KODE WILAYAH")
    headers = [cell.value for cell in sheet[header]]
    rows = data_rows(sheet, header, len(headers))
    return [dict(zip(headers, row, strict=True)) for row in rows if row[1] != "JUMLAH"]


def standing(session: Session, household: Household, period: str, status: DtksStatus, desil: int | None) -> None:
    session.add(
        HouseholdPeriod(
            household_id=household.id, period=period, dtks_status=status, desil=desil, region_code=household.region_code
        )
    )


@pytest.fixture
def three_kecamatan(db_session: Session) -> dict[str, Household]:
    """Kota Bima: a household registered in January (52.72.01), one registered in April and removed in October
    (52.72.02, with its per-period standing); Bulukumba: one registered in January."""
    january = registered(db_session)
    april = make_household(db_session, region_code=SIBLING_KECAMATAN_VILLAGE, dtks_status=DtksStatus.REMOVED)
    april.period = "2026-10"
    db_session.flush()
    standing(db_session, april, "2026-04", DtksStatus.REGISTERED, 2)
    standing(db_session, april, "2026-10", DtksStatus.REMOVED, None)
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    return {"january": january, "april": april}


def test_the_recap_holds_the_region_and_period_asked_within_the_users_scope(
    app: Starlette, db_session: Session, three_kecamatan: dict[str, Household]
) -> None:
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    dashboard = client.get("/admin/dashboard").text  # the roster's region/period form offers the recap too
    assert 'id="recap-filtered-download"' in dashboard
    assert 'formaction="http://testserver/admin/export/recap"' in dashboard

    def recap(query: str) -> list[dict]:
        response = client.get(f"/admin/export/recap{query}")
        assert response.status_code == 200 and response.headers["content-type"] == XLSX, response.text[:300]
        return recap_rows(response.content)

    now = recap("")
    assert [row["KODE WILAYAH"] for row in now] == ["52.72.01", "52.72.02"]
    assert now[1]["DIKELUARKAN DARI DTKS"] == 1 and now[1]["TERDAFTAR DI DTKS"] == 0
    july = recap("?period=2026-07")
    assert [(row["KODE WILAYAH"], row["TERDAFTAR DI DTKS"], row["DESIL 2"]) for row in july] == [
        ("52.72.01", 1, 0),
        ("52.72.02", 1, 1),  # registered in April with desil 2: still in the DTKS in July
    ]
    january = recap("?period=2026-01")
    assert [row["KODE WILAYAH"] for row in january] == ["52.72.01"]  # April's household had no standing yet
    kecamatan = recap("?region=52.72.02&period=2026-10")
    assert [(row["KODE WILAYAH"], row["DIKELUARKAN DARI DTKS"]) for row in kecamatan] == [
        (SIBLING_KECAMATAN_VILLAGE, 1)
    ]
    audits = export_audits(db_session)
    assert [audit.region_code for audit in audits] == ["52.72", "52.72", "52.72", "52.72.02"]
    assert audits[-1].after["export"] == "Rekap DTKS periode 2026-10"


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        (f"?region={OTHER_REGENCY_VILLAGE}", 404, ""),
        ("?region=73.02", 404, ""),
        ("?region=52.72.99", 404, ""),  # in scope by its code, but no such kecamatan
        ("?region=52-72", 400, "Kode wilayah tidak valid"),
        ("?region=52.72.01%00", 400, "Karakter tidak diizinkan"),  # the input guard answers first
        ("?period=2026-02", 400, "bulan 01, 04, 07 atau 10"),
        ("?period=26-01", 400, "bulan 01, 04, 07 atau 10"),
    ],
    ids=["village-of-another-regency", "another-regency", "unknown-kecamatan", "malformed", "nul", "month", "year"],
)
@pytest.mark.parametrize("download", ["recap", "roster"])
def test_a_region_outside_the_scope_answers_404_and_a_malformed_filter_400_in_indonesian(
    app: Starlette,
    db_session: Session,
    three_kecamatan: dict[str, Household],
    download: str,
    query: str,
    status: int,
    message: str,
) -> None:
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    response = client.get(f"/admin/export/{download}{query}")
    assert response.status_code == status
    assert message in response.text and "Bulukumba" not in response.text
    assert export_audits(db_session) == []


@pytest.mark.parametrize(
    ("download", "query", "message"),
    [
        ("roster", "?period=2025-10", "Daftar DTKS: tidak ada keluarga terdaftar DTKS di wilayah 52.72 (Kota Bima)"),
        ("roster", "?region=52.72.01.1002", "tidak ada keluarga terdaftar DTKS di wilayah 52.72.01.1002"),
        ("recap", "?region=52.72.03", "Rekap DTKS: tidak ada keluarga di wilayah 52.72.03"),
    ],
    ids=["period-before-any-determination", "village-without-households", "kecamatan-without-households"],
)
def test_an_empty_roster_or_recap_is_a_message_not_an_empty_file(
    app: Starlette, db_session: Session, three_kecamatan: dict[str, Household], download: str, query: str, message: str
) -> None:
    client = client_as(app, db_session, Role.KEPALA_DINAS, "52.72")
    response = client.get(f"/admin/export/{download}{query}")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and "tidak ada berkas yang dibuat" in response.text
    assert export_audits(db_session) == []


def test_a_roster_download_past_the_sheet_limit_holds_and_audits_every_row(
    app: Starlette, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    households = [registered(db_session) for _ in range(4)]  # 12 members
    db_session.commit()
    monkeypatch.setattr("reports.xlsx.SHEET_ROWS", 9)  # kop and header take 5 rows: 4 members a sheet
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    response = client.get(f"/admin/export/roster?region={DEFAULT_VILLAGE}&period=2026-01")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    # The printable sheets first (the same rows, reports/bnba_export.py), then the BNBA sheets read here.
    assert book.sheetnames == ["Daftar", "Daftar (2)", "Daftar (3)", "BNBA", "BNBA (2)", "BNBA (3)"]
    rows = [row for sheet in book.worksheets[3:] for row in data_rows(sheet, header_row(sheet), 22)]
    assert [row[0] for row in rows] == list(range(1, 13))
    assert [row[10] for row in rows] == [member.nik for household in households for member in household.members]
    [audit] = export_audits(db_session)
    assert (audit.after["rows"], audit.after["sheets"]) == (12, 3)
    assert audit.message.endswith(": 12 baris dalam 3 lembar")


def test_a_list_export_past_the_sheet_limit_continues_under_a_valid_sheet_name(
    app: Starlette, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(7):
        make_household(db_session)
    db_session.commit()
    monkeypatch.setattr("reports.xlsx.SHEET_ROWS", 6)  # title, line, header: 3 rows a sheet
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    response = client.get("/admin/household/export/xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Keluarga", "Keluarga (2)", "Keluarga (3)"]
    assert [sheet["A1"].value for sheet in book.worksheets] == ["KELUARGA"] * 3
    assert [sheet["A2"].value for sheet in book.worksheets] == [
        None,
        "(lanjutan dari lembar Keluarga)",
        "(lanjutan dari lembar Keluarga (2))",
    ]
    counts = [len(data_rows(sheet, 3, 3)) for sheet in book.worksheets]
    assert counts == [3, 3, 1]
    [audit] = export_audits(db_session)
    assert audit.after["rows"] == 7 and audit.after["sheets"] == 3
