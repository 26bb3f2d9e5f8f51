"""The typed helpers of models/base.py: a model's Table, the CursorResult of a Core DML statement."""

from __future__ import annotations

import pytest
from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from models import Household, Member
from models.base import cursor_of, table_of
from models.session import UserSession
from tests.factories import make_household


@pytest.mark.parametrize(
    ("model", "name"), [(Household, "household"), (Member, "member"), (UserSession, "user_session")]
)
def test_a_model_is_mapped_to_its_named_table(model: type, name: str) -> None:
    table = table_of(model)

    assert isinstance(table, Table) and table.name == name
    assert table is model.__table__


def test_a_core_delete_reports_how_many_rows_it_removed(db_session: Session) -> None:
    make_household(db_session, members=3)
    db_session.flush()
    members = table_of(Member)

    result = cursor_of(db_session.execute(delete(members).where(members.c.household_id.is_not(None))))

    assert result.rowcount == 3


def test_an_orm_query_result_is_not_taken_for_a_dml_result(db_session: Session) -> None:
    with pytest.raises(TypeError, match="not the result of a Core DML statement"):
        cursor_of(db_session.execute(select(Household)))
