"""console/route_paths.py: the memoised router gives every path the plain router gives, refuses what it refuses,
and asks afresh for a parameter that cannot be a key."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, NoMatchFound, Route
from starlette.testclient import TestClient

from console.route_paths import remember_route_paths


def _endpoint(request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


def _app() -> Starlette:
    admin = Starlette(routes=[Route("/{identity}/details/{pk:int}", _endpoint, name="details")])
    return Starlette(routes=[Route("/healthz", _endpoint, name="health"), Mount("/admin", app=admin, name="admin")])


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("health", {}),
        ("admin:details", {"identity": "household", "pk": 7}),
        ("admin:details", {"identity": "member", "pk": 8}),
    ],
)
def test_a_remembered_path_is_the_routers_path(name: str, params: dict[str, object]) -> None:
    plain, remembered = _app(), _app()
    remember_route_paths(remembered)
    expected = plain.router.url_path_for(name, **params)
    assert remembered.router.url_path_for(name, **params) == expected
    assert remembered.router.url_path_for(name, **params) == expected  # the second from the memo


def test_an_unknown_route_is_still_refused_every_time() -> None:
    app = _app()
    remember_route_paths(app)
    for _ in range(2):
        with pytest.raises(NoMatchFound):
            app.router.url_path_for("admin:nowhere", identity="household")


def test_the_console_builds_its_urls_through_the_memo(app: Starlette) -> None:
    with TestClient(app) as client:
        assert client.get("/admin/login").status_code == 200
    assert app.router.url_path_for.__module__ == "console.route_paths"
    assert str(app.router.url_path_for("admin:login")) == "/admin/login"


def test_a_parameter_that_cannot_be_a_key_is_asked_afresh() -> None:
    plain, remembered = _app(), _app()
    remember_route_paths(remembered)
    asked = {"identity": ["household"], "pk": 7}  # a list: no key for the memo, no TypeError either
    expected = plain.router.url_path_for("admin:details", **asked)
    assert remembered.router.url_path_for("admin:details", **asked) == expected
