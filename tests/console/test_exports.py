"""The one-click downloads and the lists' .xlsx export over HTTP: buttons, casbin, scope, masking, audit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import AuditAction, AuditEntry, Role
from models.proposal import ProposalStatus
from reports.bnba import BNBA_HEADERS
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import DEFAULT_VILLAGE, make_household
from tests.reports.export_checks import (
    HOSTILE,
    OTHER_REGENCY_VILLAGE,
    assert_safe,
    assert_table_setup,
    data_rows,
    decree_with,
    header_row,
    hostile_household,
    meeting_with,
    open_sheet,
    proposal_for,
    registered,
)
from tests.reports.register_data import a_certificate

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_as(app: Starlette, session: Session, role: Role, scope: str | None) -> ConsoleClient:
    """A client (not entered) logged in as a new user of `role` in `scope`."""
    client = ConsoleClient(app, base_url="http://testserver")
    log_in_as_new_user(client, session, role, scope)
    return client


def export_audits(session: Session) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT).order_by(AuditEntry.id))
    )


def assert_download(response, filename: str) -> bytes:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == XLSX
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'
    return response.content


def test_district_operator_downloads_the_sk_annex_from_the_decree_page(app: Starlette, db_session: Session) -> None:
    household = hostile_household(db_session)
    decree = decree_with(db_session, [proposal_for(db_session, household, ProposalStatus.IN_DECREE)])
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = client.get(f"/admin/decree/details/{decree.id}")
    assert f'href="http://testserver/admin/export/sk-annex/{decree.id}"' in page.text
    assert "Unduh Lampiran SK (.xlsx)" in page.text
    body = assert_download(
        client.get(f"/admin/export/sk-annex/{decree.id}"), "Lampiran_SK_400.9-12-Dinsos-2026_02-03-2026.xlsx"
    )
    sheet = open_sheet(body)
    header = header_row(sheet)
    assert [cell.value for cell in sheet[header]] == list(BNBA_HEADERS)
    rows = data_rows(sheet, header, len(BNBA_HEADERS))
    assert [row[BNBA_HEADERS.index("NIK")] for row in rows] == [member.nik for member in household.members]
    assert_safe(sheet)
    assert_table_setup(sheet, header, "V")
    [audit] = export_audits(db_session)
    assert (audit.object_type, audit.object_id, audit.after["rows"]) == ("decree", str(decree.id), 3)
    assert audit.actor_name.startswith("operator_dinsos")
    f4 = open_sheet(client.get(f"/admin/export/sk-annex/{decree.id}?kertas=F4").content)
    assert f4.page_setup.paperSize == 14  # Excel's Folio 8.5 x 13 in, the F4 of Indonesian offices


def test_export_needs_the_right_to_read_what_is_exported(app: Starlette, db_session: Session) -> None:
    household = hostile_household(db_session)
    decree = decree_with(db_session, [proposal_for(db_session, household, ProposalStatus.IN_DECREE)])
    db_session.commit()
    client = client_as(app, db_session, Role.PETUGAS_LAYANAN, "52.72")  # may export, may not read decrees
    assert client.get(f"/admin/export/sk-annex/{decree.id}").status_code == 403
    assert "sk-annex-download" not in client.get(f"/admin/decree/annex/{decree.id}").text


def test_decree_of_another_regency_answers_404(app: Starlette, db_session: Session) -> None:
    household = hostile_household(db_session, region_code=OTHER_REGENCY_VILLAGE)
    decree = decree_with(db_session, [proposal_for(db_session, household, ProposalStatus.IN_DECREE)], regency="73.02")
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    assert client.get(f"/admin/export/sk-annex/{decree.id}").status_code == 404
    assert export_audits(db_session) == []


def test_role_without_export_permission_is_refused_and_sees_no_button(app: Starlette, db_session: Session) -> None:
    household = hostile_household(db_session)
    meeting = meeting_with(db_session, [proposal_for(db_session, household, ProposalStatus.IN_MUSDES)])
    db_session.commit()
    client = client_as(app, db_session, Role.TKSK, "52.72.01")  # reads meetings, exports nothing
    assert "musdes-annex-download" not in client.get(f"/admin/meeting/musdes/{meeting.id}").text
    assert client.get(f"/admin/export/musdes-annex/{meeting.id}").status_code == 403
    assert client.get("/admin/household/export/xlsx").status_code == 403
    assert export_audits(db_session) == []


def test_village_operator_downloads_the_musdes_annex_of_their_village_only(app: Starlette, db_session: Session) -> None:
    own = meeting_with(db_session, [proposal_for(db_session, hostile_household(db_session), ProposalStatus.IN_MUSDES)])
    neighbour = meeting_with(db_session, [], region_code="52.72.01.1002")
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    assert "musdes-annex-download" in client.get(f"/admin/meeting/musdes/{own.id}").text
    body = assert_download(
        client.get(f"/admin/export/musdes-annex/{own.id}"), "Lampiran_BA_Musdes_Paruga_10-02-2026.xlsx"
    )
    rows = data_rows(open_sheet(body), header_row(open_sheet(body)), len(BNBA_HEADERS))
    assert [row[-1] for row in rows] == ["Disetujui: -1"] * 3
    assert client.get(f"/admin/export/musdes-annex/{neighbour.id}").status_code == 404


def test_roster_and_recap_hold_only_the_users_region(app: Starlette, db_session: Session) -> None:
    mine = registered(db_session)
    registered(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    client = client_as(app, db_session, Role.KEPALA_DINAS, "52.72")  # no full NIK: masked
    dashboard = client.get("/admin/dashboard").text
    assert 'id="roster-download" method="GET"' in dashboard and 'name="period"' in dashboard
    assert client.get("/admin/export/roster?region=&period=").status_code == 200  # the form left empty
    assert "Unduh Daftar DTKS (.xlsx)" in client.get("/admin/household/list").text
    body = assert_download(client.get("/admin/export/roster?period=2026-01"), "DTKS_52.72_2026-01.xlsx")
    sheet = open_sheet(body)
    rows = data_rows(sheet, header_row(sheet), len(BNBA_HEADERS))
    assert len(rows) == 3 and {row[1] for row in rows} == {DEFAULT_VILLAGE}
    assert all(
        "*" in row[BNBA_HEADERS.index("NO KK")] and row[BNBA_HEADERS.index("NO KK")] != mine.no_kk for row in rows
    )
    assert client.get(f"/admin/export/roster?region={OTHER_REGENCY_VILLAGE}").status_code == 404
    assert client.get("/admin/export/roster?period=2026").status_code == 400
    assert client.get("/admin/export/roster?period=2026-02").status_code == 400  # not a determination quarter
    recap = open_sheet(client.get("/admin/export/recap").content, "Rekap")
    header = header_row(recap, "KODE WILAYAH")
    assert [row[0] for row in data_rows(recap, header, 3)] == ["52.72.01"]
    assert [audit.after["rows"] for audit in export_audits(db_session)] == [3, 3, 1]


def test_certificate_register_for_the_service_desk(app: Starlette, db_session: Session) -> None:
    a_certificate(db_session, "52.72", applicant_name=HOSTILE[0])
    a_certificate(db_session, "73.02")
    db_session.commit()
    client = client_as(app, db_session, Role.PETUGAS_LAYANAN, "52.72")
    assert "Unduh Register Surat Keterangan (.xlsx)" in client.get("/admin/certificate/list").text
    sheet = open_sheet(client.get("/admin/export/certificate-register").content)
    assert len(data_rows(sheet, header_row(sheet), 12)) == 1
    assert_safe(sheet)
    assert export_audits(db_session)[0].after["rows"] == 1


def test_list_export_is_the_filtered_scoped_masked_xlsx(app: Starlette, db_session: Session) -> None:
    kept = make_household(db_session, address=HOSTILE[0], rt="007")
    make_household(db_session, address="Jl. Lain", rt="008", region_code="52.72.01.1002")
    make_household(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    client = client_as(app, db_session, Role.KEPALA_DINAS, "52.72")
    listing = client.get(f"/admin/household/list?wilayah={DEFAULT_VILLAGE}")
    assert f'/admin/household/export/xlsx?wilayah={DEFAULT_VILLAGE}"' in listing.text.replace("&amp;", "&")
    response = client.get(f"/admin/household/export/xlsx?wilayah={DEFAULT_VILLAGE}")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    sheet = open_sheet(response.content)
    header = 3
    headers = [cell.value for cell in sheet[header] if cell.value]
    rows = data_rows(sheet, header, len(headers))
    assert len(rows) == 1
    kk = headers.index("No. KK")
    assert rows[0][kk] != kept.no_kk and rows[0][kk].startswith(kept.no_kk[:4]) and "*" in rows[0][kk]
    assert sheet.cell(header + 1, kk + 1).data_type == "s"
    assert_safe(sheet)
    [audit] = export_audits(db_session)
    assert audit.object_type == "household" and audit.after["rows"] == 1


def test_list_export_follows_the_search_kept_in_the_session(app: Starlette, db_session: Session) -> None:
    wanted = make_household(db_session)
    make_household(db_session)
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    found = client.post("/admin/household/search", data={"term": wanted.no_kk}, follow_redirects=False)
    query = found.headers["location"].split("?", 1)[1]
    assert wanted.no_kk not in query
    sheet = open_sheet(client.get(f"/admin/household/export/xlsx?{query}").content)
    headers = [cell.value for cell in sheet[3] if cell.value]
    rows = data_rows(sheet, 3, len(headers))
    assert [row[headers.index("No. KK")] for row in rows] == [wanted.no_kk]
