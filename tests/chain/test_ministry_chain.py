"""The ministry's steps driven only through chain/: NIK matching, the PMT run and the SK Penetapan, with refusals.

No request and no page: each test opens its session, builds the actor as the CLI does (`actor_for`), runs the
core function as that user (`run_as`) and commits with `commit_or_conflict`, as every caller of the core does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.determination import ABOVE_CUTOFF, NUMBER_TAKEN, determine
from chain.letters import Letter
from chain.nik_matching import ALREADY_REGISTERED, INVALID_NIK, match_nik
from chain.pmt import run_pmt
from chain.store import write_transaction
from console.database import make_session_factory
from models import (
    AuditAction,
    AuditEntry,
    Decree,
    DtksStatus,
    PmtResult,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    Role,
    User,
)
from models.periods import PERIOD_MESSAGE
from models.refusals import Conflict, Invalid, NotAllowed, Refusal
from tests.factories import (
    make_pmt_model,
    make_proposal,
    make_user,
)
from tests.ministry_cases import make_scored_proposal, nik_matching_cases, pmt_run_cases

LETTER = Letter("146/HUK/2026", date(2026, 10, 15), "Menteri Sosial", "Menteri Sosial RI")
Step = Callable[[Session, Actor], Any]


def _user(session: Session, role: Role = Role.PUSDATIN, scope: str | None = None) -> User:
    user = make_user(session, role, scope, username=f"inti_{role.value}")
    session.commit()
    return user


def _run(db_session: Session, user: User, step: Step, *, taken: str | None = None) -> Any:
    """The core step as the CLI runs it: its own session and transaction, as `user`, committed or refused."""
    actor = actor_for(db_session, user)
    sessions = make_session_factory(db_session.get_bind())  # the app's and the CLI's factory, with its hooks

    def work() -> Any:
        return write_transaction(sessions, lambda session: step(session, actor), taken=taken)

    db_session.rollback()  # the test's session holds no transaction while the step writes
    return run_as(user, work)


def _status(session: Session, proposal: Proposal) -> ProposalStatus:
    session.expire_all()
    return session.get(Proposal, proposal.id).status


def test_nik_matching_receives_a_valid_household_and_rejects_the_others_with_their_reason(db_session: Session) -> None:
    good, invalid, duplicate = nik_matching_cases(db_session)
    user = _user(db_session)

    outcome = _run(db_session, user, lambda session, actor: match_nik(session, actor))

    assert good.id in outcome.received
    assert outcome.rejected[invalid.id] == INVALID_NIK and outcome.rejected[duplicate.id] == ALREADY_REGISTERED
    assert _status(db_session, good) == ProposalStatus.RECEIVED
    assert _status(db_session, invalid) == _status(db_session, duplicate) == ProposalStatus.REJECTED_MINISTRY
    audited = db_session.scalars(
        select(AuditEntry.actor_name).where(
            AuditEntry.action == AuditAction.TRANSITION, AuditEntry.object_id == str(good.id)
        )
    )
    assert set(audited) == {user.username}  # run_as: the trail names the user, as the console's requests do


def test_the_pmt_run_scores_every_visited_received_household_and_reports_the_rest(db_session: Session) -> None:
    poor, rich, unvisited = pmt_run_cases(db_session)
    user = _user(db_session)

    outcome = _run(db_session, user, lambda session, actor: run_pmt(session, actor, " 2026-10 "))

    assert (outcome.period, outcome.scored) == ("2026-10", 2)
    assert unvisited.household_id in outcome.without_visit
    db_session.expire_all()
    results = {
        r.household_id: r.desil for r in db_session.scalars(select(PmtResult).where(PmtResult.period == "2026-10"))
    }
    assert results == {poor.household_id: 2, rich.household_id: 7}


def _determine(session: Session, actor: Actor, period: str = "2026-10", letter: Letter = LETTER) -> Any:
    return determine(session, actor, period, letter, max_desil=4)


def test_the_determination_registers_below_the_cutoff_and_refuses_above_it_with_the_reason(db_session: Session) -> None:
    model = make_pmt_model(db_session)
    poor, better_off = (
        make_scored_proposal(db_session, model, ProposalKind.NEW, 3),
        make_scored_proposal(db_session, model, ProposalKind.NEW, 7),
    )
    unscored = make_scored_proposal(db_session, model, ProposalKind.KEEP, None)
    user = _user(db_session)

    outcome = _run(db_session, user, _determine, taken=NUMBER_TAKEN)

    assert (outcome.determined, outcome.not_determined, outcome.unscored) == ([poor.id], [better_off.id], [unscored.id])
    household = db_session.get(Proposal, poor.id).household
    assert (household.dtks_status, household.desil, household.period) == (DtksStatus.REGISTERED, 3, "2026-10")
    decree = db_session.get(Decree, outcome.decree_id)
    assert (decree.number, decree.period, decree.signed_at is not None) == ("146/HUK/2026", "2026-10", True)
    refused_note = select(ProposalHistory.note).where(
        ProposalHistory.proposal_id == better_off.id, ProposalHistory.to_status == ProposalStatus.NOT_DETERMINED
    )
    note = db_session.scalar(refused_note)
    assert note == ABOVE_CUTOFF


STEPS: dict[str, Step] = {
    "nik matching": lambda session, actor: match_nik(session, actor),
    "pmt run": lambda session, actor: run_pmt(session, actor, "2026-10"),
    "determination": _determine,
}


@pytest.mark.parametrize("step", STEPS.values(), ids=STEPS.keys())
@pytest.mark.parametrize(("role", "scope"), [(Role.OPERATOR_PROVINSI, "52"), (Role.OPERATOR_DINSOS, "52.72")])
def test_a_role_outside_the_ministry_is_not_allowed_and_nothing_changes(
    db_session: Session, step: Step, role: Role, scope: str
) -> None:
    forwarded = make_proposal(db_session, ProposalStatus.FORWARDED, members=2)
    user = _user(db_session, role, scope)

    with pytest.raises(NotAllowed):
        _run(db_session, user, step)

    assert _status(db_session, forwarded) == ProposalStatus.FORWARDED


# The two steps that take a period: (session, actor, period) -> outcome.
PERIOD_STEPS: dict[str, Callable[[Session, Actor, str], Any]] = {
    "pmt run": run_pmt,
    "determination": lambda session, actor, period: _determine(session, actor, period),
}


@pytest.mark.parametrize("name", PERIOD_STEPS.keys())
@pytest.mark.parametrize("period", ["2026-03", "2026-13", "2026-1", "", "٢٠٢٦-10"])
def test_a_period_outside_the_quarters_is_invalid(db_session: Session, name: str, period: str) -> None:
    user, step = _user(db_session), PERIOD_STEPS[name]

    with pytest.raises(Invalid) as refused:
        _run(db_session, user, lambda session, actor: step(session, actor, period))

    assert str(refused.value) == PERIOD_MESSAGE and refused.value.fields == {"period": PERIOD_MESSAGE}
    assert db_session.scalar(select(Decree)) is None


@pytest.mark.parametrize("name", PERIOD_STEPS.keys())
def test_a_determined_period_is_a_conflict_for_every_later_step(db_session: Session, name: str) -> None:
    model = make_pmt_model(db_session)
    make_scored_proposal(db_session, model, ProposalKind.NEW, 2)
    user = _user(db_session)
    _run(db_session, user, _determine)
    make_proposal(
        db_session, ProposalStatus.RECEIVED, members=2
    )  # received after the SK: its period is closed all the same
    db_session.commit()
    step = PERIOD_STEPS[name]

    with pytest.raises(Conflict, match="2026-10"):
        _run(db_session, user, lambda session, actor: step(session, actor, "2026-10"))


def test_a_second_sk_penetapan_with_a_used_number_is_a_conflict(db_session: Session) -> None:
    model = make_pmt_model(db_session)
    make_scored_proposal(db_session, model, ProposalKind.NEW, 2)
    user = _user(db_session)
    _run(db_session, user, _determine)
    later = make_proposal(db_session, ProposalStatus.RECEIVED, members=2, kind=ProposalKind.REMOVE)
    db_session.commit()

    with pytest.raises(Refusal) as refused:
        _run(db_session, user, lambda session, actor: _determine(session, actor, "2027-01"), taken=NUMBER_TAKEN)

    assert isinstance(refused.value, Conflict) and str(refused.value) == NUMBER_TAKEN
    assert _status(db_session, later) == ProposalStatus.RECEIVED
