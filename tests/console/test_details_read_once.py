"""A details page reads its row and the relations it shows once (console/views/base.get_object_for_details):
sqladmin asks for the object to check `check_can_view_details` and again to render it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import Role
from tests.console.test_exports import client_as
from tests.factories import make_household


def test_a_households_details_page_loads_its_members_once(app: Starlette, db_session: Session) -> None:
    household = make_household(db_session, members=3)
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = f"/admin/household/details/{household.id}"
    client.get(page)
    statements: list[str] = []

    def counted(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(app.state.engine, "before_cursor_execute", counted)
    try:
        response = client.get(page)
    finally:
        event.remove(app.state.engine, "before_cursor_execute", counted)

    assert response.status_code == 200
    assert all(member.name in response.text for member in household.members)
    assert len([statement for statement in statements if statement.startswith("SELECT member.")]) == 1, statements
