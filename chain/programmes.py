"""Programmes by desil band: the band of a period, eligibility, the suspension review and its decisions.

The rules are models/programme.py (bands as data, a band only for a period not yet begun); this module reads them
as SQL for an actor's scope and records the office's decisions:

- the band of a period as SQL and the counts per region: reports/programme_counts.py.
- `review_list`: the members of the period (active or suspended) whose desil as of the period lies outside their
  programme's band, or who have no desil: each with its recorded decision, if any. The same statement decides
  what `decide_review` accepts, so the list and the decisions never disagree.
- `decide_review`: the decision for one member on the list (continue, suspend, end), once, with the membership's
  status following it; audited by the flush hooks in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from chain.actor import Actor
from chain.store import load_scoped
from models import (
    Household,
    HouseholdPeriod,
    MembershipStatus,
    Programme,
    ProgrammeMembership,
    ProgrammeReview,
    ReviewDecision,
)
from models.base import regency_join, table_of
from models.determination import StandingAsOf
from models.periods import parse_period
from models.refusals import Conflict
from models.text import checked_text
from models.workflow import TransitionRefused
from reports.programme_counts import bands_of, outside_band

REVIEWING = ("programme-review", "list")
DECIDING = ("programme-review", "decide")
NOT_ON_LIST = "Keluarga ini tidak termasuk daftar tinjauan: desilnya periode ini masih di dalam batas desil programnya."
DECIDED = "Tinjauan keluarga ini untuk periode tersebut sudah diputuskan."
STATUS_OF_DECISION = {
    ReviewDecision.CONTINUE: MembershipStatus.ACTIVE,
    ReviewDecision.SUSPEND: MembershipStatus.SUSPENDED,
    ReviewDecision.END: MembershipStatus.ENDED,
}


@dataclass(frozen=True)
class ReviewItem:
    """A member of the period outside its programme's band, and the decision recorded for it (None: pending)."""

    membership_id: int
    household_id: int
    region_code: str
    no_kk: str
    head_name: str
    programme: str
    status: MembershipStatus
    desil: int | None
    min_desil: int
    max_desil: int
    decision: ReviewDecision | None

    @property
    def band(self) -> str:
        return f"{self.min_desil}-{self.max_desil}"


def _review_statement(actor: Actor, period: str) -> Select[Any]:
    band = bands_of(period)
    standing = StandingAsOf.of(period, actor.scope.condition(HouseholdPeriod.region_code))
    member = ProgrammeMembership
    return (
        select(
            member.id,
            member.household_id,
            member.region_code,
            Household.no_kk,
            Household.head_name,
            Programme.code,
            member.status,
            standing.desil.label("desil"),
            band.c.min_desil,
            band.c.max_desil,
            ProgrammeReview.decision,
        )  # fmt: skip
        .join(Household, regency_join(Household, member.household_id))
        .join(Programme, Programme.id == member.programme_id)
        .join(band, band.c.programme_id == member.programme_id)
        .outerjoin(standing.latest, standing.joined_on(Household.id))
        .outerjoin(ProgrammeReview, regency_join(member, ProgrammeReview.membership_id))
        .where(
            member.period == period,
            member.status.in_((MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)) | ProgrammeReview.id.is_not(None),
            actor.scope.condition(member.region_code),
            outside_band(standing.desil, band),
        )
        .order_by(member.region_code, Programme.code, member.id)
    )


def review_list(session: Session, actor: Actor, period: str) -> list[ReviewItem]:
    """The suspension review of `period` in the actor's scope, pending and decided."""
    actor.require(REVIEWING)
    period = parse_period(period)
    return [ReviewItem(*row) for row in session.execute(_review_statement(actor, period))]


def decide_review(
    session: Session, actor: Actor, membership_id: int, decision: ReviewDecision, note: str = ""
) -> ProgrammeReview:
    """Record the decision for one member on the review list of its period; the caller commits."""
    user = actor.require(DECIDING)
    membership = load_scoped(session, actor, ProgrammeMembership, membership_id)
    checked_text(table_of(ProgrammeReview).c.note, note.strip(), "Catatan", TransitionRefused)
    listed = session.execute(
        _review_statement(actor, membership.period).where(ProgrammeMembership.id == membership.id)
    ).first()
    if listed is None:
        raise TransitionRefused(NOT_ON_LIST)
    item = ReviewItem(*listed)
    if item.decision is not None:
        raise Conflict(DECIDED)
    review = ProgrammeReview(
        membership_id=membership.id,
        desil=item.desil,
        min_desil=item.min_desil,
        max_desil=item.max_desil,
        decision=decision,
        note=note.strip(),
        region_code=membership.region_code,
        decided_by_id=user.id,
        decided_by_name=actor.name[:120],
    )
    session.add(review)
    membership.status = STATUS_OF_DECISION[decision]
    session.flush()
    return review
