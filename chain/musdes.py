"""The Musdes/Muskel agenda: proposals put on it, a decision per proposal, the signed BA, finalisation.

Each step asks the actor's casbin permission (`meeting`, `action:<name>`, and the proposal transition it
makes) and loads through their region scope; the proposal transitions go through chain/proposals.py
(history and audit alongside). The caller opened the transaction (`begin_write`) and commits
(`commit_or_conflict` with the proposal's `CHANGED_UNDER_YOU`). Finalising decides the whole agenda at once,
all or nothing; a finalised meeting no longer changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, selectinload

from chain.actor import Actor
from chain.proposals import apply_recorded, load_proposal, permission
from chain.store import load_scoped
from chain.uploads import FileStore, StoredFile, stored_download
from models import Meeting, MeetingDecision, Proposal, ProposalStatus
from models.finality import MEETING_FINAL
from models.meeting import Decision
from models.text import checked_text
from models.workflow import TransitionRefused

RESOURCE = "meeting"
DETAILS = (RESOURCE, "details")
# casbin actions on the `meeting` resource: the steps of the agenda page
AGENDA = "action:agenda"
DECIDE = "action:decide"
UPLOAD_BA = "action:upload_ba"
FINALISE = "action:finalise"
STEPS = (AGENDA, DECIDE, UPLOAD_BA, FINALISE)
ADD_PARTICIPANT = ("meeting-participant", "create")
ALREADY_FINAL = MEETING_FINAL  # the finality rule's own message (models/finality.py)
_DECISIONS = {decision.value: decision for decision in Decision}  # as the agenda form sends them

_AGENDA_READS = (
    selectinload(Meeting.participants),
    selectinload(Meeting.decisions).selectinload(MeetingDecision.proposal).selectinload(Proposal.household),
)


@dataclass(frozen=True)
class AgendaPage:
    """A meeting as its agenda page shows it: what is on it, what may join it, what still blocks it."""

    meeting: Meeting
    candidates: list[Proposal]
    problems: list[str]
    steps: frozenset[str]  # the meeting steps this actor may take now (none once final)
    may_add_participant: bool

    def offers(self, step: str) -> bool:
        return step in self.steps


def load_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting inside the actor's scope, with participants and agenda; NotFound when out of scope."""
    return load_scoped(session, actor, Meeting, meeting_id, *_AGENDA_READS)


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


def agenda_page(session: Session, actor: Actor, meeting_id: int) -> AgendaPage:
    """The agenda page of a meeting for this actor (who must see meetings), with the steps they may take."""
    actor.require(DETAILS)
    meeting = load_meeting(session, actor, meeting_id)
    final = meeting.is_final
    return AgendaPage(
        meeting=meeting,
        candidates=[] if final else draft_candidates(session, meeting),
        problems=finalisation_problems(meeting),
        steps=frozenset() if final else frozenset(step for step in STEPS if actor.allows(RESOURCE, step)),
        may_add_participant=not final and actor.allows(*ADD_PARTICIPANT),
    )


def _open_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    meeting = load_meeting(session, actor, meeting_id)
    if meeting.is_final:
        raise TransitionRefused(ALREADY_FINAL)
    return meeting


def add_to_agenda(session: Session, actor: Actor, meeting_id: int, proposal_ids: Iterable[int]) -> int:
    """Put draft proposals of the meeting's village on its agenda (put_on_agenda each); returns how many."""
    actor.require((RESOURCE, AGENDA), permission("put_on_agenda"))
    ids = sorted(set(proposal_ids))
    if not ids:
        raise TransitionRefused("Pilih paling sedikit satu usulan untuk dimasukkan ke agenda.")
    meeting = _open_meeting(session, actor, meeting_id)
    for proposal_id in ids:
        proposal = load_proposal(session, actor, proposal_id)
        if proposal.region_code != meeting.region_code:
            raise TransitionRefused(f"Usulan #{proposal.id} bukan usulan desa/kelurahan musyawarah ini.")
        if any(decision.meeting_id == meeting.id for decision in proposal.decisions):
            raise TransitionRefused(f"Usulan #{proposal.id} sudah ada dalam agenda ini.")
        session.add(MeetingDecision(meeting=meeting, proposal=proposal, region_code=meeting.region_code))
        session.flush()
        session.expire(proposal, ["decisions"])  # Proposal.decisions is view-only: read it again
        apply_recorded(session, actor, proposal, "put_on_agenda", note=f"Agenda {meeting}")
    return len(ids)


def record_decisions(session: Session, actor: Actor, meeting_id: int, decisions: Mapping[int, tuple[str, str]]) -> None:
    """Record the decision ('setuju' / 'tolak' / '' for none yet) and note of agenda items, by decision id."""
    actor.require((RESOURCE, DECIDE))
    meeting = _open_meeting(session, actor, meeting_id)
    for item in meeting.decisions:
        if item.id not in decisions:
            continue
        value, note = decisions[item.id]
        if value and value not in _DECISIONS:
            raise TransitionRefused(f"Keputusan untuk usulan #{item.proposal_id} tidak dikenal.")
        item.decision = _DECISIONS[value] if value else None
        label = f"Catatan usulan #{item.proposal_id}"
        item.note = checked_text(inspect(MeetingDecision).columns.note, note.strip(), label, TransitionRefused)


def attach_ba(
    session: Session, actor: Actor, files: FileStore, meeting_id: int, *, ba_number: str, scan: bytes
) -> StoredFile:
    """Store the signed BA scan (UploadRefused when not acceptable) and record it with its number."""
    actor.require((RESOURCE, UPLOAD_BA))
    stored = files.store(scan)
    number = ba_number.strip()
    if not number:
        raise TransitionRefused("Nomor Berita Acara wajib diisi.")
    checked_text(inspect(Meeting).columns.ba_number, number, "Nomor Berita Acara", TransitionRefused)
    meeting = _open_meeting(session, actor, meeting_id)
    meeting.ba_number = number
    meeting.ba_file_path = stored.path
    meeting.ba_file_sha256 = stored.sha256
    return stored


def finalise(session: Session, actor: Actor, meeting_id: int) -> int:
    """Finalise the meeting and decide its whole agenda (musdes_agree / musdes_reject), all or nothing."""
    user = actor.require((RESOURCE, FINALISE), permission("musdes_agree"), permission("musdes_reject"))
    meeting = _open_meeting(session, actor, meeting_id)
    problems = finalisation_problems(meeting)
    if problems:
        raise TransitionRefused(" ".join(problems))
    meeting.finalised_at = datetime.now(UTC)
    meeting.finalised_by_id = user.id
    for item in list(meeting.decisions):
        proposal = load_proposal(session, actor, item.proposal_id)
        action = "musdes_agree" if item.decision == Decision.AGREED else "musdes_reject"
        apply_recorded(session, actor, proposal, action, note=item.note)
    return len(meeting.decisions)


def signed_ba(session: Session, actor: Actor, meeting_id: int) -> tuple[str, str]:
    """The stored path of a meeting's signed BA and a download name; NotFound out of scope or without one."""
    actor.require(DETAILS)
    meeting = load_meeting(session, actor, meeting_id)
    return stored_download(meeting.ba_file_path, f"berita-acara-{meeting.id}")
