"""The determination period is one rule: the code (models/periods.py) and the database CHECKs agree on every period."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from models.periods import PERIOD_MESSAGE, is_period, parse_period
from models.refusals import Invalid
from tests.factories import make_decree, make_household

QUARTERS = ["2026-01", "2026-04", "2026-07", "2026-10", "1999-10", "2100-01"]
NOT_QUARTERS = [
    "2026-02", "2026-03", "2026-05", "2026-11", "2026-12", "2026-13", "2026-00",  # a month outside the quarters
    "2026-1", "26-01", "20261-01", "2026/01", "2026_10", "2026-1O", "abcd-01",  # not the TTTT-BB shape
    "2026-01 ", " 2026-01", "2026-01\n", "",  # something around it (the parser strips spaces; the rule does not)
    "２０２６-01", "٢٠٢٦-01", "202६-04",  # digits that are not ASCII (Python's \d would take them)
]  # fmt: skip


def _stored(session: Session, table: str, row_id: int, period: str) -> str | None:
    """The period the database holds after storing `period` in `table`'s row, None when it refuses; undone after.

    PostgreSQL cuts trailing spaces past VARCHAR(7) without an error (the SQL standard), so it may hold less.
    """
    savepoint = session.begin_nested()
    try:
        session.execute(text(f"UPDATE {table} SET period = :period WHERE id = :id"), {"period": period, "id": row_id})
        held = session.execute(text(f"SELECT period FROM {table} WHERE id = :id"), {"id": row_id}).scalar_one()
    except (IntegrityError, DataError):  # DataError: PostgreSQL refuses a value past VARCHAR(7) first
        savepoint.rollback()
        return None
    savepoint.rollback()
    return held


def _row_of(session: Session, table: str) -> int:
    if table == "household":
        return make_household(session).id
    return make_decree(session).id


@pytest.mark.parametrize("table", ["household", "decree"])
@pytest.mark.parametrize("period", QUARTERS + NOT_QUARTERS)
def test_the_code_and_the_database_accept_the_same_periods(db_session: Session, table: str, period: str) -> None:
    row_id = _row_of(db_session, table)

    held = _stored(db_session, table, row_id, period)

    assert (held == period) == is_period(period) == (period in QUARTERS)
    assert held is None or is_period(held)  # the database never holds a period the code refuses


@pytest.mark.parametrize("table", ["household", "decree"])
def test_a_row_without_a_period_is_accepted_by_the_database(db_session: Session, table: str) -> None:
    row_id = _row_of(db_session, table)

    assert db_session.execute(text(f"UPDATE {table} SET period = NULL WHERE id = {row_id}")).rowcount == 1


@pytest.mark.parametrize(("typed", "period"), [("2026-10", "2026-10"), ("  2027-01 ", "2027-01")])
def test_the_parser_gives_the_period_typed_without_surrounding_spaces(typed: str, period: str) -> None:
    assert parse_period(typed) == period


@pytest.mark.parametrize("typed", ["2026-03", "2026-13", "", None, "٢٠٢٦-01"])
def test_the_parser_refuses_anything_else_as_invalid_with_the_field(typed: str | None) -> None:
    with pytest.raises(Invalid) as refused:
        parse_period(typed)

    assert str(refused.value) == PERIOD_MESSAGE
    assert refused.value.fields == {"period": PERIOD_MESSAGE}
