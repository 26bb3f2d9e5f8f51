"""A TestClient that sends what the console's own pages send: the CSRF token and our Origin.

Every POST, PUT, PATCH and DELETE to /admin needs both (console/csrf.py). Tests written before that
post plain forms; `ConsoleClient` adds `Origin: <base url>` and the `X-CSRF-Token` header to such requests
unless the test set them itself (a `csrf_token` form field, an `Origin` or `X-CSRF-Token` header), so they
keep working unchanged. Tests of the refusals turn it off with `client.without_csrf()`.

The token is read from the page the browser would have: `<meta name="csrf-token">` of /admin/login, and
fetched again whenever the session cookie changes (the session, and so the token, is new after login).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx2 as httpx
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.csrf import FORM_FIELD, UNSAFE_METHODS
from console.sessions import COOKIE_NAME
from models import Role, User

_META_TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]*)">')
Client = TypeVar("Client", bound="ConsoleClient")


def read_csrf_token(html: str) -> str:
    found = _META_TOKEN.search(html)
    assert found is not None and found.group(1), "the page carries no CSRF token"
    return found.group(1)


def own_origin(client: TestClient) -> str:
    return str(client.base_url).rstrip("/")


class ConsoleClient(TestClient):
    """`TestClient` whose state-changing requests to /admin pass the CSRF check, as a browser's would."""

    __test__ = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sends_csrf = True
        self._token: str | None = None
        self._token_cookie: str | None = None

    def csrf_token(self) -> str:
        """This session's token, as the console's pages show it."""
        cookie = self.cookies.get(COOKIE_NAME)
        if self._token is None or cookie is None or cookie != self._token_cookie:
            self._token = read_csrf_token(self.get("/admin/login").text)
            self._token_cookie = self.cookies.get(COOKIE_NAME)
        return self._token

    @contextmanager
    def without_csrf(self) -> Iterator[ConsoleClient]:
        """Requests exactly as the test writes them (for the refusal tests)."""
        self.sends_csrf = False
        try:
            yield self
        finally:
            self.sends_csrf = True

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        if self.sends_csrf and method.upper() in UNSAFE_METHODS and httpx.URL(str(url)).path.startswith("/admin"):
            headers = httpx.Headers(kwargs.get("headers"))
            headers.setdefault("origin", own_origin(self))
            data = kwargs.get("data")
            if "x-csrf-token" not in headers and not (isinstance(data, dict) and FORM_FIELD in data):
                headers["x-csrf-token"] = self.csrf_token()
            kwargs["headers"] = headers
        return super().request(method, url, **kwargs)


def log_in_as_new_user(
    client: TestClient, session: Session, role: Role, scope: str | None, name: str | None = None
) -> User:
    """A new user `name` (or a generated name) of `role` in `scope`, committed, and `client` logged in as them."""
    from tests.conftest import log_in  # the conftest imports this module: imported here, when called
    from tests.factories import make_user

    user = make_user(session, role, scope, username=name)
    session.commit()
    log_in(client, user.username)
    return user


def client_logged_in_as(
    app: object,
    session: Session,
    role: Role,
    scope: str | None,
    name: str,
    client_class: type[Client] = ConsoleClient,  # type: ignore[assignment]
) -> Client:
    """A new user `name` of `role` in `scope`, committed, and an open client logged in as them (close it)."""
    client = client_class(app)  # type: ignore[arg-type]
    client.__enter__()
    log_in_as_new_user(client, session, role, scope, name)
    return client
