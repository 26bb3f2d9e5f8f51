"""The ministry's NIK matching (Pusdatin, national): every forwarded proposal received or rejected with a reason.

The rule (stated, kept simple): a FORWARDED proposal is rejected with "NIK tidak valid" when a member's NIK
fails models.identity.check_nik, with "Anggota sudah terdaftar di rumah tangga lain" when a member (same name
and birth date) is already in another household REGISTERED in the DTKS (a NIK and a No. KK are unique in the
tables, so the duplicate a ministry can still find is the same person recorded twice), else it is RECEIVED.
All of a run's transitions, history and audit rows go in the caller's one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from chain.actor import Actor
from chain.proposals import CHANGED_UNDER_YOU, apply_recorded
from models import DtksStatus, Household, Member, Proposal, ProposalStatus
from models.base import regency_join
from models.identity import check_nik
from models.refusals import Conflict
from models.workflow import TransitionRefused

INVALID_NIK = "NIK tidak valid"
ALREADY_REGISTERED = "Anggota sudah terdaftar di rumah tangga lain"
NOTHING_CHOSEN = "Tidak ada usulan berstatus diteruskan yang dipilih untuk padan NIK."
MATCHING = (("proposal", "action:match_nik"), ("proposal", "action:reject_nik"))
FORWARDED_SHOWN = 1000  # the desk lists at most this many; matching "all" takes the same ones


@dataclass
class MatchOutcome:
    """Which proposals were received, and which rejected with which reason."""

    received: list[int] = field(default_factory=list)
    rejected: dict[int, str] = field(default_factory=dict)


def forwarded(session: Session, actor: Actor) -> list[Proposal]:
    """The FORWARDED proposals in the actor's scope, oldest first, with their households and members."""
    statement = (
        select(Proposal)
        .where(Proposal.status == ProposalStatus.FORWARDED, actor.scope.condition(Proposal.region_code))
        .options(selectinload(Proposal.household).selectinload(Household.members))
        .order_by(Proposal.id)
        .limit(FORWARDED_SHOWN)
    )
    return list(session.scalars(statement))


def nik_reason(session: Session, household: Household) -> str | None:
    """Why a household's proposal fails NIK matching, or None when it passes."""
    if not household.members or any(not check_nik(member.nik).ok for member in household.members):
        return INVALID_NIK
    for member in household.members:
        duplicate = session.scalar(
            select(func.count())
            .select_from(Member)
            .join(Household, regency_join(Household, Member.household_id))
            .where(
                Household.id != household.id,
                Household.dtks_status == DtksStatus.REGISTERED,
                func.lower(Member.name) == member.name.lower(),
                Member.birth_date == member.birth_date,
            )
        )
        if duplicate:
            return ALREADY_REGISTERED
    return None


def match_nik(session: Session, actor: Actor, proposal_ids: Iterable[int] | None = None) -> MatchOutcome:
    """Match every FORWARDED proposal (or the chosen ones): received or rejected with a reason. Caller commits."""
    actor.require(*MATCHING)
    wanted = None if proposal_ids is None else set(proposal_ids)
    proposals = [proposal for proposal in forwarded(session, actor) if wanted is None or proposal.id in wanted]
    if not proposals:
        raise TransitionRefused(NOTHING_CHOSEN)
    outcome = MatchOutcome()
    try:
        for proposal in proposals:
            reason = nik_reason(session, proposal.household)
            if reason is None:
                apply_recorded(session, actor, proposal, "match_nik", note="")
                outcome.received.append(proposal.id)
            else:
                apply_recorded(session, actor, proposal, "reject_nik", note=reason)
                outcome.rejected[proposal.id] = reason
    except StaleDataError as error:  # the audit insert flushed a proposal another official moved first
        raise Conflict(CHANGED_UNDER_YOU) from error
    return outcome
