"""Only configured host names are served: a forged Host gets 400 in Bahasa Indonesia and is never echoed.

Scanners found the console answering `Host: evil.example` with `Location: http://evil.example/admin/...`
(issue 9). ALLOWED_HOSTS feeds Starlette's TrustedHostMiddleware, the outermost middleware (console/hosts.py).
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from console.app import create_app
from console.hosts import REFUSED_HOST_MESSAGE
from console.settings import Settings
from models import Role, UserSession
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_PASSWORD, DEFAULT_VILLAGE, make_user

FORGED = "evil.example"
PATHS = ["/", "/admin", "/admin/", "/admin/login", "/admin/household/list", "/admin/statics/css/main.css", "/nope"]


@pytest.mark.parametrize("path", PATHS)
def test_a_forged_host_gets_400_in_indonesian_and_never_a_location_naming_it(client: ConsoleClient, path: str) -> None:
    response = client.get(path, headers={"Host": FORGED}, follow_redirects=False)

    assert response.status_code == 400
    assert response.text == REFUSED_HOST_MESSAGE
    assert "location" not in response.headers
    assert FORGED not in response.text and not any(FORGED in value for value in response.headers.values())


def test_a_forged_host_on_the_login_post_signs_nobody_in_and_opens_no_session(
    client: ConsoleClient, db_session: Session
) -> None:
    make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username="operator_host")
    db_session.commit()
    form = {"username": "operator_host", "password": DEFAULT_PASSWORD}

    response = client.post(
        "/admin/login", data=form, headers={"Host": FORGED, "Origin": f"http://{FORGED}"}, follow_redirects=False
    )

    assert response.status_code == 400 and "location" not in response.headers
    assert "set-cookie" not in response.headers
    db_session.rollback()
    signed_in = select(func.count()).select_from(UserSession).where(UserSession.user_id.is_not(None))
    assert db_session.scalar(signed_in) == 0


def test_an_allowed_host_is_served_and_its_redirects_name_it_with_any_port(client: ConsoleClient) -> None:
    for host in ("testserver", "TESTSERVER", "testserver:8443", "127.0.0.1:8000"):
        response = client.get("/", headers={"Host": host}, follow_redirects=False)
        assert response.status_code == 307, host
        assert response.headers["location"] == "/admin/"
        login = client.get("/admin/", headers={"Host": host}, follow_redirects=False)
        assert login.status_code == 302 and login.headers["location"] == f"http://{host}/admin/login", host


def test_a_wildcard_entry_serves_subdomains_only(settings: Settings, engine: object, regions: frozenset[str]) -> None:
    app = create_app(settings.model_copy(update={"allowed_hosts": ["*.dinsos.go.id"]}))
    with ConsoleClient(app, base_url="http://bima.dinsos.go.id") as client:
        assert client.get("/admin/login").status_code == 200
        assert client.get("/admin/login", headers={"Host": "dinsos.go.id.evil.example"}).status_code == 400
        assert client.get("/admin/login", headers={"Host": "evildinsos.go.id"}).status_code == 400


# --- the setting ----------------------------------------------------------------------------------------


def test_allowed_hosts_default_to_the_loopback_names_make_run_prints() -> None:
    settings = Settings(_env_file=None)

    assert settings.allowed_hosts == ["127.0.0.1", "localhost"]
    assert settings.host in settings.allowed_hosts  # http://127.0.0.1:8000/admin/ keeps working


def test_allowed_hosts_are_read_from_one_comma_separated_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " dtks.bimakota.go.id, *.Dinsos.go.id ,,127.0.0.1 ")

    assert Settings(_env_file=None).allowed_hosts == ["dtks.bimakota.go.id", "*.dinsos.go.id", "127.0.0.1"]


@pytest.mark.parametrize(
    ("environment", "hosts", "message"),
    [
        ("production", "*", "tidak boleh '*'"),
        ("development", " , ", "ALLOWED_HOSTS kosong"),
        ("production", "", "ALLOWED_HOSTS kosong"),
    ],
    ids=["any-host-in-production", "blank-in-development", "empty-in-production"],
)
def test_settings_refuse_a_host_list_that_would_serve_anything_or_nothing(
    monkeypatch: pytest.MonkeyPatch, environment: str, hosts: str, message: str
) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", hosts)

    with pytest.raises(ValidationError, match=message):
        Settings(_env_file=None, environment=environment, secret_key="s" * 48)
