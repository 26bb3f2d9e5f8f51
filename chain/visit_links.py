"""A verval visit belongs to the proposal waiting for it.

The arrow "Kunjungan verval selesai" (models/workflow.py, precondition `has_visit`) needs a visit linked to the
proposal; a visit saved without its proposal left the enumerator with a refusal at the next step. So a new visit
recorded for a family with no proposal named is linked to the family's proposal that waits for a visit (in a
status whose next arrow needs one) when exactly one waits, and refused when several wait (the enumerator names
it); a family with none waiting keeps an unlinked visit (a visit for a family already registered, the TKSK's
"kunjungan terakhir" of a kept family).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.proposal import Proposal
from models.refusals import Conflict
from models.workflow import TRANSITIONS, has_visit

WAITING_FOR_VISIT = frozenset(t.source for t in TRANSITIONS if has_visit in t.preconditions)


class VisitLinkRefused(Conflict):
    """Several proposals of the family wait for a visit: which one this visit is for must be chosen."""


def waiting_proposals(session: Session, household_id: int) -> list[Proposal]:
    """The family's proposals whose next step needs a verval visit, oldest first."""
    return list(
        session.scalars(
            select(Proposal)
            .where(Proposal.household_id == household_id, Proposal.status.in_(WAITING_FOR_VISIT))
            .order_by(Proposal.id)
        )
    )


def proposal_for_new_visit(session: Session, household_id: int) -> Proposal | None:
    """The proposal an unlinked new visit of this family belongs to; None when none waits; refused when several do."""
    waiting = waiting_proposals(session, household_id)
    if len(waiting) > 1:
        numbers = ", ".join(f"#{proposal.id}" for proposal in waiting)
        raise VisitLinkRefused(
            f"Keluarga ini punya {len(waiting)} usulan yang menunggu kunjungan verval ({numbers}): "
            "pilih usulannya pada kolom Usulan."
        )
    return waiting[0] if waiting else None
