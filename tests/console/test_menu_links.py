"""The sidebar links to the province forwarding page and the ministry desk, shown only to who may open them."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from models import Role
from tests.conftest import log_in
from tests.console_client import ConsoleClient
from tests.factories import make_user

FORWARDING = 'href="http://testserver/admin/decree/forwarding"'
DESK = 'href="http://testserver/admin/pmt-model/desk"'


@pytest.mark.parametrize(
    ("role", "scope", "sees_forwarding", "sees_desk"),
    [
        (Role.OPERATOR_PROVINSI, "52", True, False),
        (Role.PUSDATIN, None, False, True),
        (Role.OPERATOR_DESA, "52.72.01.1001", False, False),
        (Role.OPERATOR_DINSOS, "52.72", False, False),
    ],
    ids=lambda value: value.value if isinstance(value, Role) else None,
)
def test_menu_offers_the_forwarding_page_and_ministry_desk_only_to_who_may_open_them(
    role: Role, scope: str | None, sees_forwarding: bool, sees_desk: bool, client: ConsoleClient, db_session: Session
) -> None:
    make_user(db_session, role, scope, username="menu_uji")
    db_session.commit()
    log_in(client, "menu_uji")

    menu = client.get("/admin/dashboard").text

    assert (FORWARDING in menu, DESK in menu) == (sees_forwarding, sees_desk)
    # The menu and the page answer the same question.
    assert (client.get("/admin/decree/forwarding").status_code == 200) == sees_forwarding
    assert (client.get("/admin/pmt-model/desk").status_code == 200) == sees_desk


def test_the_forwarding_link_is_marked_active_on_its_page(client: ConsoleClient, db_session: Session) -> None:
    make_user(db_session, Role.OPERATOR_PROVINSI, "52", username="menu_uji")
    db_session.commit()
    log_in(client, "menu_uji")

    page = client.get("/admin/decree/forwarding").text

    assert f'class="nav-link ps-lg-3 active"\n          {FORWARDING}' in page
    assert "Penerusan SK" in page


@pytest.mark.parametrize(
    ("role", "scope", "shown", "hidden"),
    [
        (Role.KEPALA_DESA, "52.72.01.1001", {"Alur Usulan", "Register DTKS"}, {"Kementerian", "Layanan"}),
        (Role.PETUGAS_LAYANAN, "52.72", {"Layanan"}, {"Alur Usulan", "Kementerian"}),
        (Role.PUSDATIN, None, {"Kementerian"}, set()),
    ],
    ids=lambda value: value.value if isinstance(value, Role) else None,
)
def test_a_menu_category_shows_only_when_the_user_may_open_one_of_its_entries(
    role: Role, scope: str | None, shown: set[str], hidden: set[str], client: ConsoleClient, db_session: Session
) -> None:
    make_user(db_session, role, scope, username="menu_uji")
    db_session.commit()
    log_in(client, "menu_uji")

    menu = client.get("/admin/dashboard").text

    for category in shown:
        assert f'data-sqladmin-menu-category="{category}"' in menu
    for category in hidden:
        assert f'data-sqladmin-menu-category="{category}"' not in menu
