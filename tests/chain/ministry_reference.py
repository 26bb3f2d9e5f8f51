"""The ministry's PMT run and SK Penetapan as they were written through the ORM, one object per row: the reference.

chain/pmt.py and chain/determination.py now work in chunks and set-based statements; these are the row-by-row
versions they replaced, kept unchanged so tests/chain/test_ministry_batch.py can run both on the same data and
compare every row they write (results, transitions, standings, annex, audit trail). Not used by the console.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from chain.actor import Actor
from chain.determination import (
    ABOVE_CUTOFF,
    DETERMINING,
    NOTHING_SCORED,
    NUMBER_TAKEN,
    DeterminationOutcome,
    checked_letter,
)
from chain.letters import Letter
from chain.periods import open_period
from chain.pmt import RUNNING, SCORED_KINDS, RunOutcome
from chain.proposals import CHANGED_UNDER_YOU, apply_recorded
from models import (
    Decree,
    DecreeKind,
    DtksStatus,
    Household,
    HouseholdPeriod,
    PmtModel,
    PmtResult,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from models.decree_annex import snapshot_annex
from models.household import apply_requested_changes
from models.periods import parse_period
from models.pmt_scoring import ScoringModel, choose_model, desil_of, rank, score_answers, visit_answers
from models.refusals import Conflict
from models.region_codes import RegionLevel, ancestor_at
from models.workflow import TransitionRefused

# --- the PMT run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scored:
    household: Household
    model: PmtModel
    score: float
    contributions: dict[str, float]


def run_pmt_by_rows(session: Session, actor: Actor, period: str) -> RunOutcome:
    actor.require(RUNNING)
    outcome = RunOutcome(period=open_period(session, period))
    models = list(session.scalars(select(PmtModel).options(selectinload(PmtModel.weights))))
    session.execute(delete(PmtResult).where(PmtResult.period == outcome.period))
    scored: list[_Scored] = []
    for household in _received_households(session, actor):
        if not household.visits:
            outcome.without_visit.append(household.id)
            continue
        model = choose_model(models, ancestor_at(household.region_code, RegionLevel.REGENCY), outcome.period)
        if model is None:
            outcome.without_model.append(household.id)
            continue
        visit = max(household.visits, key=lambda v: (v.visited_on, v.id))
        result = score_answers(_scoring_model(model), visit_answers(visit, len(household.members)))
        scored.append(_Scored(household, model, result.score, result.contributions))
    order = {hid: index for index, hid in enumerate(rank((item.household.id, item.score) for item in scored))}
    for item in sorted(scored, key=lambda item: order[item.household.id]):
        session.add(
            PmtResult(
                household_id=item.household.id,
                period=outcome.period,
                model_id=item.model.id,
                score=item.score,
                desil=desil_of(item.score, item.model.desil_cutoffs),
                contributions=item.contributions,
                region_code=item.household.region_code,
            )
        )
    outcome.scored = len(scored)
    return outcome


def _received_households(session: Session, actor: Actor) -> list[Household]:
    proposals = session.scalars(
        select(Proposal)
        .where(
            Proposal.status == ProposalStatus.RECEIVED,
            Proposal.kind.in_(SCORED_KINDS),
            actor.scope.condition(Proposal.region_code),
        )
        .options(
            selectinload(Proposal.household).selectinload(Household.members),
            selectinload(Proposal.household).selectinload(Household.visits),
        )
        .order_by(Proposal.id)
    )
    return list({proposal.household.id: proposal.household for proposal in proposals}.values())


def _scoring_model(model: PmtModel) -> ScoringModel:
    weights = {(w.variable, w.choice or ""): w.weight for w in model.weights}
    return ScoringModel(model.intercept, weights, list(model.desil_cutoffs), model.id)


# --- the SK Penetapan ----------------------------------------------------------------------------


def determine_by_rows(
    session: Session, actor: Actor, period: str, letter: Letter, *, max_desil: int
) -> DeterminationOutcome:
    actor.require(*DETERMINING)
    period = parse_period(period)
    letter = checked_letter(letter)
    open_period(session, period)
    proposals = list(
        session.scalars(
            select(Proposal)
            .where(Proposal.status == ProposalStatus.RECEIVED, actor.scope.condition(Proposal.region_code))
            .options(selectinload(Proposal.household), selectinload(Proposal.decrees))
            .order_by(Proposal.id)
        )
    )
    results = {r.household_id: r for r in session.scalars(select(PmtResult).where(PmtResult.period == period))}
    decided = [p for p in proposals if p.kind == ProposalKind.REMOVE or p.household_id in results]
    outcome = DeterminationOutcome(unscored=[p.id for p in proposals if p not in decided])
    if not decided:
        raise TransitionRefused(NOTHING_SCORED)
    decree = Decree(
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
    session.add(decree)
    try:
        session.flush()
        for proposal in decided:
            _decide(session, actor, proposal, decree, results.get(proposal.household_id), max_desil, outcome)
        snapshot_annex(session, decree)
    except StaleDataError as error:
        raise Conflict(CHANGED_UNDER_YOU) from error
    except IntegrityError as error:
        raise Conflict(NUMBER_TAKEN) from error
    outcome.decree_id = decree.id
    return outcome


def _decide(
    session: Session,
    actor: Actor,
    proposal: Proposal,
    decree: Decree,
    result: PmtResult | None,
    max_desil: int,
    outcome: DeterminationOutcome,
) -> None:
    household, note, period = proposal.household, f"SK {decree.number}", decree.period or ""
    if proposal.kind == ProposalKind.REMOVE:
        apply_recorded(session, actor, proposal, "determine", note=note)
        household.dtks_status, household.desil, household.period = DtksStatus.REMOVED, None, period
    elif result is not None and result.desil <= max_desil:
        apply_recorded(session, actor, proposal, "determine", note=note)
        if proposal.kind == ProposalKind.UPDATE:
            try:
                apply_requested_changes(household, proposal.requested_changes or {})
            except ValueError as refusal:
                raise TransitionRefused(f"Usulan #{proposal.id}: {refusal}") from refusal
        household.dtks_status, household.desil, household.period = DtksStatus.REGISTERED, result.desil, period
    else:
        apply_recorded(session, actor, proposal, "not_determine", note=ABOVE_CUTOFF)
        outcome.not_determined.append(proposal.id)
        return
    outcome.determined.append(proposal.id)
    row = session.scalar(
        select(HouseholdPeriod).where(HouseholdPeriod.household_id == household.id, HouseholdPeriod.period == period)
    )
    if row is None:
        row = HouseholdPeriod(household_id=household.id, period=period, region_code=household.region_code)
        session.add(row)
    row.dtks_status, row.desil, row.decree_id = household.dtks_status, household.desil, decree.id
