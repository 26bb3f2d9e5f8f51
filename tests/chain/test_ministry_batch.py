"""The PMT run and the SK Penetapan in chunks and set-based statements write what the row-by-row ORM path wrote.

Each test builds the varied register of tests/chain/ministry_world.py, runs the reference (the ORM path the
batch code replaced, tests/chain/ministry_reference.py) and the step itself on the same data, each in its own
transaction rolled back afterwards, and compares every row written: results and their rank order, proposals,
history, households, standings, the decree with its links and annex, and every audit row with its snapshots.
Refusals leave nothing behind. SQLite and, with TEST_DATABASE_URL, PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.determination import NUMBER_TAKEN, DeterminationOutcome, determine
from chain.letters import Letter
from chain.pmt import PAGE, run_pmt
from chain.proposals import CHANGED_UNDER_YOU
from chain.store import begin_write, write_transaction
from console.database import make_session_factory
from models import Base, DecreeKind, Household, Proposal, ProposalKind, ProposalStatus, Role, User
from models.instrument import FloorMaterial
from models.refusals import Conflict, Refusal
from models.workflow import TransitionRefused
from tests.chain.batch_effects import TABLES, Effects, high_water
from tests.chain.ministry_reference import determine_by_rows, run_pmt_by_rows
from tests.chain.ministry_world import EARLY, PERIOD, World, build_world
from tests.factories import make_decree, make_proposal, make_user, make_visit

Step = Callable[[Session, Actor], Any]
LETTER = Letter("146/HUK/2026", date(2026, 10, 15), "Menteri Sosial")


@pytest.fixture
def world(db_session: Session) -> World:
    return build_world(db_session)


@pytest.fixture
def pusdatin(db_session: Session) -> User:
    user = make_user(db_session, Role.PUSDATIN, None, username="pusdatin_batch")
    db_session.commit()
    return user


def _effects(db_session: Session, user: User, step: Step, *, prepare: Step | None = None) -> tuple[Any, Effects]:
    """Run `step` as `user` in a transaction of its own, read what it wrote, roll it back."""
    actor = actor_for(db_session, user)
    db_session.rollback()
    with make_session_factory(db_session.get_bind())() as session:
        begin_write(session)
        marks, since = high_water(session), datetime.now(UTC)
        if prepare is not None:  # its rows are compared too
            run_as(user, lambda: prepare(session, actor))
        outcome = run_as(user, lambda: _flushed(session, step(session, actor)))
        effects = Effects(session, marks, since)
        session.rollback()
    return outcome, effects


def _flushed(session: Session, outcome: Any) -> Any:
    session.flush()  # as the acting user: the flush writes the ORM path's audit rows
    return outcome


def _assert_same(expected: tuple[Any, Effects], actual: tuple[Any, Effects]) -> None:
    (expected_outcome, expected_rows), (actual_outcome, actual_rows) = expected, actual
    if isinstance(actual_outcome, DeterminationOutcome):  # its decree's id comes from a sequence
        assert actual_outcome.decree_id and expected_outcome.decree_id
        actual_outcome, expected_outcome = replace(actual_outcome, decree_id=0), replace(expected_outcome, decree_id=0)
    assert actual_outcome == expected_outcome
    assert actual_rows.ranked == expected_rows.ranked
    for name, rows in expected_rows.tables.items():
        assert actual_rows.tables[name] == rows, name


@pytest.mark.parametrize("period", [EARLY, PERIOD])
def test_the_pmt_run_writes_what_the_row_by_row_run_wrote(
    db_session: Session, world: World, pusdatin: User, period: str
) -> None:
    expected = _effects(db_session, pusdatin, lambda session, actor: run_pmt_by_rows(session, actor, period))
    actual = _effects(db_session, pusdatin, lambda session, actor: run_pmt(session, actor, period))

    _assert_same(expected, actual)
    outcome = actual[0]
    assert outcome.without_visit == [world.household_id("unvisited")]
    if period == EARLY:  # only Kota Bima's own model is in force: Bulukumba's households have none
        assert outcome.without_model == [world.household_id(name) for name in ("rich", "tie_a", "tie_b")]
    else:
        assert outcome.scored == 8 and not outcome.without_model
        assert actual[1].ranked.index(world.household_id("tie_a")) + 1 == actual[1].ranked.index(
            world.household_id("tie_b")
        )


def test_the_pmt_run_reads_the_register_a_page_at_a_time(
    db_session: Session, world: World, pusdatin: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _effects(db_session, pusdatin, lambda session, actor: run_pmt_by_rows(session, actor, PERIOD))
    monkeypatch.setattr("chain.pmt.PAGE", 2)  # pages end between the two proposals of one household, and elsewhere
    actual = _effects(db_session, pusdatin, lambda session, actor: run_pmt(session, actor, PERIOD))

    _assert_same(expected, actual)
    assert PAGE > 2


def _scored(session: Session, actor: Actor) -> None:
    run_pmt(session, actor, PERIOD)


@pytest.mark.parametrize("max_desil", [5, 10, 1])
def test_the_sk_penetapan_writes_what_the_row_by_row_sk_wrote(
    db_session: Session, world: World, pusdatin: User, max_desil: int
) -> None:
    def by_rows(session: Session, actor: Actor) -> Any:
        return determine_by_rows(session, actor, PERIOD, LETTER, max_desil=max_desil)

    def set_based(session: Session, actor: Actor) -> Any:
        return determine(session, actor, PERIOD, LETTER, max_desil=max_desil)

    expected = _effects(db_session, pusdatin, by_rows, prepare=_scored)
    actual = _effects(db_session, pusdatin, set_based, prepare=_scored)

    _assert_same(expected, actual)
    assert actual[0].unscored == [world.id("unvisited")]


# --- refusals: the whole SK or nothing -------------------------------------------------------------


def _register(session: Session) -> dict[str, Any]:
    """What a refused SK must leave as it was: every row count, and each proposal's status and version."""
    counts = {name: session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) for name in TABLES}
    proposals = sorted(tuple(row) for row in session.execute(select(Proposal.id, Proposal.status, Proposal.version)))
    households = sorted(
        tuple(row) for row in session.execute(select(Household.id, Household.dtks_status, Household.rt))
    )
    return {"counts": counts, "proposals": proposals, "households": households}


def _refused_sk(db_session: Session, user: User, letter: Letter = LETTER) -> Refusal:
    """The SK Penetapan of PERIOD as the CLI runs it (its own committed transaction), which must be refused."""
    actor = actor_for(db_session, user)
    db_session.rollback()
    sessions = make_session_factory(db_session.get_bind())

    def sk(session: Session) -> Any:
        return determine(session, actor, PERIOD, letter, max_desil=10)

    with pytest.raises(Refusal) as refused:
        run_as(user, lambda: write_transaction(sessions, sk, taken=NUMBER_TAKEN))
    db_session.expire_all()
    return refused.value


def _scored_world(db_session: Session, user: User) -> None:
    actor = actor_for(db_session, user)
    db_session.rollback()
    sessions = make_session_factory(db_session.get_bind())
    run_as(user, lambda: write_transaction(sessions, lambda session: run_pmt(session, actor, PERIOD)))


@pytest.fixture
def scored_world(db_session: Session, world: World, pusdatin: User) -> World:
    _scored_world(db_session, pusdatin)
    return world


def test_a_proposal_moved_by_another_official_meanwhile_refuses_the_whole_sk(
    db_session: Session, scored_world: World, pusdatin: User
) -> None:
    before = _register(db_session)
    moved = scored_world.id("farmer")

    def another_official_first(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().startswith("UPDATE proposal SET status") and not conn.info.get("moved"):
            conn.info["moved"] = True  # between the SK's read and its write, on the row it read
            cursor.execute(f"UPDATE proposal SET version = version + 1 WHERE id = {moved}")

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", another_official_first)
    try:
        refusal = _refused_sk(db_session, pusdatin)
    finally:
        event.remove(engine, "before_cursor_execute", another_official_first)

    assert isinstance(refusal, Conflict) and str(refusal) == CHANGED_UNDER_YOU
    assert _register(db_session) == before


def test_a_decree_number_already_used_refuses_the_whole_sk(
    db_session: Session, scored_world: World, pusdatin: User
) -> None:
    signed = datetime(2026, 7, 20, tzinfo=UTC)
    make_decree(
        db_session, DecreeKind.MINISTRY_DETERMINATION, "", number=LETTER.number, period="2026-07", signed_at=signed
    )
    db_session.commit()
    before = _register(db_session)

    refusal = _refused_sk(db_session, pusdatin)

    assert isinstance(refusal, Conflict) and str(refusal) == NUMBER_TAKEN
    assert _register(db_session) == before


def test_an_update_whose_requested_change_breaks_the_rule_refuses_the_whole_sk(
    db_session: Session, world: World, pusdatin: User
) -> None:
    # Stored before the rule existed (the JSON is older than the rule): the first such proposal by id is named.
    bad = [
        make_proposal(db_session, ProposalStatus.RECEIVED, kind=ProposalKind.UPDATE, requested_changes=changes)
        for changes in ({"rt": "12345"}, {"kk": "baru"})
    ]
    for proposal in bad:
        make_visit(db_session, proposal.household, proposal, floor_material=FloorMaterial.EARTH)
    db_session.commit()
    _scored_world(db_session, pusdatin)
    before = _register(db_session)

    refusal = _refused_sk(db_session, pusdatin)

    assert isinstance(refusal, TransitionRefused) and str(refusal).startswith(f"Usulan #{bad[0].id}: RT ")
    assert _register(db_session) == before
