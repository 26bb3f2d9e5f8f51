"""database/counting.py: exact below the bound on both engines, the planner's estimate above it on PostgreSQL
(marked, never below what was counted), exact on SQLite; the list's ORDER BY and bound values are kept out of harm."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from database.counting import count_rows
from models import Household
from tests.factories import DEFAULT_VILLAGE, make_household

OTHER_VILLAGE = "52.72.01.1002"


def _register(session: Session, here: int, there: int) -> None:
    for _ in range(here):
        make_household(session, members=0)
    for _ in range(there):
        make_household(session, region_code=OTHER_VILLAGE, members=0)
    session.commit()


def test_a_list_below_the_bound_is_counted_exactly_whatever_its_order(db_session: Session) -> None:
    _register(db_session, 7, 3)
    listed = select(Household).where(Household.region_code == DEFAULT_VILLAGE).order_by(Household.id.desc())

    assert count_rows(db_session, listed, exact_up_to=10).rows == 7
    assert count_rows(db_session, listed, exact_up_to=10).exact
    assert count_rows(db_session, listed, exact_up_to=7).rows == 7  # the bound itself is still exact


def test_above_the_bound_postgresql_estimates_and_sqlite_counts(db_session: Session) -> None:
    _register(db_session, 12, 3)
    db_session.execute(select(Household.id))  # any statement: the session holds a connection
    if db_session.get_bind().dialect.name == "postgresql":
        db_session.connection().exec_driver_sql("ANALYZE household")
    listed = select(Household).where(Household.region_code == DEFAULT_VILLAGE).order_by(Household.no_kk)

    counted = count_rows(db_session, listed, exact_up_to=5)

    if db_session.get_bind().dialect.name == "postgresql":
        assert not counted.exact and counted.rows >= 6  # at least what was counted up to the bound
    else:
        assert counted.exact and counted.rows == 12


def test_a_term_with_quotes_is_a_bound_value_in_the_estimate_too(db_session: Session) -> None:
    _register(db_session, 8, 0)
    term = "O'Brien'); DROP TABLE household; --"
    listed = select(Household).where(Household.head_name != term)

    assert count_rows(db_session, listed, exact_up_to=3).rows >= 4
    assert db_session.scalars(select(Household.id)).all()  # the table is still there
