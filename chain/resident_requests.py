"""Usul and sanggah for an actor: the steps of models/resident_request_flow.py, evidence, and a complaint made one.

Each step is taken by a role casbin allows (`resident-request, action:<name>`) on a request inside the actor's
scope (NotFound outside), with an explicit audit entry (the trail is its history); the caller commits.

- `record_check` needs the household's verval visit made since the request was recorded (the field check is a
  visit on the same visit model), and writes what it found.
- `grant` writes a draft proposal in the family's village, linked to the request: an usul or a wrongly excluded
  family is a new proposal, a wrongly included family a removal (not eligible), wrong data a correction. The draft
  then takes the proposal chain (Musdes, verval, decree, the ministry); the family's standing changes when the SK
  Penetapan determines it.
- `answer` records the answer given to the resident, which closes the request.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record_transition
from chain.store import load_scoped
from chain.uploads import FileStore
from models import (
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    Household,
    Member,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    RemovalReason,
    Visit,
)
from models.base import regency_join, table_of, utc_now
from models.flow import FlowStep
from models.refusals import Conflict, Invalid, NotFound
from models.resident_request import (
    Dispute,
    RequestChannel,
    RequestEvidence,
    RequestKind,
    RequestStatus,
    ResidentRequest,
)
from models.resident_request_flow import GRANT, REQUEST_FLOW
from models.text import checked_text

RequestStep = FlowStep[RequestStatus]
CREATING = ("resident-request", "create")
EDITING = ("resident-request", "edit")
NO_VISIT = (
    "Belum ada kunjungan verval keluarga ini sejak usul/sanggah dicatat: catat kunjungan cek lapangan dulu "
    "(Alur Usulan > Kunjungan Verval), lalu hasilnya di sini."
)
CLOSED = "Usul/sanggah ini sudah dijawab; bukti tidak dapat ditambahkan lagi."
NOT_A_DISPUTE = (
    "Hanya pengaduan tentang kelayakan atau data keluarga (salah masuk, salah keluar, data salah) yang dapat "
    "menjadi sanggah."
)
NO_FAMILY = "Pengaduan ini tidak menyebut NIK anggota keluarga yang ada di register wilayah Anda."
ALREADY_SANGGAH = "Pengaduan ini sudah dijadikan sanggah #{request}."
DISPUTE_OF_CATEGORY = {
    ComplaintCategory.WRONGLY_EXCLUDED: Dispute.WRONGLY_EXCLUDED,
    ComplaintCategory.WRONGLY_INCLUDED: Dispute.WRONGLY_INCLUDED,
    ComplaintCategory.WRONG_DATA: Dispute.WRONG_DATA,
}
CHANNEL_OF_COMPLAINT = {
    ComplaintChannel.WALK_IN: RequestChannel.WALK_IN,
    ComplaintChannel.PHONE: RequestChannel.PHONE,
    ComplaintChannel.LETTER: RequestChannel.LETTER,
}


def load_request(session: Session, actor: Actor, pk: int) -> ResidentRequest:
    return load_scoped(session, actor, ResidentRequest, pk)


def offered_steps(actor: Actor, request: ResidentRequest) -> list[RequestStep]:
    return [step for step in REQUEST_FLOW.from_status(request.status) if actor.allows(*step.permission)]


def proposal_kind(request: ResidentRequest) -> ProposalKind:
    """The proposal a granted request becomes."""
    if request.kind is RequestKind.USUL or request.dispute is Dispute.WRONGLY_EXCLUDED:
        return ProposalKind.NEW
    if request.dispute is Dispute.WRONGLY_INCLUDED:
        return ProposalKind.REMOVE
    return ProposalKind.UPDATE


def perform(session: Session, actor: Actor, pk: int, action: str, *, text: str = "") -> RequestStep:
    """Take `action` on request `pk`: NotFound for an unknown action or out of scope, NotAllowed for the role,
    Conflict for the status or a missing visit, Invalid for a missing or bad text."""
    named = REQUEST_FLOW.any_step(action)
    if named is None:
        raise NotFound()
    actor.require(named.permission)
    label = named.needs_text or "Catatan"
    text = checked_text(table_of(ResidentRequest).c.answer, (text or "").strip(), label, Invalid)
    request = load_request(session, actor, pk)
    step = REQUEST_FLOW.step(action, request.status)
    if step is None:
        raise Conflict(
            f"Tindakan '{named.label}' tidak dapat dilakukan pada {request} berstatus '{request.status.label}'."
        )
    if step.needs_text and not text:
        raise Invalid(f"{step.needs_text} wajib diisi.", fields={"text": "wajib diisi"})
    before = {"status": request.status.value}
    if step.action == "record_check":
        _require_visit(session, request)
        request.field_finding = text
    elif step.action == GRANT:
        request.decision_note = text
        request.proposal_id = _draft_proposal(session, actor, request, text).id
    elif step.action == "refuse":
        request.decision_note = text
    elif step.action == "answer":
        request.answer, request.answered_at = text, utc_now()
    request.status = step.target
    after = {"status": request.status.value, "proposal_id": request.proposal_id}
    message = f"{step.label}: {request}" + (f": {text}" if text else ".")
    record_transition(session, request, message, before=before, after=after)
    return step


def _require_visit(session: Session, request: ResidentRequest) -> None:
    since = request.created_at.date()
    visit = session.scalar(
        select(Visit.id).where(Visit.household_id == request.household_id, Visit.visited_on >= since).limit(1)
    )
    if visit is None:
        raise Conflict(NO_VISIT)


def _draft_proposal(session: Session, actor: Actor, request: ResidentRequest, decision: str) -> Proposal:
    user = actor.require(CREATING)
    kind = proposal_kind(request)
    what = request.dispute.label if request.dispute is not None else "usul warga"
    now = utc_now()
    proposal = Proposal(
        kind=kind,
        household_id=request.household_id,
        region_code=request.region_code,
        reason=f"{request}: {what}. {decision}"[:2000],
        removal_reason=RemovalReason.NOT_ELIGIBLE if kind is ProposalKind.REMOVE else None,
        status=ProposalStatus.DRAFT,
        status_changed_at=now,
        created_by_id=user.id,
    )
    proposal.history.append(
        ProposalHistory(
            from_status=None,
            to_status=ProposalStatus.DRAFT,
            actor_id=user.id,
            actor_name=actor.name[:120],
            at=now,
            note=f"Dibuat dari {request} yang dikabulkan Dinas Sosial",
            region_code=request.region_code,
        )
    )
    session.add(proposal)
    session.flush()
    return proposal


def add_evidence(
    session: Session, actor: Actor, files: FileStore, pk: int, data: bytes, description: str = ""
) -> RequestEvidence:
    """Check and store a photo or scan (PDF, JPEG, PNG by content) and attach it to a request not yet answered."""
    user = actor.require(EDITING)
    request = load_request(session, actor, pk)
    if request.status is RequestStatus.ANSWERED:
        raise Conflict(CLOSED)
    description = checked_text(table_of(RequestEvidence).c.description, description.strip(), "Keterangan", Invalid)
    stored = files.store(data)  # only once the actor may add to this request
    evidence = RequestEvidence(
        request_id=request.id,
        region_code=request.region_code,
        file_path=stored.path,
        file_sha256=stored.sha256,
        description=description,
        uploaded_by_id=user.id,
    )
    session.add(evidence)
    session.flush()
    return evidence


def evidence_file(session: Session, actor: Actor, evidence_id: int) -> RequestEvidence:
    """An evidence row whose request the actor may see (NotFound otherwise)."""
    actor.require(("resident-request", "details"))
    evidence = session.get(RequestEvidence, evidence_id)
    if evidence is None:
        raise NotFound()
    load_request(session, actor, evidence.request_id)  # the request's scope decides
    return evidence


def from_complaint(session: Session, actor: Actor, complaint_id: int) -> ResidentRequest:
    """A sanggah made of a complaint about a family's standing or data; the complaint keeps its own flow."""
    user = actor.require(CREATING)
    complaint = load_scoped(session, actor, Complaint, complaint_id)
    dispute = DISPUTE_OF_CATEGORY.get(complaint.category)
    if dispute is None:
        raise Conflict(NOT_A_DISPUTE)
    taken = session.scalar(select(ResidentRequest.id).where(ResidentRequest.complaint_id == complaint.id))
    if taken is not None:
        raise Conflict(ALREADY_SANGGAH.format(request=taken))
    household = None
    if complaint.nik:
        household = session.scalar(
            select(Household)
            .join(Member, regency_join(Household, Member.household_id))
            .where(Member.nik == complaint.nik, actor.scope.condition(Household.region_code))
        )
    if household is None:
        raise Invalid(NO_FAMILY)
    request = ResidentRequest(
        kind=RequestKind.SANGGAH,
        channel=CHANNEL_OF_COMPLAINT.get(complaint.channel, RequestChannel.WALK_IN),
        household_id=household.id,
        region_code=household.region_code,
        dispute=dispute,
        resident_name=complaint.complainant_name,
        resident_contact=complaint.complainant_contact,
        statement=complaint.description,
        complaint_id=complaint.id,
        created_by_id=user.id,
    )
    session.add(request)
    try:
        session.flush()
    except IntegrityError as error:  # the same complaint made a sanggah by another official just now
        raise Conflict(ALREADY_SANGGAH.format(request="lain")) from error
    return request
