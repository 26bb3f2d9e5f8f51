"""A deep list page is found by its keys first (database/paging.py through console/sqladmin_door.DeepPagesByKey):
the same rows, in the same order, within the official's scope, as the plain OFFSET page; sqladmin's list hands
the door the page's statement with its LIMIT and OFFSET (the contract the override rests on)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.views.households import HouseholdView
from models import Role
from tests.console.test_exports import client_as
from tests.factories import make_household
from tests.reports.export_checks import OTHER_REGENCY_VILLAGE
from tests.sent_statements import statements_sent

PAGE = "/admin/household/list?page=3&pageSize=10"


def _listed(html: str) -> list[int]:
    return list(dict.fromkeys(int(pk) for pk in re.findall(r"/admin/household/details/(\d+)", html)))


def test_a_deep_page_lists_the_rows_of_the_plain_page_within_scope(
    app: Starlette, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = [make_household(db_session, members=0).id for _ in range(30)]
    foreign = {make_household(db_session, region_code=OTHER_REGENCY_VILLAGE, members=0).id for _ in range(5)}
    db_session.commit()
    client = client_as(app, db_session, Role.OPERATOR_DINSOS, "52.72")
    plain = _listed(client.get(PAGE).text)

    monkeypatch.setattr(HouseholdView, "deep_page_from", 10)
    with statements_sent(app.state.engine) as statements:
        keyed = _listed(client.get(PAGE).text)

    assert keyed == plain == sorted(here, reverse=True)[20:30]
    assert not foreign & set(keyed)
    assert any("IN (SELECT household.id" in statement for statement in statements), statements
