"""The ministry's PMT run for a period: every RECEIVED household (new, update, keep) with a visit is scored.

The scoring itself is models/pmt_scoring.py (no database); this loads the models, the proposals and their
households' latest visits, replaces the period's results and ranks them. The caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from chain.actor import Actor
from chain.periods import open_period
from models import Household, PmtModel, PmtResult, Proposal, ProposalKind, ProposalStatus
from models.pmt_scoring import ScoringModel, choose_model, desil_of, rank, score_answers, visit_answers
from models.region_codes import RegionLevel, ancestor_at

SCORED_KINDS = (ProposalKind.NEW, ProposalKind.UPDATE, ProposalKind.KEEP)
RUNNING = ("proposal", "action:determine")


@dataclass
class RunOutcome:
    """How many households were scored, and which were not (no visit, no model in force)."""

    period: str = ""
    scored: int = 0
    without_visit: list[int] = field(default_factory=list)
    without_model: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Scored:
    household: Household
    model: PmtModel
    score: float
    contributions: dict[str, float]


def run_pmt(session: Session, actor: Actor, period: str) -> RunOutcome:
    """Score the period's received households and replace its results (a second run replaces the first)."""
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
    _store(session, outcome.period, scored)
    outcome.scored = len(scored)
    return outcome


def _received_households(session: Session, actor: Actor) -> list[Household]:
    """The households of the RECEIVED proposals that are scored, once each, in proposal order."""
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


def _store(session: Session, period: str, scored: list[_Scored]) -> None:
    """The results in rank order (poorest first), each with its desil under its own model's cut-offs."""
    order = {hid: index for index, hid in enumerate(rank((item.household.id, item.score) for item in scored))}
    for item in sorted(scored, key=lambda item: order[item.household.id]):
        session.add(
            PmtResult(
                household_id=item.household.id,
                period=period,
                model_id=item.model.id,
                score=item.score,
                desil=desil_of(item.score, item.model.desil_cutoffs),
                contributions=item.contributions,
                region_code=item.household.region_code,
            )
        )
