"""A malformed or impossible id in any URL answers 404, never a 500 (console/identifiers.py).

sqladmin's routes take any text as the id (`/{identity}/details/{pk:path}`); the console's own take
`{pk:int}`. Ids of every shape are tried on every details, edit and delete route of every registered view,
and on the console's own pages.
"""

from __future__ import annotations

import pytest
from sqladmin import ModelView
from sqladmin.helpers import get_column_python_type, get_primary_keys
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.views import ALL_VIEWS
from models import Region, Role
from policies.rules import Decisions, read_seed
from tests.factories import make_household

ADMIN = Decisions(read_seed())
# Written as they travel in a URL path ("%00" is a NUL byte once decoded, "%2F" a slash).
BAD_INTEGER_IDS = ["abc", "1.5", "-1", "1e3", "%201", "%00", "1%2F2", "%D9%A1", "99999999999999999999", "0x10"]
BAD_TEXT_IDS = ["%00", "52%0A", "x" * 300, "%E2%80%AE52"]
MODEL_VIEWS = [view for view in ALL_VIEWS if issubclass(view, ModelView)]


BAD_COMPOSITE_IDS = ["52.72", "52.72;2027-03;x", "%00;2027-03", "52.72;%00", ";", *BAD_TEXT_IDS]


def _bad_ids(view: type[ModelView]) -> list[str]:
    keys = get_primary_keys(view.model)
    if len(keys) > 1:  # sqladmin's "a;b": a part missing, one too many, a bad part
        return BAD_COMPOSITE_IDS
    return BAD_INTEGER_IDS if get_column_python_type(keys[0]) is int else BAD_TEXT_IDS


def _routes(view: type[ModelView]) -> list[tuple[str, str]]:
    """(method, path template) of every route of this view that takes an id, as the admin may use it."""
    allowed = {
        action: ADMIN.allows(Role.ADMIN.value, view.identity, action) for action in ("details", "edit", "delete")
    }
    routes = []
    if view.can_view_details and allowed["details"]:
        routes.append(("GET", f"/admin/{view.identity}/details/{{}}"))
    if view.can_edit and allowed["edit"]:
        routes += [("GET", f"/admin/{view.identity}/edit/{{}}"), ("POST", f"/admin/{view.identity}/edit/{{}}")]
    if view.can_delete and allowed["delete"]:
        routes.append(("DELETE", f"/admin/{view.identity}/delete?pks={{}}"))
    return routes


ROUTES = [
    pytest.param(view, method, template, id=f"{method}-{template.split('/')[3].split('?')[0]}-{view.identity}")
    for view in MODEL_VIEWS
    for method, template in _routes(view)
]


@pytest.mark.parametrize(("view", "method", "template"), ROUTES)
def test_a_malformed_id_on_a_sqladmin_route_answers_404(
    view: type[ModelView], method: str, template: str, admin_client: TestClient
) -> None:
    data = {"save": "Simpan"} if method == "POST" else None
    answered = {
        bad: admin_client.request(method, template.format(bad), data=data).status_code for bad in _bad_ids(view)
    }

    # A NUL in a query string (the delete's ?pks=) is refused before routing: 400, as in any field.
    assert answered == {bad: 400 if "?" in template and "%00" in bad else 404 for bad in _bad_ids(view)}


def test_every_view_with_ids_is_covered() -> None:
    covered = {case.values[0].identity for case in ROUTES}
    assert covered == {view.identity for view in MODEL_VIEWS if _routes(view)}
    assert {"region", "user-session", "step-target", "policy-rule"} <= covered


OWN_PAGES = [
    "/admin/certificate/process/{}",
    "/admin/certificate/letter/{}",
    "/admin/complaint/handle/{}",
    "/admin/proposal/workflow/{}",
    "/admin/meeting/musdes/{}",
    "/admin/meeting/musdes/{}/ba-file",
    "/admin/decree/annex/{}",
    "/admin/decree/annex/{}/scan",
    "/admin/household/export/sk-annex/{}",
]


@pytest.mark.parametrize("template", OWN_PAGES)
def test_a_malformed_id_on_the_consoles_own_pages_answers_404(template: str, admin_client: TestClient) -> None:
    # "1/2" is left out: /process/1/2 has the shape of a real (POST) route, so a GET there answers 405.
    bad_ids = [bad for bad in BAD_INTEGER_IDS if bad != "1%2F2"]

    assert {bad: admin_client.get(template.format(bad)).status_code for bad in bad_ids} == dict.fromkeys(bad_ids, 404)


def test_well_formed_ids_still_open_their_rows(admin_client: TestClient, db_session: Session) -> None:
    household = make_household(db_session)
    db_session.commit()

    assert admin_client.get(f"/admin/household/details/{household.id}").status_code == 200
    assert admin_client.get(f"/admin/member/edit/{household.head.id}").status_code == 200
    assert admin_client.get(f"/admin/region/details/{household.region_code}").status_code == 200
    assert db_session.get(Region, household.region_code) is not None
    assert admin_client.get("/admin/step-target/edit/draft").status_code == 200
    assert admin_client.get(f"/admin/household/details/{household.id + 10**6}").status_code == 404
