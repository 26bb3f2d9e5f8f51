"""The ministry's steps for a request (Pusdatin, national): NIK matching and the PMT run for a period.

NIK matching rule (stated, kept simple): a FORWARDED proposal is rejected with "NIK tidak valid" when a
member's NIK fails models.identity.check_nik, with "Anggota sudah terdaftar di rumah tangga lain" when a
member (same name and birth date) is already in another household REGISTERED in the DTKS (a NIK and a
No. KK are unique in the tables, so the duplicate a ministry can still find is the same person recorded
twice), else it is RECEIVED. Each step is one transaction: every transition, history and audit row commit
together or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.requests import Request

from chain.decrees import check_letter
from chain.proposals import CHANGED_UNDER_YOU, apply_recorded
from chain.store import begin_write
from console.authorization import actor_of, may
from models import (
    Decree,
    DecreeKind,
    DtksStatus,
    Household,
    HouseholdPeriod,
    Member,
    PmtModel,
    PmtResult,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from models.decree_annex import snapshot_annex
from models.finality import PERIOD_DETERMINED
from models.finality_rows import Facts
from models.household import apply_requested_changes
from models.identity import check_nik
from models.pmt_scoring import ScoringModel, choose_model, desil_of, rank, score_answers, visit_answers
from models.workflow import TransitionRefused

INVALID_NIK = "NIK tidak valid"
ALREADY_REGISTERED = "Anggota sudah terdaftar di rumah tangga lain"
PERIOD_PATTERN = re.compile(r"^\d{4}-(01|04|07|10)$")
SCORED_KINDS = (ProposalKind.NEW, ProposalKind.UPDATE, ProposalKind.KEEP)


@dataclass
class MatchOutcome:
    received: list[int] = field(default_factory=list)
    rejected: dict[int, str] = field(default_factory=dict)


@dataclass
class RunOutcome:
    scored: int = 0
    without_visit: list[int] = field(default_factory=list)
    without_model: list[int] = field(default_factory=list)


def _require(request: Request, action: str) -> None:
    if not may(request, "proposal", f"action:{action}"):
        raise HTTPException(status_code=403)


def check_period(period: str) -> str:
    period = (period or "").strip()
    if not PERIOD_PATTERN.match(period):
        raise TransitionRefused("Periode TTTT-BB dengan bulan 01, 04, 07 atau 10 (Januari, April, Juli, Oktober).")
    return period


def open_period(session: Session, period: str) -> None:
    """Refuse a period that already has a signed SK Penetapan: its results and standing are final."""
    if Facts(session).period_determined(period):
        raise TransitionRefused(PERIOD_DETERMINED.format(period=period))


def forwarded(session: Session) -> list[Proposal]:
    statement = (
        select(Proposal)
        .where(Proposal.status == ProposalStatus.FORWARDED)
        .options(selectinload(Proposal.household).selectinload(Household.members))
        .order_by(Proposal.id)
        .limit(1000)
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
            .join(Household, Member.household_id == Household.id)
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


def match_nik(
    session_factory: sessionmaker[Session], request: Request, proposal_ids: Iterable[int] | None
) -> MatchOutcome:
    """Match every FORWARDED proposal (or the selected ones): received or rejected with a reason, at once."""
    _require(request, "match_nik")
    _require(request, "reject_nik")
    wanted = None if proposal_ids is None else set(proposal_ids)
    outcome = MatchOutcome()
    with session_factory() as session:
        begin_write(session)
        proposals = [p for p in forwarded(session) if wanted is None or p.id in wanted]
        if not proposals:
            raise TransitionRefused("Tidak ada usulan berstatus diteruskan yang dipilih untuk padan NIK.")
        try:
            for proposal in proposals:
                reason = nik_reason(session, proposal.household)
                if reason is None:
                    apply_recorded(session, actor_of(request), proposal, "match_nik", note="")
                    outcome.received.append(proposal.id)
                else:
                    apply_recorded(session, actor_of(request), proposal, "reject_nik", note=reason)
                    outcome.rejected[proposal.id] = reason
            session.commit()
        except StaleDataError as error:
            session.rollback()
            raise TransitionRefused(CHANGED_UNDER_YOU) from error
    return outcome


def _scoring_model(model: PmtModel) -> ScoringModel:
    weights = {(w.variable, w.choice or ""): w.weight for w in model.weights}
    return ScoringModel(model.intercept, weights, list(model.desil_cutoffs), model.id)


def run_pmt(session_factory: sessionmaker[Session], request: Request, period: str) -> RunOutcome:
    """Score every RECEIVED household (new/update/keep) with a visit; replace the period's results."""
    _require(request, "determine")
    period = check_period(period)
    outcome = RunOutcome()
    with session_factory() as session:
        begin_write(session)
        open_period(session, period)
        models = list(session.scalars(select(PmtModel).options(selectinload(PmtModel.weights))))
        proposals = session.scalars(
            select(Proposal)
            .where(Proposal.status == ProposalStatus.RECEIVED, Proposal.kind.in_(SCORED_KINDS))
            .options(
                selectinload(Proposal.household).selectinload(Household.members),
                selectinload(Proposal.household).selectinload(Household.visits),
            )
            .order_by(Proposal.id)
        )
        households = {p.household.id: p.household for p in proposals}
        session.execute(delete(PmtResult).where(PmtResult.period == period))
        scored: list[tuple[Household, PmtModel, float, dict[str, float]]] = []
        for household in households.values():
            if not household.visits:
                outcome.without_visit.append(household.id)
                continue
            model = choose_model(models, household.region_code[:5], period)
            if model is None:
                outcome.without_model.append(household.id)
                continue
            visit = max(household.visits, key=lambda v: (v.visited_on, v.id))
            result = score_answers(_scoring_model(model), visit_answers(visit, len(household.members)))
            scored.append((household, model, result.score, result.contributions))
        order = {hid: index for index, hid in enumerate(rank((h.id, score) for h, _, score, _ in scored))}
        for household, model, score, contributions in sorted(scored, key=lambda item: order[item[0].id]):
            session.add(
                PmtResult(
                    household_id=household.id,
                    period=period,
                    model_id=model.id,
                    score=score,
                    desil=desil_of(score, model.desil_cutoffs),
                    contributions=contributions,
                    region_code=household.region_code,
                )
            )
        session.commit()
        outcome.scored = len(scored)
    return outcome


@dataclass
class DeterminationOutcome:
    decree_id: int = 0
    determined: list[int] = field(default_factory=list)
    not_determined: list[int] = field(default_factory=list)
    unscored: list[int] = field(default_factory=list)


ABOVE_CUTOFF = "Desil di atas batas penetapan"


def _standing(session: Session, household: Household, period: str, decree: Decree) -> None:
    """The household's standing in this period (one row per household and period)."""
    row = session.scalar(
        select(HouseholdPeriod).where(HouseholdPeriod.household_id == household.id, HouseholdPeriod.period == period)
    )
    if row is None:
        row = HouseholdPeriod(household_id=household.id, period=period, region_code=household.region_code)
        session.add(row)
    row.dtks_status, row.desil, row.decree_id = household.dtks_status, household.desil, decree.id


def _apply_changes(household: Household, proposal: Proposal) -> None:
    try:
        apply_requested_changes(household, proposal.requested_changes or {})
    except ValueError as refusal:  # stored before the rule existed: refuse the whole SK, change nothing
        raise TransitionRefused(f"Usulan #{proposal.id}: {refusal}") from refusal


def determine(
    session_factory: sessionmaker[Session],
    request: Request,
    max_desil: int,
    *,
    period: str,
    number: str,
    decree_date: date | None,
    signer_name: str,
    signer_title: str,
) -> DeterminationOutcome:
    """The SK Penetapan for a quarter: every RECEIVED proposal determined or not, all or nothing.

    New/update/keep at or below `max_desil` (their PMT result of the period): DETERMINED, the household
    REGISTERED with its desil and period; above it: NOT_DETERMINED with the reason. Removals: DETERMINED,
    the household REMOVED. Proposals still without a PMT result of the period stay RECEIVED (reported).
    """
    _require(request, "determine")
    _require(request, "not_determine")
    period = check_period(period)
    number, signer_name = number.strip(), signer_name.strip()
    if not number or decree_date is None or not signer_name:
        raise TransitionRefused("Nomor, tanggal dan penandatangan SK Penetapan wajib diisi.")
    check_letter(number, decree_date, signer_name, signer_title.strip())
    outcome = DeterminationOutcome()
    with session_factory() as session:
        begin_write(session)
        open_period(session, period)
        proposals = list(
            session.scalars(
                select(Proposal)
                .where(Proposal.status == ProposalStatus.RECEIVED)
                .options(selectinload(Proposal.household), selectinload(Proposal.decrees))
                .order_by(Proposal.id)
            )
        )
        results = {r.household_id: r for r in session.scalars(select(PmtResult).where(PmtResult.period == period))}
        decided = [p for p in proposals if p.kind == ProposalKind.REMOVE or p.household_id in results]
        outcome.unscored = [p.id for p in proposals if p not in decided]
        if not decided:
            raise TransitionRefused("Tidak ada usulan diterima yang sudah dinilai PMT untuk periode ini.")
        decree = Decree(
            kind=DecreeKind.MINISTRY_DETERMINATION,
            region_code="",
            number=number,
            decree_date=decree_date,
            signer_name=signer_name,
            signer_title=signer_title.strip() or "Menteri Sosial",
            period=period,
            signed_at=datetime.now(UTC),
            proposals=decided,
        )
        session.add(decree)
        try:
            session.flush()
            for proposal in decided:
                household = proposal.household
                if proposal.kind == ProposalKind.REMOVE:
                    apply_recorded(session, actor_of(request), proposal, "determine", note=f"SK {number}")
                    household.dtks_status, household.desil, household.period = DtksStatus.REMOVED, None, period
                elif results[household.id].desil <= max_desil:
                    apply_recorded(session, actor_of(request), proposal, "determine", note=f"SK {number}")
                    if proposal.kind == ProposalKind.UPDATE:
                        _apply_changes(household, proposal)
                    household.dtks_status = DtksStatus.REGISTERED
                    household.desil, household.period = results[household.id].desil, period
                else:
                    apply_recorded(session, actor_of(request), proposal, "not_determine", note=ABOVE_CUTOFF)
                    outcome.not_determined.append(proposal.id)
                    continue
                outcome.determined.append(proposal.id)
                _standing(session, household, period, decree)
            snapshot_annex(session, decree)  # as determined: the requested changes are applied by now
            session.commit()
        except StaleDataError as error:
            session.rollback()
            raise TransitionRefused(CHANGED_UNDER_YOU) from error
        except IntegrityError as error:
            session.rollback()
            raise TransitionRefused("Nomor SK Penetapan tersebut sudah dipakai.") from error
        outcome.decree_id = decree.id
    return outcome
