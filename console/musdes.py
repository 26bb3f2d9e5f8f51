"""The Musdes/Muskel agenda: proposals put on it, a decision per proposal, the signed BA, finalisation.

Each change is one transaction through the user's casbin permission (`meeting`, `action:<name>`) and region
scope; the proposal transitions go through console/workflow.apply_recorded (history and audit alongside).
Finalising decides the whole agenda at once, all or nothing; a finalised meeting no longer changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from chain.store import begin_write
from console.authorization import current_user, may
from console.uploads import StoredFile
from console.workflow import CHANGED_UNDER_YOU, apply_recorded, load_proposal
from models import Meeting, MeetingDecision, Proposal, ProposalStatus
from models.finality import MEETING_FINAL
from models.meeting import Decision
from models.text import checked_text
from models.workflow import BY_ACTION, TransitionRefused
from policies.scope import Scope

# casbin actions on the `meeting` resource
AGENDA = "action:agenda"
DECIDE = "action:decide"
UPLOAD_BA = "action:upload_ba"
FINALISE = "action:finalise"
ALREADY_FINAL = MEETING_FINAL  # the finality rule's own message (models/finality.py)


def require(request: Request, action: str) -> None:
    """403 unless the user's role may take `action` on meetings."""
    if current_user(request) is None or not may(request, "meeting", action):
        raise HTTPException(status_code=403)


def load_meeting(session: Session, request: Request, meeting_id: int) -> Meeting:
    """The meeting through the user's scope, with participants and agenda; 404 when out of scope."""
    user = current_user(request)
    scope = Scope.of(user) if user is not None else Scope(None, valid=False)
    meeting = session.scalar(
        select(Meeting)
        .where(Meeting.id == meeting_id, scope.condition(Meeting.region_code))
        .options(
            selectinload(Meeting.participants),
            selectinload(Meeting.decisions).selectinload(MeetingDecision.proposal).selectinload(Proposal.household),
        )
    )
    if meeting is None:
        raise HTTPException(status_code=404)
    return meeting


def draft_candidates(session: Session, meeting: Meeting) -> list[Proposal]:
    """Draft proposals of the meeting's own village not yet on its agenda."""
    on_agenda = {decision.proposal_id for decision in meeting.decisions}
    proposals = session.scalars(
        select(Proposal)
        .where(Proposal.region_code == meeting.region_code, Proposal.status == ProposalStatus.DRAFT)
        .options(selectinload(Proposal.household))
        .order_by(Proposal.id)
    ).all()
    return [proposal for proposal in proposals if proposal.id not in on_agenda]


def _open_meeting(session: Session, request: Request, meeting_id: int) -> Meeting:
    begin_write(session)
    meeting = load_meeting(session, request, meeting_id)
    if meeting.is_final:
        raise TransitionRefused(ALREADY_FINAL)
    return meeting


def _commit(session: Session) -> None:
    try:
        session.commit()
    except StaleDataError as error:
        session.rollback()
        raise TransitionRefused(CHANGED_UNDER_YOU) from error


def add_to_agenda(
    session_factory: sessionmaker[Session], request: Request, meeting_id: int, proposal_ids: Iterable[int]
) -> int:
    """Put draft proposals of the meeting's village on its agenda (put_on_agenda each); returns how many."""
    require(request, AGENDA)
    if not may(request, "proposal", BY_ACTION["put_on_agenda"].permission):
        raise HTTPException(status_code=403)
    ids = sorted(set(proposal_ids))
    if not ids:
        raise TransitionRefused("Pilih paling sedikit satu usulan untuk dimasukkan ke agenda.")
    with session_factory() as session:
        meeting = _open_meeting(session, request, meeting_id)
        for proposal_id in ids:
            proposal = load_proposal(session, request, proposal_id)
            if proposal.region_code != meeting.region_code:
                raise TransitionRefused(f"Usulan #{proposal.id} bukan usulan desa/kelurahan musyawarah ini.")
            if any(decision.meeting_id == meeting.id for decision in proposal.decisions):
                raise TransitionRefused(f"Usulan #{proposal.id} sudah ada dalam agenda ini.")
            session.add(MeetingDecision(meeting=meeting, proposal=proposal, region_code=meeting.region_code))
            session.flush()
            session.expire(proposal, ["decisions"])  # Proposal.decisions is view-only: read it again
            apply_recorded(session, request, proposal, "put_on_agenda", note=f"Agenda {meeting}")
        _commit(session)
    return len(ids)


def record_decisions(
    session_factory: sessionmaker[Session],
    request: Request,
    meeting_id: int,
    decisions: dict[int, tuple[str, str]],
) -> None:
    """Record the decision ('setuju' / 'tolak' / '' for none yet) and note of agenda items, by decision id."""
    require(request, DECIDE)
    with session_factory() as session:
        meeting = _open_meeting(session, request, meeting_id)
        for item in meeting.decisions:
            if item.id not in decisions:
                continue
            value, note = decisions[item.id]
            try:
                item.decision = Decision(value) if value else None
            except ValueError as error:
                raise TransitionRefused(f"Keputusan untuk usulan #{item.proposal_id} tidak dikenal.") from error
            label = f"Catatan usulan #{item.proposal_id}"
            item.note = checked_text(MeetingDecision.__table__.c.note, note.strip(), label, TransitionRefused)
        _commit(session)


def attach_ba(
    session_factory: sessionmaker[Session], request: Request, meeting_id: int, ba_number: str, stored: StoredFile
) -> None:
    """Record the signed BA (already stored by console/uploads.py) and its number on an open meeting."""
    require(request, UPLOAD_BA)
    number = ba_number.strip()
    if not number:
        raise TransitionRefused("Nomor Berita Acara wajib diisi.")
    checked_text(Meeting.__table__.c.ba_number, number, "Nomor Berita Acara", TransitionRefused)
    with session_factory() as session:
        meeting = _open_meeting(session, request, meeting_id)
        meeting.ba_number = number
        meeting.ba_file_path = stored.path
        meeting.ba_file_sha256 = stored.sha256
        _commit(session)


def finalisation_problems(meeting: Meeting) -> list[str]:
    """Why the meeting cannot be finalised yet (empty when it can), in Bahasa Indonesia."""
    problems = []
    if not meeting.ba_file_sha256:
        problems.append("Berita Acara yang ditandatangani belum diunggah.")
    if not meeting.ba_number.strip():
        problems.append("Nomor Berita Acara belum diisi.")
    if not meeting.decisions:
        problems.append("Agenda musyawarah masih kosong.")
    undecided = [f"#{item.proposal_id}" for item in meeting.decisions if item.decision is None]
    if undecided:
        problems.append(f"Usulan belum diputuskan: {', '.join(undecided)}.")
    unexplained = [
        f"#{item.proposal_id}"
        for item in meeting.decisions
        if item.decision == Decision.REJECTED and not item.note.strip()
    ]
    if unexplained:
        problems.append(f"Usulan yang ditolak wajib diberi alasan pada catatan: {', '.join(unexplained)}.")
    return problems


def finalise(session_factory: sessionmaker[Session], request: Request, meeting_id: int) -> int:
    """Finalise the meeting and decide its whole agenda (musdes_agree / musdes_reject), all or nothing."""
    require(request, FINALISE)
    for action in ("musdes_agree", "musdes_reject"):
        if not may(request, "proposal", BY_ACTION[action].permission):
            raise HTTPException(status_code=403)
    user = current_user(request)
    assert user is not None  # require() refused anonymous users
    with session_factory() as session:
        meeting = _open_meeting(session, request, meeting_id)
        problems = finalisation_problems(meeting)
        if problems:
            raise TransitionRefused(" ".join(problems))
        meeting.finalised_at = datetime.now(UTC)
        meeting.finalised_by_id = user.id
        for item in list(meeting.decisions):
            proposal = load_proposal(session, request, item.proposal_id)
            action = "musdes_agree" if item.decision == Decision.AGREED else "musdes_reject"
            apply_recorded(session, request, proposal, action, note=item.note)
        _commit(session)
        return len(meeting.decisions)
