"""A property over random registers and users: every row a user can list, count or open lies inside their scope.

Records are spread by hypothesis over random villages of two real provinces; the user gets a random
role and a random region of that role's level. The queries are the views' own (list, count, details),
so this covers the same code the list, details, edit and delete pages run.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session
from starlette.requests import Request

from console.app import create_app
from console.database import make_session_factory
from console.settings import Settings
from console.views.base import DtksModelView
from models import Household, Member, Proposal, ProposalKind, Role, User
from models.region_codes import RegionLevel
from policies.scope import Scope
from tests.factories import make_household

LEVEL_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.REGENCY: 5, RegionLevel.KECAMATAN: 8, RegionLevel.VILLAGE: 13}


@pytest.fixture(scope="module")
def views(settings: Settings, engine: Engine, regions: frozenset[str]) -> dict[str, DtksModelView]:
    app = create_app(settings)
    return {view.identity: view for view in app.state.admin.views if isinstance(view, DtksModelView)}


@pytest.fixture(scope="module")
def villages(regions: frozenset[str]) -> list[str]:
    # Two regencies of NTB and one of South Sulawesi: siblings, cousins and strangers all occur.
    return sorted(code for code in regions if len(code) == 13 and code[:5] in {"52.72", "52.71", "73.02"})


@pytest.fixture
def property_session(engine: Engine, regions: frozenset[str]) -> Iterator[Session]:
    with make_session_factory(engine)() as session:
        yield session
        session.rollback()
        session.execute(delete(Proposal))
        session.execute(delete(Household))
        session.commit()


def _request_as(user: User, pk: object = None) -> Request:
    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b"", "state": {}}
    scope["path_params"] = {"pk": str(pk)} if pk is not None else {}
    request = Request(scope)
    request.state.user = user
    return request


def _user(role: Role, region: str | None) -> User:
    return User(username="acak", full_name="Acak", role=role, scope_region_code=region, is_active=True)


@st.composite
def registers_and_users(draw: st.DrawFn, villages: list[str]) -> tuple[list[str], User]:
    placed = draw(st.lists(st.sampled_from(villages), min_size=1, max_size=12))
    role = draw(st.sampled_from(list(Role)))
    level = role.scope_level
    if level is None:
        return placed, _user(role, None)
    anchor = draw(st.sampled_from(villages))
    return placed, _user(role, anchor[: LEVEL_LENGTH[level]])


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_listed_counted_or_opened_row_lies_inside_the_users_scope(
    data: st.DataObject, views: dict[str, DtksModelView], villages: list[str], property_session: Session
) -> None:
    placed, user = data.draw(registers_and_users(villages))
    session = property_session
    session.execute(delete(Proposal))
    session.execute(delete(Household))
    session.expunge_all()  # ids are reused after the deletes; forget the previous example's objects
    for village in placed:
        household = make_household(session, region_code=village, members=2)
        session.add(Proposal(kind=ProposalKind.NEW, household=household, region_code=village))
    session.flush()
    scope = Scope.of(user)
    expected = {"household": 0, "member": 0, "proposal": 0}
    for village in placed:
        inside = scope.holds(village)
        expected["household"] += inside
        expected["member"] += 2 * inside
        expected["proposal"] += inside

    for identity, model in (("household", Household), ("member", Member), ("proposal", Proposal)):
        listed = session.scalars(views[identity].list_query(_request_as(user))).unique().all()
        assert all(scope.holds(row.region_code) for row in listed)
        counted = session.scalar(
            select(func.count()).select_from(views[identity].list_query(_request_as(user)).subquery())
        )
        assert counted == len(listed) == expected[identity]
        for row in session.scalars(select(model)):
            opened = session.scalars(views[identity].details_query(_request_as(user, row.id))).unique().first()
            assert (opened is not None) == scope.holds(row.region_code)
