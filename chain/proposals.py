"""Proposal transitions for an actor: permission, scope, freshness, then the change in the caller's transaction.

The rules of the chain are models/workflow.py; this module adds what only the actor knows: their casbin
permission for the transition, their region scope, the version of the proposal they saw, and the audit
row. Two officials acting on the same proposal: the version check (and SQLAlchemy's version counter under
it) lets exactly one win; the other is told the data changed under them (`CHANGED_UNDER_YOU`, which the
caller also passes to `commit_or_conflict`) and nothing of theirs stays.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from chain.actor import Actor
from chain.audit import record_transition
from chain.store import load_scoped
from models import Household, MeetingDecision, Proposal, ProposalHistory, ProposalStatus
from models.finality import RecordFixed
from models.refusals import NotAllowed, NotFound
from models.text import checked_text
from models.workflow import BY_ACTION, Transition, TransitionInput, TransitionRefused, apply_transition

CHANGED_UNDER_YOU = (
    "Data usulan ini sudah diubah oleh petugas lain sejak halaman Anda dibuka. Tindakan Anda tidak "
    "diterapkan; muat ulang halaman untuk melihat status terbaru."
)
RESOURCE = "proposal"

# What the preconditions of models/workflow.py read, loaded with the proposal.
_PRECONDITION_READS = (
    selectinload(Proposal.decisions).selectinload(MeetingDecision.meeting),
    selectinload(Proposal.visits),
    selectinload(Proposal.decrees),
    selectinload(Proposal.history),
    selectinload(Proposal.household).selectinload(Household.visits),
)


@dataclass(frozen=True)
class Outcome:
    """What a performed transition did, for the page (or command) that answers it."""

    proposal_id: int
    source: ProposalStatus
    target: ProposalStatus
    version: int


def transition_of(action: str) -> Transition:
    """The transition named `action`; an unknown action names nothing there is (NotFound)."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise NotFound()
    return transition


def permission(action: str) -> tuple[str, str]:
    """The casbin (resource, action) of a transition, for `actor.require`."""
    return RESOURCE, transition_of(action).permission


def load_proposal(session: Session, actor: Actor, proposal_id: int) -> Proposal:
    """The proposal inside the actor's scope, with what the preconditions read; NotFound when out of scope."""
    return load_scoped(session, actor, Proposal, proposal_id, *_PRECONDITION_READS)


def offered_transitions(actor: Actor, proposal: Proposal) -> list[Transition]:
    """The transitions this actor may take on this proposal now (status and casbin; preconditions later)."""
    return [
        transition
        for transition in BY_ACTION.values()
        if transition.source == proposal.status and actor.allows(RESOURCE, transition.permission)
    ]


def apply_recorded(session: Session, actor: Actor, proposal: Proposal, action: str, *, note: str) -> Transition:
    """Apply one transition to a loaded proposal and write its audit row, in the caller's transaction.

    For callers that move proposals as part of a bigger change (a Musdes agenda, an SK, the ministry's
    steps): they ask the actor's permission and scope first, and commit (or roll back) everything together.
    """
    transition = transition_of(action)
    if actor.user is None:
        raise NotAllowed()
    user = actor.user
    # The note becomes the history row's note (and a return's reason): that column's text rule, never cut.
    checked_text(inspect(ProposalHistory).columns.note, note.strip(), "Catatan", TransitionRefused)
    source, version = proposal.status, proposal.version
    given = TransitionInput(note)
    apply_transition(proposal, action, role=user.role, actor_id=user.id, actor_name=user.full_name, given=given)
    record_transition(
        session,
        proposal,
        f"{transition.label}: {source.label} -> {transition.target.label}",
        before={"status": source.value, "version": version},
        after={"status": transition.target.value, "version": version + 1, "note": note.strip()},
    )
    return transition


def perform(session: Session, actor: Actor, proposal_id: int, action: str, *, note: str, seen_version: int) -> Outcome:
    """One transition the official chose on the version they saw, or a refusal; the caller commits.

    NotFound (unknown action, out of scope), NotAllowed (the role's casbin rules), TransitionRefused (out of
    order, a precondition, or the proposal changed since `seen_version`: `CHANGED_UNDER_YOU`).
    """
    transition = transition_of(action)
    actor.require(permission(action))
    proposal = load_proposal(session, actor, proposal_id)
    if proposal.version != seen_version:
        raise TransitionRefused(CHANGED_UNDER_YOU)
    source = proposal.status
    try:
        # The audit insert flushes the change first; the flush can find the row already moved (0 rows
        # matched the version): the other official won.
        apply_recorded(session, actor, proposal, action, note=note)
        session.flush()
    except StaleDataError as error:
        raise TransitionRefused(CHANGED_UNDER_YOU) from error
    except RecordFixed as refusal:  # the finality guard (models/finality.py): said as a refused transition
        raise TransitionRefused(str(refusal)) from refusal
    return Outcome(proposal.id, source, transition.target, proposal.version)
