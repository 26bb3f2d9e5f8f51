"""The console's own pages (not scaffolded by sqladmin) apply the same column rules: nothing typed is cut."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import (
    Certificate,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintStatus,
    Decree,
    Meeting,
    MeetingKind,
    Proposal,
    ProposalStatus,
    Role,
)
from tests.conftest import log_in
from tests.console.form_posts import row_counts
from tests.console.test_decrees import PDF, _draft, _proposals, _signed_decree
from tests.console_client import ConsoleClient, read_csrf_token
from tests.factories import DEFAULT_VILLAGE, make_user, next_nik

ClientAs = Callable[[Role, str | None], ConsoleClient]


@pytest.fixture
def client_as(app: Starlette, db_session: Session) -> Iterator[ClientAs]:
    opened: list[ConsoleClient] = []

    def open_as(role: Role, scope: str | None) -> ConsoleClient:
        name = f"halaman_{role.value}_{len(opened)}"
        make_user(db_session, role, scope, username=name)
        db_session.commit()
        client = ConsoleClient(app, base_url="http://testserver")
        client.__enter__()
        opened.append(client)
        log_in(client, name)
        return client

    yield open_as
    for client in opened:
        client.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applicant_name", "a" * 121, "Nama pemohon: Paling banyak 120 karakter; terisi 121."),
        ("purpose", "b" * 201, "Keperluan: Paling banyak 200 karakter; terisi 201."),
        ("applicant_name", "Ahmad \u202eidamhA", "Nama pemohon: Berisi karakter pengatur arah teks"),
        ("nik", next_nik("52.72.01", date(1980, 5, 17), is_female=False) + "1", "16 digit"),
    ],
    ids=["name-121", "purpose-201", "name-with-rlo", "nik-of-17-digits"],
)
def test_the_certificate_desk_refuses_what_its_columns_cannot_hold_and_records_nothing(
    field: str, value: str, message: str, client_as: ClientAs, db_session: Session
) -> None:
    desk = client_as(Role.PETUGAS_LAYANAN, "52.72")
    page = desk.get("/admin/certificate/desk").text
    fields = {"nik": next_nik("52.72.01", date(1980, 5, 18), is_female=False), "applicant_name": "Pemohon"}
    counts = row_counts(db_session)

    response = desk.post("/admin/certificate/desk", data={**fields, "purpose": "", field: value})

    assert response.status_code == 422
    assert message in response.text
    assert row_counts(db_session) == counts
    assert "maxlength" not in page
    assert db_session.scalars(select(Certificate)).all() == []


def test_a_berita_acara_number_longer_than_its_column_is_refused_not_cut(
    client_as: ClientAs, db_session: Session
) -> None:
    meeting = Meeting(kind=MeetingKind.MUSDES, region_code=DEFAULT_VILLAGE, held_on=date(2026, 11, 2), place="Balai")
    db_session.add(meeting)
    db_session.commit()
    village = client_as(Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    assert "maxlength" not in village.get(f"/admin/meeting/musdes/{meeting.id}").text

    response = village.post(
        f"/admin/meeting/musdes/{meeting.id}/ba",
        data={"ba_number": "BA/" + "7" * 78},
        files={"ba_file": ("ba.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )

    assert response.status_code == 409
    assert "Nomor Berita Acara: Paling banyak 80 karakter; terisi 81." in response.text
    db_session.expire_all()
    assert (db_session.get(Meeting, meeting.id).ba_number, db_session.get(Meeting, meeting.id).ba_file_path) == (
        "",
        None,
    )


def test_a_decree_signed_on_an_implausible_date_is_refused_and_stays_a_draft(
    client_as: ClientAs, db_session: Session
) -> None:
    decree = _draft(db_session)
    decree.proposals = _proposals(db_session, ProposalStatus.IN_DECREE, 1)
    db_session.commit()
    district = client_as(Role.OPERATOR_DINSOS, "52.72")

    response = district.post(
        f"/admin/decree/annex/{decree.id}/sign",
        data={"number": "188.45/1/2009", "signed_on": "2009-12-31"},
        files={"scan": ("sk.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )

    assert response.status_code == 409
    assert "Tanggal penandatanganan: Tanggal harus antara 01-01-2010 dan" in response.text
    db_session.expire_all()
    assert not db_session.get(Decree, decree.id).is_signed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("letter_date", "1999-01-01", "Tanggal: Tanggal harus antara 01-01-2010 dan"),
        ("signer_name", "Kadis \u202eisnivorP", "Penandatangan: Berisi karakter pengatur arah teks"),
        ("number", "400/" + "9" * 77, "Nomor: Paling banyak 80 karakter; terisi 81."),
    ],
    ids=["letter-dated-1999", "signer-with-rlo", "number-81-characters"],
)
def test_a_forwarding_letter_with_a_field_its_column_refuses_forwards_nothing(
    field: str, value: str, message: str, client_as: ClientAs, db_session: Session
) -> None:
    proposals = _proposals(db_session, ProposalStatus.RATIFIED, 1)
    decree = _signed_decree(db_session, proposals)
    province = client_as(Role.OPERATOR_PROVINSI, "52")
    fields = {"number": "400/77/2026", "letter_date": "2026-11-20", "signer_name": "Kadis", "signer_title": "Kadis"}
    counts = row_counts(db_session)

    response = province.post(f"/admin/decree/forwarding/{decree.id}", data={**fields, field: value})

    assert response.status_code == 409
    assert message in response.text
    assert row_counts(db_session) == counts


def test_a_workflow_note_longer_than_its_column_is_refused_and_the_proposal_stays(
    client_as: ClientAs, db_session: Session
) -> None:
    [proposal] = _proposals(db_session, ProposalStatus.SUBMITTED, 1)
    district = client_as(Role.OPERATOR_DINSOS, "52.72")
    counts = row_counts(db_session)

    response = district.post(
        f"/admin/proposal/workflow/{proposal.id}/return_to_village",
        data={"note": "x" * 5001, "version": str(proposal.version)},
        follow_redirects=False,
    )

    assert response.status_code == 409
    assert "Catatan: Paling banyak 5000 karakter; terisi 5001." in response.text
    assert row_counts(db_session) == counts
    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED


def test_a_complaint_response_longer_than_its_column_is_refused_and_the_complaint_stays_open(
    client_as: ClientAs, db_session: Session
) -> None:
    complaint = Complaint(
        region_code="52.72",
        channel=ComplaintChannel.WALK_IN,
        complainant_name="Warga",
        category=ComplaintCategory.WRONGLY_EXCLUDED,
        description="Belum terdaftar.",
        status=ComplaintStatus.IN_PROGRESS,
    )
    db_session.add(complaint)
    db_session.commit()
    district = client_as(Role.OPERATOR_DINSOS, "52.72")

    response = district.post(f"/admin/complaint/handle/{complaint.id}/resolve", data={"text": "y" * 5001})

    assert response.status_code == 409
    assert "Tanggapan: Paling banyak 5000 karakter; terisi 5001." in response.text
    db_session.expire_all()
    assert db_session.get(Complaint, complaint.id).status == ComplaintStatus.IN_PROGRESS


def test_a_username_longer_than_any_account_is_refused_on_the_login_page_without_an_attempt(
    client: ConsoleClient, db_session: Session
) -> None:
    token = read_csrf_token(client.get("/admin/login").text)
    counts = row_counts(db_session)

    response = client.post("/admin/login", data={"username": "u" * 61, "password": "rahasia", "csrf_token": token})

    assert response.status_code == 400
    assert "Nama pengguna: Paling banyak 60 karakter; terisi 61." in response.text
    assert row_counts(db_session) == counts


def test_a_search_term_longer_than_100_characters_is_refused_not_cut(client_as: ClientAs, db_session: Session) -> None:
    admin = client_as(Role.ADMIN, None)
    assert 'id="search-input"' in admin.get("/admin/member/list").text
    assert "maxlength" not in admin.get("/admin/member/list").text

    response = admin.post("/admin/member/search", data={"term": "Siti " * 25})

    assert response.status_code == 200
    assert "Kata pencarian paling banyak 100 karakter; terisi 124." in response.text
    assert "?search=" not in str(response.url)
