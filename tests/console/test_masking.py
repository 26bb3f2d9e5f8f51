"""Roles without ("nik", "view_full") see NIK and No. KK masked (`5272**********01`) in lists and details."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.app import create_app
from console.settings import Settings
from models import Role
from models.identity import mask_identity_number
from tests.conftest import log_in
from tests.factories import make_household, make_user

VILLAGE = "52.72.01.1001"


def test_masking_keeps_the_first_four_and_last_two_digits() -> None:
    assert mask_identity_number("5272014505800001") == "5272**********01"
    assert mask_identity_number("") == ""


@pytest.mark.parametrize(
    ("role", "scope", "full"),
    [
        (Role.OPERATOR_DESA, VILLAGE, True),
        (Role.KEPALA_DESA, VILLAGE, False),
        (Role.TKSK, VILLAGE[:8], False),
        (Role.OPERATOR_DINSOS, "52.72", True),
        (Role.KABID, "52.72", False),
    ],
    ids=lambda value: getattr(value, "value", None) if isinstance(value, Role) else None,
)
def test_identity_numbers_are_shown_in_full_only_to_roles_that_need_them(
    role: Role, scope: str, full: bool, settings: Settings, engine: object, regions: frozenset[str], db_session: Session
) -> None:
    household = make_household(db_session, region_code=VILLAGE, members=2)
    user = make_user(db_session, role, scope, username=f"lihat_{role.value}")
    db_session.commit()
    nik = household.members[0].nik
    with TestClient(create_app(settings)) as client:
        log_in(client, user.username)
        pages = [
            client.get("/admin/member/list").text,
            client.get(f"/admin/member/details/{household.members[0].id}").text,
            client.get("/admin/household/list").text,
            client.get(f"/admin/household/details/{household.id}").text,
        ]

    for page in pages:
        assert (nik in page or household.no_kk in page) is full
        if not full:
            assert mask_identity_number(household.no_kk) in page or mask_identity_number(nik) in page
