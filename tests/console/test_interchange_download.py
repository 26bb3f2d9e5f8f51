"""The outgoing SIKS-NG file over HTTP (/admin/export/interchange): casbin, scope, ?decree=, masking, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import Decree, Household, Role
from models.proposal import ProposalStatus
from reports.bnba_sheet import read_sheet
from reports.interchange import INTERCHANGE_VERSION, PROPOSALS_OUT
from reports.xlsx_upload import UploadLimits
from tests.console.test_exports import XLSX, assert_download, client_as, export_audits
from tests.reports.export_checks import (
    OTHER_REGENCY_VILLAGE,
    assert_safe,
    decree_with,
    header_row,
    hostile_household,
    open_sheet,
    proposal_for,
)
from tests.reports.test_interchange_out import ratified_decree

S = ProposalStatus
URL = "/admin/export/interchange"
FILE = f"Usulan_SIKS-NG_v{INTERCHANGE_VERSION}"


def read_back(body: bytes) -> list[dict[str, object]]:
    parsed = read_sheet(body, UploadLimits(), PROPOSALS_OUT)
    assert parsed.errors == []
    return [row.values for row in parsed.rows]


@dataclass(frozen=True)
class World:
    first: Household  # ratified by the earlier SK of Kota Bima, forwarded since
    second: Household  # ratified by the later one
    theirs: Household  # Bulukumba's
    late: Decree
    other: Decree  # Bulukumba's SK
    draft: Decree  # Kota Bima's unsigned draft


@pytest.fixture
def two_regencies(db_session: Session) -> World:
    """Kota Bima with two signed SKs (a proposal each, three members) and a draft, Bulukumba with one SK."""
    first, second = hostile_household(db_session), hostile_household(db_session)
    theirs = hostile_household(db_session, region_code=OTHER_REGENCY_VILLAGE)
    ratified_decree(db_session, [first], status=S.FORWARDED, decree_date=date(2026, 2, 2))
    late, _ = ratified_decree(db_session, [second], number="400.9/30/Dinsos 2026")
    other, _ = ratified_decree(db_session, [theirs], regency="73.02", number="400/1/Bulukumba")
    draft = decree_with(db_session, [proposal_for(db_session, hostile_household(db_session), S.IN_DECREE)], number=None)
    db_session.commit()
    return World(first, second, theirs, late, other, draft)


def test_district_operator_downloads_the_regencys_file_audited(
    app: Starlette, db_session: Session, two_regencies: World
) -> None:
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    response = client.get(URL)

    body = assert_download(response, f"{FILE}_52.72.xlsx")
    assert response.headers["content-type"] == XLSX
    rows = read_back(body)
    first, second = two_regencies.first, two_regencies.second
    assert [row["nik"] for row in rows] == [m.nik for m in first.members] + [m.nik for m in second.members]
    assert {row["decree_number"] for row in rows} == {"400.9/12/Dinsos 2026", "400.9/30/Dinsos 2026"}
    assert {row["proposal_status"] for row in rows} == {S.FORWARDED, S.RATIFIED}
    assert_safe(open_sheet(body))
    [audit] = export_audits(db_session)
    assert (audit.object_type, audit.object_id, audit.region_code) == ("proposal", "52.72", "52.72")
    assert (audit.after["rows"], audit.after["file"]) == (6, f"{FILE}_52.72.xlsx")
    assert audit.after["export"] == f"Usulan SIKS-NG versi {INTERCHANGE_VERSION}"
    assert audit.actor_name.startswith("operator_dinsos")


def test_one_decree_by_query(app: Starlette, db_session: Session, two_regencies: World) -> None:
    late = two_regencies.late
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")

    body = assert_download(client.get(f"{URL}?decree={late.id}"), f"{FILE}_52.72_SK-400.9-30-Dinsos-2026.xlsx")

    assert {row["no_kk"] for row in read_back(body)} == {two_regencies.second.no_kk}
    [audit] = export_audits(db_session)
    assert (audit.object_type, audit.object_id, audit.after["rows"]) == ("decree", str(late.id), 3)
    assert client.get(f"{URL}?decree=").status_code == 200  # the form left empty: the whole region


def test_a_decree_outside_the_scope_unsigned_or_malformed_answers_404(
    app: Starlette, db_session: Session, two_regencies: World
) -> None:
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    other, draft = two_regencies.other, two_regencies.draft

    for asked in (other.id, draft.id, other.id + 1000, "abc", "-1", "1.5", "9" * 19):
        assert client.get(f"{URL}?decree={asked}").status_code == 404, asked
    assert export_audits(db_session) == []


def test_province_sees_its_regencies_masked_and_the_ministry_sees_all(
    app: Starlette, db_session: Session, two_regencies: World
) -> None:
    first, theirs = two_regencies.first, two_regencies.theirs
    province = client_as(app, db_session, Role.OPERATOR_PROVINSI, "52")  # no full NIK: masked
    rows = read_back(assert_download(province.get(URL), f"{FILE}_52.xlsx"))
    assert len(rows) == 6 and {row["region_code"] for row in rows} == {first.region_code}
    assert all("*" in str(row["nik"]) and "*" in str(row["no_kk"]) for row in rows)
    assert rows[0]["nik"] != first.members[0].nik
    assert province.get(f"{URL}?decree={two_regencies.late.id}").status_code == 200
    assert province.get(f"{URL}?decree={two_regencies.other.id}").status_code == 404

    ministry = client_as(app, db_session, Role.PUSDATIN, None)
    rows = read_back(assert_download(ministry.get(URL), f"{FILE}_nasional.xlsx"))
    assert len(rows) == 9 and theirs.no_kk in {row["no_kk"] for row in rows}
    assert [audit.region_code for audit in export_audits(db_session)] == ["52", "52.72", ""]


def test_roles_that_may_not_read_decrees_are_refused(app: Starlette, db_session: Session, two_regencies: World) -> None:
    for role, scope in (
        (Role.PETUGAS_LAYANAN, "52.72"),
        (Role.OPERATOR_DESA, "52.72.01.1001"),
        (Role.TKSK, "52.72.01"),
    ):
        assert client_as(app, db_session, role, scope).get(URL).status_code == 403, role
    assert export_audits(db_session) == []


def test_nothing_ratified_is_the_header_alone(app: Starlette, db_session: Session) -> None:
    decree_with(db_session, [proposal_for(db_session, hostile_household(db_session), S.IN_DECREE)], number=None)
    db_session.commit()
    client = client_as(app, db_session, Role.KABID, "52.72")

    sheet = open_sheet(assert_download(client.get(URL), f"{FILE}_52.72.xlsx"))

    header = header_row(sheet)
    assert tuple(cell.value for cell in sheet[header]) == PROPOSALS_OUT.headers
    assert sheet.max_row == header
    [audit] = export_audits(db_session)
    assert audit.after["rows"] == 0


def test_the_decree_list_offers_the_download(app: Starlette, db_session: Session) -> None:
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = client.get("/admin/decree/list").text
    assert "Unduh Usulan Terverifikasi SIKS-NG (.xlsx)" in page
    assert 'href="http://testserver/admin/export/interchange"' in page
