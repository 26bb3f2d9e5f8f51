"""Performing a proposal transition for a request: permission, scope, freshness, then one transaction.

The rules of the chain are models/workflow.py; this module adds what only the request knows: the user's
casbin permission for the transition, their region scope, the version of the proposal they saw, and
the audit row. Two officials acting on the same proposal: the version check (and SQLAlchemy's version
counter under it) lets exactly one win; the other is told the data changed and nothing of theirs stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from chain.audit import record
from chain.store import begin_write
from console.authorization import current_user, may
from models import AuditAction, Household, MeetingDecision, Proposal, ProposalHistory, ProposalStatus
from models.finality import RecordFixed
from models.text import checked_text
from models.workflow import BY_ACTION, Transition, TransitionInput, TransitionRefused, apply_transition
from policies.scope import Scope

CHANGED_UNDER_YOU = (
    "Data usulan ini sudah diubah oleh petugas lain sejak halaman Anda dibuka. Tindakan Anda tidak "
    "diterapkan; muat ulang halaman untuk melihat status terbaru."
)


@dataclass(frozen=True)
class Outcome:
    """What a performed transition did, for the page that answers it."""

    proposal_id: int
    source: ProposalStatus
    target: ProposalStatus
    version: int


def load_proposal(session: Session, request: Request, proposal_id: int) -> Proposal:
    """The proposal through the user's scope, with what the preconditions read; 404 when out of scope."""
    user = current_user(request)
    scope = Scope.of(user) if user is not None else Scope(None, valid=False)
    statement = (
        select(Proposal)
        .where(Proposal.id == proposal_id, scope.condition(Proposal.region_code))
        .options(
            selectinload(Proposal.decisions).selectinload(MeetingDecision.meeting),
            selectinload(Proposal.visits),
            selectinload(Proposal.decrees),
            selectinload(Proposal.history),
            selectinload(Proposal.household).selectinload(Household.visits),
        )
    )
    proposal = session.scalar(statement)
    if proposal is None:
        raise HTTPException(status_code=404)
    return proposal


def offered_transitions(request: Request, proposal: Proposal) -> list[Transition]:
    """The transitions this user may take on this proposal now (status and casbin; preconditions later)."""
    user = current_user(request)
    if user is None:
        return []
    return [
        transition
        for transition in BY_ACTION.values()
        if transition.source == proposal.status and may(request, "proposal", transition.permission)
    ]


def apply_recorded(session: Session, request: Request, proposal: Proposal, action: str, *, note: str) -> Transition:
    """Apply one transition to a loaded proposal and write its audit row, in the caller's transaction.

    For callers that move proposals as part of a bigger change (a Musdes agenda, its finalisation): they
    check the casbin permission and the scope, and commit (or roll back) everything together.
    """
    user = current_user(request)
    transition = BY_ACTION.get(action)
    if user is None or transition is None:
        raise HTTPException(status_code=404)
    # The note becomes the history row's note (and a return's reason): that column's text rule, never cut.
    checked_text(ProposalHistory.__table__.c.note, note.strip(), "Catatan", TransitionRefused)
    source, version = proposal.status, proposal.version
    apply_transition(
        proposal, action, role=user.role, actor_id=user.id, actor_name=user.full_name, given=TransitionInput(note)
    )
    record(
        session,
        AuditAction.TRANSITION,
        object_type="proposal",
        object_id=proposal.id,
        region_code=proposal.region_code,
        message=f"{transition.label}: {source.label} -> {transition.target.label}",
        before={"status": source.value, "version": version},
        after={"status": transition.target.value, "version": version + 1, "note": note.strip()},
    )
    return transition


def perform(
    session_factory: sessionmaker[Session],
    request: Request,
    proposal_id: int,
    action: str,
    *,
    note: str,
    seen_version: int,
) -> Outcome:
    """Apply one transition in one transaction, or raise TransitionRefused / HTTPException and change nothing."""
    user = current_user(request)
    transition = BY_ACTION.get(action)
    if user is None or transition is None:
        raise HTTPException(status_code=404)
    if not may(request, "proposal", transition.permission):
        raise HTTPException(status_code=403)
    with session_factory() as session:
        begin_write(session)
        proposal = load_proposal(session, request, proposal_id)
        if proposal.version != seen_version:
            raise TransitionRefused(CHANGED_UNDER_YOU)
        source = proposal.status
        try:
            # The audit insert flushes the change first; either can find the row already moved (0 rows
            # matched the version): the other official won.
            apply_recorded(session, request, proposal, action, note=note)
            session.commit()
        except StaleDataError as error:
            session.rollback()
            raise TransitionRefused(CHANGED_UNDER_YOU) from error
        except RecordFixed as refusal:  # the finality guard (models/finality.py): said as a refused transition
            session.rollback()
            raise TransitionRefused(str(refusal)) from refusal
        return Outcome(proposal.id, source, transition.target, proposal.version)
