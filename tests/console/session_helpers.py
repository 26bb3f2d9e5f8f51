"""Helpers for the session, throttling and CSRF tests: a clock to move by hand, cookies, session rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from httpx2 import Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.sessions import COOKIE_NAME
from models import UserSession
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_PASSWORD

# The village operator of the `village_operator` fixture (tests/console/conftest.py).
OPERATOR = "operator_sesi"


@dataclass
class FakeClock:
    """A clock that stands still until the test moves it (injected with LoginBackend.use_clock)."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def install_clock(app: Starlette) -> FakeClock:
    # Starts at the real time, so rows written before the clock was installed stay consistent with it.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    app.state.admin.authentication_backend.use_clock(clock)
    return clock


def post_login(client: ConsoleClient, username: str, password: str = DEFAULT_PASSWORD, **headers: str) -> Response:
    return client.post(
        "/admin/login", data={"username": username, "password": password}, headers=headers, follow_redirects=False
    )


def signed_in(client: ConsoleClient) -> bool:
    """Whether the client's session opens the console: home sends it on to its worklist (a logged-out one is sent to
    the login page)."""
    response = client.get("/admin/", follow_redirects=False)
    return response.status_code == 302 and response.headers["location"].endswith("/admin/worklist")


def log_in_for_cookie(client: ConsoleClient, username: str = OPERATOR) -> str:
    """Log in through the form; the value of the session cookie it sets."""
    response = post_login(client, username)
    assert response.status_code == 302, response.status_code
    return cookie_value(response)


def set_cookie_of(response: Response) -> str | None:
    """The response's Set-Cookie for the session cookie, if it sends one."""
    found = [value for value in response.headers.get_list("set-cookie") if value.startswith(f"{COOKIE_NAME}=")]
    assert len(found) <= 1, found
    return found[0] if found else None


def cookie_value(response: Response) -> str:
    header = set_cookie_of(response)
    assert header is not None, "no session cookie was set"
    return header.split(";", 1)[0].split("=", 1)[1]


def session_rows(db_session: Session) -> list[tuple[str, int | None]]:
    """(token hash, user id) of every stored session."""
    db_session.rollback()  # a fresh snapshot: the app committed in other connections
    return [tuple(row) for row in db_session.execute(select(UserSession.token_hash, UserSession.user_id)).all()]


def fresh_client(app: Starlette, cookie: str | None = None, address: str = "testclient") -> ConsoleClient:
    """Another browser (another IP if asked), optionally replaying a copied session cookie."""
    client = ConsoleClient(app, base_url="http://testserver", client=(address, 50000))
    if cookie is not None:
        client.cookies.set(COOKIE_NAME, cookie, domain="testserver.local")
    return client
