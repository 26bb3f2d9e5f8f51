"""Programmes by desil band: the band of a period, eligibility, the suspension review and its decisions.

The rules are models/programme.py (bands as data, a band only for a period not yet begun); this module reads them
as SQL for an actor's scope and records the office's decisions:

- `bands_of(period)`: each programme's band of the period, the one with the latest start at or before it.
- `eligible_counts`: per region (kecamatan, villages below a kecamatan) and programme, the families registered as
  of the period whose desil then lies in the band, beside the members of the period; one GROUP BY.
- `review_list`: the members of the period (active or suspended) whose desil as of the period lies outside their
  programme's band, or who have no desil: each with its recorded decision, if any. The same statement decides
  what `decide_review` accepts, so the list and the decisions never disagree.
- `decide_review`: the decision for one member on the list (continue, suspend, end), once, with the membership's
  status following it; audited by the flush hooks in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from chain.actor import Actor
from chain.store import load_scoped
from models import (
    Household,
    HouseholdPeriod,
    MembershipStatus,
    Programme,
    ProgrammeBand,
    ProgrammeMembership,
    ProgrammeReview,
    ReviewDecision,
)
from models.base import regency_join, table_of
from models.determination import StandingAsOf
from models.periods import parse_period
from models.refusals import Conflict
from models.region_codes import RegionLevel
from models.text import checked_text
from models.workflow import TransitionRefused
from reports.recap import KECAMATAN_CODE_LENGTH, VILLAGE_CODE_LENGTH, recap_level

REVIEWING = ("programme-review", "list")
DECIDING = ("programme-review", "decide")
NOT_ON_LIST = "Keluarga ini tidak termasuk daftar tinjauan: desilnya periode ini masih di dalam batas desil programnya."
DECIDED = "Tinjauan keluarga ini untuk periode tersebut sudah diputuskan."
STATUS_OF_DECISION = {
    ReviewDecision.CONTINUE: MembershipStatus.ACTIVE,
    ReviewDecision.SUSPEND: MembershipStatus.SUSPENDED,
    ReviewDecision.END: MembershipStatus.ENDED,
}


def bands_of(period: str) -> Subquery:
    """(programme_id, min_desil, max_desil) of each programme's band in `period`."""
    later = aliased(ProgrammeBand)
    newer = (
        select(later.id)
        .where(
            later.programme_id == ProgrammeBand.programme_id,
            later.effective_period <= period,
            later.effective_period > ProgrammeBand.effective_period,
        )
        .exists()
    )
    return (
        select(ProgrammeBand.programme_id, ProgrammeBand.min_desil, ProgrammeBand.max_desil)
        .where(ProgrammeBand.effective_period <= period, ~newer)
        .subquery("band")
    )


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


def _outside(desil: ColumnElement[Any], band: Subquery) -> ColumnElement[bool]:
    return or_(desil.is_(None), desil < band.c.min_desil, desil > band.c.max_desil)


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
            _outside(standing.desil, band),
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


@dataclass
class ProgrammeCount:
    """One region's numbers for one programme in a period."""

    region_code: str
    programme: str
    members: int = 0
    eligible: int = 0
    outside: int = 0


def eligible_counts(session: Session, actor: Actor, period: str) -> list[ProgrammeCount]:
    """Per region and programme: the members of the period, the families eligible as of it, the members outside."""
    period = parse_period(period)
    length = KECAMATAN_CODE_LENGTH if recap_level(actor.scope.code) == RegionLevel.KECAMATAN else VILLAGE_CODE_LENGTH
    band = bands_of(period)
    standing = StandingAsOf.of(period, actor.scope.condition(HouseholdPeriod.region_code))
    region = func.substr(Household.region_code, 1, length).label("region")
    in_band = and_(standing.desil >= band.c.min_desil, standing.desil <= band.c.max_desil)
    eligible = (
        select(region, Programme.code, func.count())
        .select_from(Household)
        .outerjoin(standing.latest, standing.joined_on(Household.id))
        .join(band, in_band)
        .join(Programme, Programme.id == band.c.programme_id)
        .where(standing.registered, actor.scope.condition(Household.region_code))
        .group_by(region, Programme.code)
    )
    counts: dict[tuple[str, str], ProgrammeCount] = {}
    for code, programme, households in session.execute(eligible):
        counts[(code, programme)] = ProgrammeCount(code, programme, eligible=households)
    member = ProgrammeMembership
    member_region = func.substr(member.region_code, 1, length).label("region")
    outside = case((_outside(standing.desil, band), 1), else_=0)
    members = (
        select(member_region, Programme.code, func.count(), func.sum(outside))
        .select_from(member)
        .join(Household, regency_join(Household, member.household_id))
        .join(Programme, Programme.id == member.programme_id)
        .outerjoin(band, band.c.programme_id == member.programme_id)
        .outerjoin(standing.latest, standing.joined_on(Household.id))
        .where(
            member.period == period, member.status != MembershipStatus.ENDED, actor.scope.condition(member.region_code)
        )
        .group_by(member_region, Programme.code)
    )
    for code, programme, households, out in session.execute(members):
        count = counts.setdefault((code, programme), ProgrammeCount(code, programme))
        count.members, count.outside = households, int(out or 0)
    return [counts[key] for key in sorted(counts)]
