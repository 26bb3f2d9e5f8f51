"""Propose a rejected family again (the Bima SOP, step 6): the loop from the ministry back to the village.

A proposal the ministry's NIK matching or the BPS ranking file rejected (`rejected_ministry`, with its reason in
its history) is final: its decree fixed it. The village operator re-verifies the family and proposes it again:
`resubmit` writes a new draft for the same household, of the same kind, reason and requested changes, with the
creation row of its history naming the rejected proposal and why it was rejected, and the link between the two
(models/resubmission.py). The draft then goes through the next Musdes, verval, decree and forwarding like any
other; each proposal's page shows the other, so the whole loop can be followed. A rejected proposal is proposed
again once; the permission is the one to create proposals (casbin `proposal, create`), in the actor's scope.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.store import load_scoped
from models import Proposal, ProposalHistory, ProposalResubmission, ProposalStatus
from models.base import utc_now
from models.refusals import Conflict
from models.workflow import TransitionRefused

CREATING = ("proposal", "create")
ONLY_REJECTED = "Hanya usulan yang ditolak Pusdatin (padan NIK atau pemeringkatan BPS) yang dapat diusulkan ulang."
ALREADY = "Usulan #{rejected} sudah diusulkan ulang sebagai usulan #{proposal}."
JUST_TAKEN = "Usulan ini baru saja diusulkan ulang oleh petugas lain; muat ulang halaman."


def rejection_reason(proposal: Proposal) -> str:
    """Why the ministry rejected `proposal`: the note of its move into `rejected_ministry`."""
    notes = [row.note for row in proposal.history if row.to_status == ProposalStatus.REJECTED_MINISTRY]
    return notes[-1] if notes else ""


def resubmission_of(session: Session, proposal_id: int) -> ProposalResubmission | None:
    """The link where `proposal_id` is the rejected proposal (proposed again) or the draft (a resubmission)."""
    link = select(ProposalResubmission).where(
        (ProposalResubmission.rejected_id == proposal_id) | (ProposalResubmission.proposal_id == proposal_id)
    )
    return session.scalars(link).first()


def resubmit(session: Session, actor: Actor, rejected_id: int) -> Proposal:
    """A new draft proposing the rejected proposal's family again, linked to it; the caller commits."""
    user = actor.require(CREATING)
    rejected = load_scoped(session, actor, Proposal, rejected_id)
    if rejected.status != ProposalStatus.REJECTED_MINISTRY:
        raise TransitionRefused(ONLY_REJECTED)
    taken = session.scalar(select(ProposalResubmission).where(ProposalResubmission.rejected_id == rejected.id))
    if taken is not None:
        raise Conflict(ALREADY.format(rejected=rejected.id, proposal=taken.proposal_id))
    reason = rejection_reason(rejected)
    now = utc_now()
    draft = Proposal(
        kind=rejected.kind,
        household_id=rejected.household_id,
        region_code=rejected.region_code,
        reason=rejected.reason,
        removal_reason=rejected.removal_reason,
        requested_changes=dict(rejected.requested_changes or {}),
        has_ktp=rejected.has_ktp,
        has_kk=rejected.has_kk,
        has_sktm=rejected.has_sktm,
        status=ProposalStatus.DRAFT,
        status_changed_at=now,
        created_by_id=user.id,
    )
    note = f"Diusulkan ulang dari usulan #{rejected.id} yang ditolak Pusdatin"
    draft.history.append(
        ProposalHistory(
            from_status=None,
            to_status=ProposalStatus.DRAFT,
            actor_id=user.id,
            actor_name=actor.name[:120],
            at=now,
            note=f"{note}: {reason}" if reason else f"{note}.",
            region_code=rejected.region_code,
        )
    )
    session.add(draft)
    session.flush()
    session.add(
        ProposalResubmission(
            rejected_id=rejected.id,
            proposal_id=draft.id,
            region_code=rejected.region_code,
            rejection_reason=reason,
            created_by_id=user.id,
        )
    )
    try:
        session.flush()
    except IntegrityError as error:  # another official proposed it again between the check and this write
        raise Conflict(JUST_TAKEN) from error
    return draft
