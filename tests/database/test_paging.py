"""database/paging.py: a deep page found by its keys first holds exactly the rows, in the order, of the plain
OFFSET page, on both engines, and keeps every condition of the list (its scope) on the rows it returns."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from database.paging import keyed_page, offset_of
from models import Household
from policies.scope import Scope
from tests.factories import DEFAULT_VILLAGE, make_household

OTHER_VILLAGE = "52.72.01.1002"
OTHER_KECAMATAN_VILLAGE = "52.72.02.1004"


@pytest.fixture
def register(db_session: Session) -> None:
    for index in range(36):
        village = (DEFAULT_VILLAGE, OTHER_VILLAGE, OTHER_KECAMATAN_VILLAGE)[index % 3]
        make_household(db_session, region_code=village, members=0, rt=f"{index % 4:03d}")
    db_session.commit()


def _ids(session: Session, statement: Select[Any]) -> list[int]:
    return [household.id for household in session.scalars(statement).unique()]


ORDERS = {
    "newest": (Household.id.desc(),),
    "rt-then-id": (Household.rt, Household.id),  # a column with ties, made total by the key
}


@pytest.mark.usefixtures("register")
@pytest.mark.parametrize("order", sorted(ORDERS))
@pytest.mark.parametrize("offset", [0, 3, 10, 20, 23, 40])
def test_a_keyed_page_is_the_plain_page(db_session: Session, order: str, offset: int) -> None:
    listed = (
        select(Household)
        .options(selectinload(Household.region))
        .where(Scope("52.72.01").condition(Household.region_code))
        .order_by(*ORDERS[order])
    )
    plain = listed.limit(5).offset(offset)
    keyed = keyed_page(plain, Household.id, deep_from=1)

    assert _ids(db_session, keyed) == _ids(db_session, plain)
    assert offset == 0 or "IN (SELECT household.id" in str(keyed)
    assert {household.region_code for household in db_session.scalars(keyed)} <= {DEFAULT_VILLAGE, OTHER_VILLAGE}


def test_a_shallow_page_is_left_as_it_is() -> None:
    plain = select(Household).order_by(Household.id.desc()).limit(25).offset(975)
    assert keyed_page(plain, Household.id) is plain
    assert offset_of(plain) == 975 and offset_of(select(Household)) == 0
    assert "IN (SELECT" in str(keyed_page(plain.offset(1000), Household.id))
