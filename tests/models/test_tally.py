"""The tallies follow committed work only: a rollback, whole or to a savepoint, leaves them as the register is,
and on PostgreSQL no delta outlives the commit that folded it (models/tally.py). SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from models import Household
from models.household import DtksStatus
from models.tally import TallyDelta, TallyPending
from tests.factories import DEFAULT_VILLAGE, make_household
from tests.tally_recount import assert_tallies_match, household_tallies

NEIGHBOUR = "52.72.01.1002"


def _pending(session: Session) -> tuple[int, int]:
    deltas = session.scalar(select(func.count()).select_from(TallyDelta))
    marks = session.scalar(select(func.count()).select_from(TallyPending))
    return deltas or 0, marks or 0


def test_a_rolled_back_transaction_leaves_the_tallies_as_they_were(db_session: Session) -> None:
    make_household(db_session, dtks_status=DtksStatus.REGISTERED, desil=2, period="2026-10")
    db_session.commit()
    before = household_tallies(db_session)

    make_household(db_session, region_code=NEIGHBOUR)
    db_session.execute(update(Household).values(desil=9))
    db_session.rollback()

    assert household_tallies(db_session) == before
    assert_tallies_match(db_session)
    assert _pending(db_session) == (0, 0)


def test_a_savepoint_rolled_back_takes_its_changes_with_it_and_the_rest_is_counted(db_session: Session) -> None:
    kept = make_household(db_session)
    with db_session.begin_nested() as savepoint:
        make_household(db_session, region_code=NEIGHBOUR, dtks_status=DtksStatus.REGISTERED, desil=5)
        savepoint.rollback()
    kept.dtks_status, kept.desil, kept.period = DtksStatus.REGISTERED, 3, "2026-07"
    db_session.commit()

    assert_tallies_match(db_session)
    registered = {key: n for key, n in household_tallies(db_session).items() if key[0] == 4}
    assert registered == {(4, DEFAULT_VILLAGE, "terdaftar", 3, "2026-07"): 1}


def test_many_statements_of_one_transaction_are_counted_once_each_and_leave_no_delta(db_session: Session) -> None:
    households = [make_household(db_session, members=0) for _ in range(30)]
    for number, household in enumerate(households):  # one UPDATE per household, as the ORM flushes them
        household.dtks_status, household.desil, household.period = DtksStatus.REGISTERED, number % 10 + 1, "2026-10"
        db_session.flush()
    db_session.commit()

    assert_tallies_match(db_session)
    assert _pending(db_session) == (0, 0)
