"""The list rows worked out before rendering (views/base.py `listed_rows`, console/sqladmin_door.list_cells) and
rendered without Jinja's async mode are sqladmin's own rows: the same markup as sqladmin's original row loop
(the lines the "dtks_rows" carve replaces) rendered by its async environment, where no row is locked."""

from __future__ import annotations

import re

import pytest
from jinja2 import Environment
from sqlalchemy.orm import Session
from starlette.applications import Starlette

import console.app
from console import sqladmin_door
from console.settings import Settings
from models import Role
from tests.console.test_exports import client_as
from tests.factories import DEFAULT_VILLAGE, make_household


def _rows(app: Starlette, session: Session, role: Role, scope: str | None, path: str) -> str:
    response = client_as(app, session, role, scope).get(path)
    assert response.status_code == 200, re.sub(r"\s+", " ", response.text)[-1500:]
    body = response.text[response.text.index("<tbody>") : response.text.index("</tbody>")]
    return "\n".join(line.strip() for line in body.splitlines() if line.strip())


@pytest.mark.parametrize(
    ("role", "scope", "path"),
    [
        (Role.OPERATOR_DESA, DEFAULT_VILLAGE, "/admin/member/list"),  # Edit and Delete, a relation linked
        (Role.PUSDATIN, None, "/admin/household/list?sortBy=head_name&sort=asc"),  # national, no buttons
        (Role.OPERATOR_DINSOS, "52.72", "/admin/member/list?page=2&pageSize=5"),  # the edit link keeps the query
    ],
)
def test_the_rows_are_sqladmins_rows(
    settings: Settings,
    regions: frozenset[str],
    db_session: Session,
    monkeypatch: pytest.MonkeyPatch,
    role: Role,
    scope: str | None,
    path: str,
) -> None:
    for _ in range(4):
        make_household(db_session, members=3)
    db_session.commit()
    rows = _rows(console.app.create_app(settings), db_session, role, scope, path)
    assert re.search(r"/admin/(member|household)/details/\d+", rows)

    # One app per process (sqladmin keeps some state of the last Admin built): sqladmin's own rows after ours.
    monkeypatch.setattr(sqladmin_door, "CARVES", tuple(c for c in sqladmin_door.CARVES if c.block != "dtks_rows"))
    monkeypatch.setattr(console.app, "install_sync_rendering", lambda admin, names: None)
    assert rows == _rows(console.app.create_app(settings), db_session, role, scope, path)


def test_a_coroutine_that_never_waits_is_run_one_that_waits_is_refused() -> None:
    async def answer() -> int:
        return 42

    async def waits() -> None:
        import asyncio

        await asyncio.sleep(0)

    environment = Environment(autoescape=True)
    environment.context_class = sqladmin_door.SyncOnlyContext
    assert environment.from_string("{{ answer() }}").render(answer=answer) == "42"
    with pytest.raises(TypeError, match="waits"):
        environment.from_string("{% if waits() %}shown{% endif %}").render(waits=waits)
