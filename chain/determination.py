"""The SK Penetapan for a quarter (the Minister's determination): every RECEIVED proposal decided, all or nothing.

New, update and keep proposals at or below `max_desil` (their PMT result of the period) are DETERMINED, the
household REGISTERED with its desil and period; above it they are NOT_DETERMINED with the reason. Removals are
DETERMINED, the household REMOVED. Proposals still without a PMT result of the period stay RECEIVED (reported).
The decree, every transition, the standings per period and the annex go in the caller's one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from chain.actor import Actor
from chain.letters import Letter, check_letter
from chain.periods import open_period
from chain.proposals import CHANGED_UNDER_YOU, apply_recorded
from models import (
    Decree,
    DecreeKind,
    DtksStatus,
    Household,
    HouseholdPeriod,
    PmtResult,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from models.decree_annex import snapshot_annex
from models.household import apply_requested_changes
from models.periods import parse_period
from models.refusals import Conflict
from models.workflow import TransitionRefused

ABOVE_CUTOFF = "Desil di atas batas penetapan"
NUMBER_TAKEN = "Nomor SK Penetapan tersebut sudah dipakai."
LETTER_REQUIRED = "Nomor, tanggal dan penandatangan SK Penetapan wajib diisi."
NOTHING_SCORED = "Tidak ada usulan diterima yang sudah dinilai PMT untuk periode ini."
DEFAULT_SIGNER_TITLE = "Menteri Sosial"
DETERMINING = (("proposal", "action:determine"), ("proposal", "action:not_determine"))


@dataclass
class DeterminationOutcome:
    """The decree written and which proposals were determined, not determined, or left unscored."""

    decree_id: int = 0
    determined: list[int] = field(default_factory=list)
    not_determined: list[int] = field(default_factory=list)
    unscored: list[int] = field(default_factory=list)


def determine(session: Session, actor: Actor, period: str, letter: Letter, *, max_desil: int) -> DeterminationOutcome:
    """Write the period's SK Penetapan and decide every received proposal by it. The caller commits."""
    actor.require(*DETERMINING)
    period = parse_period(period)  # the period's shape is said first, then the letter, then whether it is open
    letter = checked_letter(letter)
    open_period(session, period)
    proposals = _received(session, actor)
    results = {r.household_id: r for r in session.scalars(select(PmtResult).where(PmtResult.period == period))}
    decided = [p for p in proposals if p.kind == ProposalKind.REMOVE or p.household_id in results]
    outcome = DeterminationOutcome(unscored=[p.id for p in proposals if p not in decided])
    if not decided:
        raise TransitionRefused(NOTHING_SCORED)
    decree = _decree(letter, period, decided)
    session.add(decree)
    try:
        session.flush()
        for proposal in decided:
            _decide(session, actor, proposal, decree, results.get(proposal.household_id), max_desil, outcome)
        snapshot_annex(session, decree)  # as determined: the requested changes are applied by now
    except StaleDataError as error:  # a proposal another official moved first
        raise Conflict(CHANGED_UNDER_YOU) from error
    except IntegrityError as error:  # the decree's (kind, region, number) is unique
        raise Conflict(NUMBER_TAKEN) from error
    outcome.decree_id = decree.id
    return outcome


def checked_letter(letter: Letter) -> Letter:
    """The letter trimmed and checked against the decree's columns; the signer's title defaults to the Minister's."""
    letter = letter.trimmed()
    if letter.missing():
        raise TransitionRefused(LETTER_REQUIRED)
    check_letter(letter)
    return Letter(letter.number, letter.dated, letter.signer_name, letter.signer_title or DEFAULT_SIGNER_TITLE)


def _received(session: Session, actor: Actor) -> list[Proposal]:
    statement = (
        select(Proposal)
        .where(Proposal.status == ProposalStatus.RECEIVED, actor.scope.condition(Proposal.region_code))
        .options(selectinload(Proposal.household), selectinload(Proposal.decrees))
        .order_by(Proposal.id)
    )
    return list(session.scalars(statement))


def _decree(letter: Letter, period: str, decided: list[Proposal]) -> Decree:
    return Decree(
        kind=DecreeKind.MINISTRY_DETERMINATION,
        region_code="",
        number=letter.number,
        decree_date=letter.dated,
        signer_name=letter.signer_name,
        signer_title=letter.signer_title,
        period=period,
        signed_at=datetime.now(UTC),
        proposals=decided,
    )


def _decide(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    decree: Decree,
    result: PmtResult | None,
    max_desil: int,
    outcome: DeterminationOutcome,
) -> None:
    """One proposal by the SK: its transition, the household's standing and its row for the period."""
    household, note, period = proposal.household, f"SK {decree.number}", decree.period or ""
    if proposal.kind == ProposalKind.REMOVE:
        apply_recorded(session, actor, proposal, "determine", note=note)
        household.dtks_status, household.desil, household.period = DtksStatus.REMOVED, None, period
    elif result is not None and result.desil <= max_desil:
        apply_recorded(session, actor, proposal, "determine", note=note)
        if proposal.kind == ProposalKind.UPDATE:
            _apply_changes(household, proposal)
        household.dtks_status, household.desil, household.period = DtksStatus.REGISTERED, result.desil, period
    else:
        apply_recorded(session, actor, proposal, "not_determine", note=ABOVE_CUTOFF)
        outcome.not_determined.append(proposal.id)
        return
    outcome.determined.append(proposal.id)
    _standing(session, household, period, decree)


def _apply_changes(household: Household, proposal: Proposal) -> None:
    try:
        apply_requested_changes(household, proposal.requested_changes or {})
    except ValueError as refusal:  # stored before the rule existed: refuse the whole SK, change nothing
        raise TransitionRefused(f"Usulan #{proposal.id}: {refusal}") from refusal


def _standing(session: Session, household: Household, period: str, decree: Decree) -> None:
    """The household's standing in this period (one row per household and period)."""
    row = session.scalar(
        select(HouseholdPeriod).where(HouseholdPeriod.household_id == household.id, HouseholdPeriod.period == period)
    )
    if row is None:
        row = HouseholdPeriod(household_id=household.id, period=period, region_code=household.region_code)
        session.add(row)
    row.dtks_status, row.desil, row.decree_id = household.dtks_status, household.desil, decree.id
