"""Usul and sanggah through the core: field check on a visit, the district's decision making a draft proposal of
the right kind, the answer, evidence stored by content, a complaint made a sanggah; refusals change nothing."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.resident_requests import (
    ALREADY_SANGGAH,
    CLOSED,
    NO_FAMILY,
    NO_VISIT,
    NOT_A_DISPUTE,
    add_evidence,
    from_complaint,
    perform,
)
from chain.store import write_transaction
from chain.uploads import FileStore, UploadRefused
from console.database import make_session_factory
from models import (
    AuditEntry,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    Dispute,
    DtksStatus,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RemovalReason,
    RequestChannel,
    RequestEvidence,
    RequestKind,
    RequestStatus,
    ResidentRequest,
    Role,
    User,
    Visit,
)
from models.refusals import Conflict, Invalid, NotAllowed, NotFound
from tests.factories import DEFAULT_VILLAGE, make_household, make_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
OTHER_REGENCY_VILLAGE = "52.71.02.1001"


def _run(db_session: Session, user: User, work: Callable[[Session, Actor], Any]) -> Any:
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    db_session.rollback()
    result = run_as(user, lambda: write_transaction(make_session_factory(bind), lambda s: work(s, actor)))
    db_session.expire_all()
    return result


@pytest.fixture
def officials(db_session: Session) -> dict[Role, User]:
    users = {
        Role.OPERATOR_DESA: make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE),
        Role.OPERATOR_DINSOS: make_user(db_session, Role.OPERATOR_DINSOS, "52.72"),
        Role.TKSK: make_user(db_session, Role.TKSK, "52.72.01"),
        Role.PETUGAS_LAYANAN: make_user(db_session, Role.PETUGAS_LAYANAN, "52.72"),
        Role.KABID: make_user(db_session, Role.KABID, "52.72"),
    }
    db_session.commit()
    return users


def _sanggah(session: Session, dispute: Dispute | None, kind: RequestKind = RequestKind.SANGGAH) -> ResidentRequest:
    status = DtksStatus.REGISTERED if dispute is Dispute.WRONGLY_INCLUDED else DtksStatus.NOT_REGISTERED
    household = make_household(session, members=2, dtks_status=status, desil=3 if dispute else None)
    request = ResidentRequest(
        kind=kind, channel=RequestChannel.CEK_BANSOS, household_id=household.id, region_code=household.region_code,
        dispute=dispute, resident_name="Warga Pelapor", statement="Keluarga ini memiliki mobil dan toko.",
    )  # fmt: skip
    session.add(request)
    session.commit()
    return request


def _visit(session: Session, request: ResidentRequest, on: date | None = None) -> None:
    session.add(
        Visit(household_id=request.household_id, region_code=request.region_code, enumerator_name="Pendamping",
              visited_on=on or date.today())
    )  # fmt: skip
    session.commit()


@pytest.mark.parametrize(
    ("kind", "dispute", "proposal_kind"),
    [
        (RequestKind.SANGGAH, Dispute.WRONGLY_INCLUDED, ProposalKind.REMOVE),
        (RequestKind.SANGGAH, Dispute.WRONGLY_EXCLUDED, ProposalKind.NEW),
        (RequestKind.SANGGAH, Dispute.WRONG_DATA, ProposalKind.UPDATE),
        (RequestKind.USUL, None, ProposalKind.NEW),
    ],
)
def test_a_request_is_checked_decided_into_a_draft_proposal_and_answered(
    db_session: Session,
    officials: dict[Role, User],
    kind: RequestKind,
    dispute: Dispute | None,
    proposal_kind: ProposalKind,
) -> None:
    request = _sanggah(db_session, dispute, kind)
    dinsos, tksk, desk = officials[Role.OPERATOR_DINSOS], officials[Role.TKSK], officials[Role.PETUGAS_LAYANAN]

    _run(db_session, dinsos, lambda s, a: perform(s, a, request.id, "send_to_field"))
    with pytest.raises(Conflict, match=re.escape(NO_VISIT)):
        _run(db_session, tksk, lambda s, a: perform(s, a, request.id, "record_check", text="Dicek"))
    _visit(db_session, request)
    _run(db_session, tksk, lambda s, a: perform(s, a, request.id, "record_check", text="Ada mobil dan toko."))
    _run(db_session, dinsos, lambda s, a: perform(s, a, request.id, "grant", text="Sesuai hasil cek lapangan."))
    _run(db_session, desk, lambda s, a: perform(s, a, request.id, "answer", text="Usulan diteruskan ke Musdes."))

    done = db_session.get_one(ResidentRequest, request.id)
    assert done.status == RequestStatus.ANSWERED and done.answered_at is not None
    assert (done.field_finding, done.decision_note) == ("Ada mobil dan toko.", "Sesuai hasil cek lapangan.")
    assert done.proposal_id is not None
    proposal = db_session.get_one(Proposal, done.proposal_id)
    assert (proposal.kind, proposal.status, proposal.household_id) == (proposal_kind, ProposalStatus.DRAFT,
                                                                     request.household_id)  # fmt: skip
    assert proposal.removal_reason == (RemovalReason.NOT_ELIGIBLE if proposal_kind is ProposalKind.REMOVE else None)
    assert proposal.history[0].note == f"Dibuat dari {done} yang dikabulkan Dinas Sosial"
    steps = db_session.scalars(
        select(AuditEntry.message).where(
            AuditEntry.object_type == "resident_request", AuditEntry.action == "transition"
        )
    ).all()
    assert len(steps) == 4


def test_refusals_of_the_flow_change_nothing(db_session: Session, officials: dict[Role, User]) -> None:
    request = _sanggah(db_session, Dispute.WRONGLY_INCLUDED)
    dinsos, kabid, village = officials[Role.OPERATOR_DINSOS], officials[Role.KABID], officials[Role.OPERATOR_DESA]
    with pytest.raises(NotAllowed):
        _run(db_session, kabid, lambda s, a: perform(s, a, request.id, "send_to_field"))
    with pytest.raises(Conflict):
        _run(db_session, dinsos, lambda s, a: perform(s, a, request.id, "grant", text="x"))  # not checked yet
    with pytest.raises(NotFound):
        _run(db_session, dinsos, lambda s, a: perform(s, a, request.id, "no_such_step"))
    _run(db_session, dinsos, lambda s, a: perform(s, a, request.id, "send_to_field"))
    _visit(db_session, request)
    with pytest.raises(Invalid):
        _run(db_session, officials[Role.TKSK], lambda s, a: perform(s, a, request.id, "record_check", text="  "))
    with pytest.raises(NotAllowed):
        _run(db_session, village, lambda s, a: perform(s, a, request.id, "record_check", text="x"))
    assert db_session.get_one(ResidentRequest, request.id).status == RequestStatus.FIELD_CHECK
    assert db_session.scalar(select(func.count()).select_from(Proposal)) == 0
    outsider = make_user(db_session, Role.OPERATOR_DINSOS, "52.71")
    db_session.commit()
    with pytest.raises(NotFound):
        _run(db_session, outsider, lambda s, a: perform(s, a, request.id, "refuse", text="x"))


def test_evidence_is_stored_by_content_until_the_request_is_answered(
    db_session: Session, officials: dict[Role, User], tmp_path: Path
) -> None:
    request = _sanggah(db_session, Dispute.WRONGLY_INCLUDED)
    files = FileStore(tmp_path, 1024 * 1024)
    village = officials[Role.OPERATOR_DESA]

    evidence_id = _run(db_session, village, lambda s, a: add_evidence(s, a, files, request.id, PNG, "Foto mobil").id)
    stored = db_session.get_one(RequestEvidence, evidence_id)
    assert stored.file_path.endswith(".png") and (tmp_path / stored.file_path).read_bytes() == PNG
    with pytest.raises(UploadRefused):
        _run(db_session, village, lambda s, a: add_evidence(s, a, files, request.id, b"MZ\x90 exe", "Bukan foto"))
    request.status = RequestStatus.ANSWERED
    db_session.commit()
    with pytest.raises(Conflict, match=re.escape(CLOSED)):
        _run(db_session, village, lambda s, a: add_evidence(s, a, files, request.id, PNG, "Terlambat"))
    assert db_session.scalar(select(func.count()).select_from(RequestEvidence)) == 1


def test_a_complaint_about_a_familys_standing_becomes_a_sanggah_once(
    db_session: Session, officials: dict[Role, User]
) -> None:
    household = make_household(db_session, members=2, dtks_status=DtksStatus.REGISTERED, desil=2)
    nik = household.members[0].nik

    def complaint(category: ComplaintCategory, nik: str | None) -> Complaint:
        made = Complaint(region_code=DEFAULT_VILLAGE, channel=ComplaintChannel.PHONE, complainant_name="Pengadu",
                         nik=nik, category=category, description="Tetangga mampu tetapi menerima bantuan.")  # fmt: skip
        db_session.add(made)
        db_session.commit()
        return made

    about = complaint(ComplaintCategory.WRONGLY_INCLUDED, nik)
    desk = officials[Role.PETUGAS_LAYANAN]
    request_id = _run(db_session, desk, lambda s, a: from_complaint(s, a, about.id).id)

    made = db_session.get_one(ResidentRequest, request_id)
    assert (made.kind, made.dispute, made.channel) == (
        RequestKind.SANGGAH,
        Dispute.WRONGLY_INCLUDED,
        RequestChannel.PHONE,
    )
    assert (made.household_id, made.complaint_id, made.status) == (household.id, about.id, RequestStatus.RECORDED)
    with pytest.raises(Conflict, match=re.escape(ALREADY_SANGGAH.format(request=request_id))):
        _run(db_session, desk, lambda s, a: from_complaint(s, a, about.id))
    service = complaint(ComplaintCategory.SERVICE, nik)
    with pytest.raises(Conflict, match=re.escape(NOT_A_DISPUTE)):
        _run(db_session, desk, lambda s, a: from_complaint(s, a, service.id))
    nameless = complaint(ComplaintCategory.WRONG_DATA, None)
    with pytest.raises(Invalid, match=re.escape(NO_FAMILY)):
        _run(db_session, desk, lambda s, a: from_complaint(s, a, nameless.id))
    assert db_session.scalar(select(func.count()).select_from(ResidentRequest)) == 1
