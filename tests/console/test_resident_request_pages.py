"""Usul dan Sanggah over HTTP: the create form (a sanggah names what it disputes), evidence uploaded and downloaded
behind the request's own checks, each step from the process page with CSRF, and a complaint made a sanggah."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    DtksStatus,
    Proposal,
    ProposalKind,
    RequestEvidence,
    RequestStatus,
    ResidentRequest,
    Role,
    Visit,
)
from tests.console.form_posts import create
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import DEFAULT_VILLAGE, make_household

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _token(page: str) -> str:
    token = _FORM_TOKEN.search(page)
    assert token is not None
    return token.group(1)


def _recorded(client: ConsoleClient, db_session: Session, household_id: int, **changes: str) -> ResidentRequest:
    form = {"kind": "sanggah", "channel": "cek_bansos", "household": str(household_id), "dispute": "salah_masuk",
            "resident_name": "Warga Paruga", "resident_contact": "0812", "statement": "Mobil.", **changes}  # fmt: skip
    assert create(client, "resident-request", form).status_code == 302
    db_session.expire_all()
    return db_session.scalars(select(ResidentRequest).order_by(ResidentRequest.id.desc())).first()  # type: ignore[return-value]


def test_the_village_records_a_sanggah_with_its_evidence(client: ConsoleClient, db_session: Session) -> None:
    family = make_household(db_session, members=2, dtks_status=DtksStatus.REGISTERED, desil=2)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)

    refused = create(client, "resident-request", {"kind": "sanggah", "channel": "surat", "household": str(family.id),
                                                   "dispute": "", "resident_name": "X", "statement": "Y"})  # fmt: skip
    assert refused.status_code == 400 and "wajib memilih apa yang disanggah" in refused.text
    request = _recorded(client, db_session, family.id)
    assert (request.status, request.region_code) == (RequestStatus.RECORDED, DEFAULT_VILLAGE)

    page = client.get(f"/admin/resident-request/process/{request.id}")
    assert page.status_code == 200 and 'id="evidence-form"' in page.text
    assert "Minta cek lapangan" not in page.text  # the district's step, not the village's
    uploaded = client.post(
        f"/admin/resident-request/evidence/{request.id}",
        data={"csrf_token": _token(page.text), "description": "Foto mobil di depan rumah"},
        files={"evidence": ("mobil.png", PNG, "image/png")},
    )
    assert uploaded.status_code == 200 and "Bukti tersimpan." in uploaded.text
    evidence = db_session.scalars(select(RequestEvidence)).one()
    download = client.get(f"/admin/resident-request/evidence-file/{evidence.id}")
    assert download.status_code == 200 and download.content == PNG
    exe = client.post(
        f"/admin/resident-request/evidence/{request.id}",
        data={"csrf_token": _token(page.text)},
        files={"evidence": ("foto.png", b"MZ\x90\x00 not an image", "image/png")},
    )
    assert exe.status_code == 400 and "hanya PDF, JPEG atau PNG" in exe.text
    assert db_session.scalar(select(func.count()).select_from(RequestEvidence)) == 1


def test_the_district_sends_the_tksk_checks_and_the_district_grants(client: ConsoleClient, db_session: Session) -> None:
    family = make_household(db_session, members=1, dtks_status=DtksStatus.REGISTERED, desil=2)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72", name="dinsos_sanggah")
    request = _recorded(client, db_session, family.id)
    page = client.get(f"/admin/resident-request/process/{request.id}")
    sent = client.post(
        f"/admin/resident-request/process/{request.id}/send_to_field", data={"csrf_token": _token(page.text)}
    )
    assert sent.status_code == 200 and "Minta cek lapangan: berhasil." in sent.text

    db_session.add(Visit(household_id=family.id, region_code=family.region_code, enumerator_name="TKSK",
                         visited_on=date.today()))  # fmt: skip
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.TKSK, "52.72.01")
    page = client.get(f"/admin/resident-request/process/{request.id}")
    checked = client.post(
        f"/admin/resident-request/process/{request.id}/record_check",
        data={"csrf_token": _token(page.text), "text": "Benar ada mobil pribadi."},
    )
    assert checked.status_code == 200 and "Benar ada mobil pribadi." in checked.text

    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = client.get(f"/admin/resident-request/process/{request.id}")
    assert f'Membuat usulan draf "{ProposalKind.REMOVE.label}"' in page.text
    granted = client.post(
        f"/admin/resident-request/process/{request.id}/grant",
        data={"csrf_token": _token(page.text), "text": "Tidak layak menurut cek lapangan."},
    )
    assert granted.status_code == 200 and 'id="request-proposal"' in granted.text
    db_session.expire_all()
    proposal = db_session.get_one(Proposal, db_session.get_one(ResidentRequest, request.id).proposal_id)
    assert (proposal.kind, proposal.household_id) == (ProposalKind.REMOVE, family.id)
    again = client.post(
        f"/admin/resident-request/process/{request.id}/grant", data={"csrf_token": _token(page.text), "text": "x"}
    )
    assert again.status_code == 409
    assert db_session.scalar(select(func.count()).select_from(Proposal)) == 1


def test_a_complaint_becomes_a_sanggah_from_its_handling_page(client: ConsoleClient, db_session: Session) -> None:
    family = make_household(db_session, members=1, dtks_status=DtksStatus.REGISTERED, desil=1)
    complaint = Complaint(region_code=DEFAULT_VILLAGE, channel=ComplaintChannel.WALK_IN, complainant_name="Tetangga",
                          nik=family.members[0].nik, category=ComplaintCategory.WRONGLY_INCLUDED,
                          description="Keluarga ini mampu.")  # fmt: skip
    db_session.add(complaint)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.PETUGAS_LAYANAN, "52.72")

    page = client.get(f"/admin/complaint/handle/{complaint.id}")
    assert page.status_code == 200 and 'id="to-sanggah-form"' in page.text
    made = client.post(f"/admin/complaint/to-sanggah/{complaint.id}", data={"csrf_token": _token(page.text)})

    assert made.status_code == 200 and "dijadikan sanggah" in made.text
    request = db_session.scalars(select(ResidentRequest)).one()
    assert (request.complaint_id, request.household_id) == (complaint.id, family.id)
    twice = client.post(f"/admin/complaint/to-sanggah/{complaint.id}", data={"csrf_token": _token(page.text)})
    assert twice.status_code == 409 and "sudah dijadikan sanggah" in twice.text


def test_the_official_who_recorded_a_request_is_kept(client: ConsoleClient, db_session: Session) -> None:
    family = make_household(db_session, members=1)
    db_session.commit()
    operator = log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    request = _recorded(client, db_session, family.id, kind="usul", dispute="")
    assert (request.created_by_id, request.dispute, request.kind.value) == (operator.id, None, "usul")
