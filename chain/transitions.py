"""One proposal transition inside a bigger step of the chain, for an actor: the move, its history and audit row.

The ministry's steps move many proposals in one transaction (NIK matching, the SK Penetapan); they check the
casbin permissions once (`actor.require`) and call `record_transition` per proposal. The rule of each move is
models/workflow.py (source status, role, reason, preconditions); this adds the audit row. The caller commits.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.audit import record
from models import AuditAction, Proposal, ProposalHistory
from models.refusals import NotAllowed
from models.text import checked_text
from models.workflow import BY_ACTION, Transition, TransitionInput, TransitionRefused, apply_transition

PROPOSAL_CHANGED = (
    "Data usulan ini sudah diubah oleh petugas lain sejak halaman Anda dibuka. Tindakan Anda tidak "
    "diterapkan; muat ulang halaman untuk melihat status terbaru."
)


def record_transition(session: Session, actor: Actor, proposal: Proposal, action: str, *, note: str) -> Transition:
    """Apply `action` to a loaded proposal as `actor` and write its audit row, in the caller's transaction."""
    transition = BY_ACTION.get(action)
    if actor.user is None or transition is None:
        raise NotAllowed()
    user = actor.user
    # The note becomes the history row's note (and a return's reason): that column's text rule, never cut.
    checked_text(cast(Table, ProposalHistory.__table__).c.note, note.strip(), "Catatan", TransitionRefused)
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
