"""A details page reads its row and the relations it shows once (console/views/base.get_object_for_details):
sqladmin asks for the object to check `check_can_view_details` and again to render it."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import Role
from tests.console.test_exports import client_as
from tests.factories import make_household
from tests.sent_statements import statements_sent


def test_a_households_details_page_loads_its_members_once(app: Starlette, db_session: Session) -> None:
    household = make_household(db_session, members=3)
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = f"/admin/household/details/{household.id}"
    client.get(page)
    with statements_sent(app.state.engine) as statements:
        response = client.get(page)

    assert response.status_code == 200
    assert all(member.name in response.text for member in household.members)
    members_read = [statement for statement in statements if " ".join(statement.split()).startswith("SELECT member.")]
    assert len(members_read) == 1, statements
