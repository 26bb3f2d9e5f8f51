"""CSRF: every state-changing route refuses forged requests and changes nothing; no state change on GET.

Catalogue C1 (route x forgery matrix) and C2 (method safety over every route of the app); ASVS 4.0.3
4.2.2 / 5.0 3.5.1, 3.5.3. A forged request is answered 403 and the database (every table the request
could touch, sessions and login attempts included) is byte-for-byte what it was.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from httpx2 import Response
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.routing import Mount

from console.csrf import MAX_BODY_BYTES
from models import AuditEntry, Base, Household, LoginAttempt, Member, UserSession
from tests.console.form_posts import SAVE, Seed, household_form, seed_register
from tests.console.session_helpers import cookie_value, fresh_client, session_rows
from tests.console_client import ConsoleClient, own_origin
from tests.factories import DEFAULT_PASSWORD

OWN = "http://testserver"


@pytest.fixture
def seed(admin_client: ConsoleClient, db_session: Session) -> Seed:
    return seed_register(db_session)


def fingerprint(db_session: Session) -> dict[str, Any]:
    """What a forged request might change: households, members, sessions, login attempts, audit rows."""
    db_session.rollback()
    return {
        "household": db_session.execute(select(Household.id, Household.address).order_by(Household.id)).all(),
        "member": db_session.execute(select(Member.id, Member.nik).order_by(Member.id)).all(),
        "user_session": [
            (row.token_hash, row.user_id, row.data)
            for row in db_session.execute(
                select(UserSession.token_hash, UserSession.user_id, UserSession.data).order_by(UserSession.token_hash)
            )
        ],
        "login_attempt": db_session.scalar(select(func.count()).select_from(LoginAttempt)),
        "audit_entry": db_session.scalar(select(func.count()).select_from(AuditEntry)),
    }


# --- the routes that change state, each sent with a chosen token and headers ------------------------


@dataclass(frozen=True)
class MutatingRoute:
    name: str
    signed_in: bool
    send: Callable[[ConsoleClient, Seed, str | None, dict[str, str]], Response]
    succeeded: Callable[[Response, Session, Seed], bool]

    def __str__(self) -> str:
        return self.name


def _form(token: str | None, fields: dict[str, str]) -> dict[str, str]:
    return {**fields, **({"csrf_token": token} if token is not None else {})}


def _create(client: ConsoleClient, _seed: Seed, token: str | None, headers: dict[str, str]) -> Response:
    # multipart/form-data, as sqladmin's create form is sent by a browser
    files = {"lampiran": ("kosong.txt", b"", "text/plain")}
    return client.post(
        "/admin/household/create",
        data=_form(token, household_form(address="Jl. Uji CSRF", **SAVE)),
        files=files,
        headers=headers,
        follow_redirects=False,
    )


def _created(response: Response, db_session: Session, _seed: Seed) -> bool:
    return response.status_code == 302 and db_session.scalar(select(func.count()).select_from(Household)) == 3


def _edit(client: ConsoleClient, seed: Seed, token: str | None, headers: dict[str, str]) -> Response:
    fields = {"region": seed.household_region, "no_kk": seed.household_no_kk, "address": "Jl. Diubah", "save": "Simpan"}
    return client.post(
        f"/admin/household/edit/{seed.household_id}",
        data=_form(token, fields),
        headers=headers,
        follow_redirects=False,
    )


def _edited(response: Response, db_session: Session, seed: Seed) -> bool:
    address = db_session.scalar(select(Household.address).where(Household.id == seed.household_id))
    return response.status_code == 302 and address == "Jl. Diubah"


def _delete(client: ConsoleClient, seed: Seed, token: str | None, headers: dict[str, str]) -> Response:
    # sqladmin's modal sends DELETE with no body: the token travels in the header (console/static/dtks.js)
    headers = {**headers, **({"X-CSRF-Token": token} if token is not None else {})}
    return client.delete("/admin/household/delete", params={"pks": str(seed.other_household_id)}, headers=headers)


def _deleted(response: Response, db_session: Session, seed: Seed) -> bool:
    gone = db_session.scalar(select(Household.id).where(Household.id == seed.other_household_id)) is None
    return response.status_code == 200 and gone


def _login(client: ConsoleClient, _seed: Seed, token: str | None, headers: dict[str, str]) -> Response:
    fields = {"username": "admin_uji", "password": DEFAULT_PASSWORD}
    return client.post("/admin/login", data=_form(token, fields), headers=headers, follow_redirects=False)


def _logged_in(response: Response, db_session: Session, seed: Seed) -> bool:
    token = cookie_value(response) if response.status_code == 302 else ""
    stored = dict(session_rows(db_session)).get(hashlib.sha256(token.encode()).hexdigest())
    return response.status_code == 302 and stored == seed.admin_id


def _logout(client: ConsoleClient, _seed: Seed, token: str | None, headers: dict[str, str]) -> Response:
    return client.post("/admin/logout", data=_form(token, {}), headers=headers, follow_redirects=False)


def _logged_out(response: Response, db_session: Session, seed: Seed) -> bool:
    return response.status_code == 303 and seed.admin_id not in [user_id for _, user_id in session_rows(db_session)]


def _search(client: ConsoleClient, seed: Seed, token: str | None, headers: dict[str, str]) -> Response:
    return client.post(
        "/admin/member/search", data=_form(token, {"term": seed.head_nik}), headers=headers, follow_redirects=False
    )


def _searched(response: Response, db_session: Session, _seed: Seed) -> bool:
    stored = [data for _, _, data in fingerprint(db_session)["user_session"] if data.get("searches")]
    return response.status_code == 303 and "search=" in response.headers["location"] and len(stored) == 1


ROUTES = [
    MutatingRoute("create", True, _create, _created),
    MutatingRoute("edit", True, _edit, _edited),
    MutatingRoute("delete", True, _delete, _deleted),
    MutatingRoute("login", False, _login, _logged_in),
    MutatingRoute("logout", True, _logout, _logged_out),
    MutatingRoute("search", True, _search, _searched),
]

# Each forgery: (token to send, headers) given this session's token and another session's token.
FORGERIES: dict[str, Callable[[str, str], tuple[str | None, dict[str, str]]]] = {
    "no token": lambda own, other: (None, {"Origin": OWN}),
    "wrong token": lambda own, other: (secrets.token_urlsafe(32), {"Origin": OWN}),
    "another session's token": lambda own, other: (other, {"Origin": OWN}),
    "Origin https://evil.example": lambda own, other: (own, {"Origin": "https://evil.example"}),
    "Origin null": lambda own, other: (own, {"Origin": "null"}),
    "Sec-Fetch-Site cross-site": lambda own, other: (own, {"Origin": OWN, "Sec-Fetch-Site": "cross-site"}),
    "Sec-Fetch-Site same-site": lambda own, other: (own, {"Origin": OWN, "Sec-Fetch-Site": "same-site"}),
    "https origin on http": lambda own, other: (own, {"Origin": "https://testserver"}),
    "sibling host": lambda own, other: (own, {"Origin": "http://evil.testserver"}),
    "Referer of another site": lambda own, other: (own, {"Referer": "https://evil.example/dtks.html"}),
    "neither Origin nor Referer": lambda own, other: (own, {}),
}


@pytest.fixture(params=ROUTES, ids=str)
def route(request: pytest.FixtureRequest) -> MutatingRoute:
    return request.param


@pytest.fixture
def route_client(route: MutatingRoute, seed: Seed, admin_client: ConsoleClient) -> Iterator[ConsoleClient]:
    """The admin's client for routes used signed in; a fresh anonymous one (with its session) for login."""
    if route.signed_in:
        yield admin_client
        return
    app: Starlette = admin_client.app  # type: ignore[assignment]
    with fresh_client(app) as anonymous:
        anonymous.csrf_token()
        yield anonymous


def _another_sessions_token(client: ConsoleClient) -> str:
    with fresh_client(client.app) as other:  # type: ignore[arg-type]
        return other.csrf_token()


@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_request_is_refused_with_403_and_changes_nothing(
    route_client: ConsoleClient, route: MutatingRoute, forgery: str, seed: Seed, db_session: Session
) -> None:
    token, headers = FORGERIES[forgery](route_client.csrf_token(), _another_sessions_token(route_client))
    before = fingerprint(db_session)
    with route_client.without_csrf():
        response = route.send(route_client, seed, token, headers)
    assert response.status_code == 403
    assert "Permintaan ditolak" in response.text and "Tidak ada data yang diubah" in response.text
    assert fingerprint(db_session) == before


def test_the_sessions_own_token_from_its_own_origin_is_accepted(
    route_client: ConsoleClient, route: MutatingRoute, seed: Seed, db_session: Session
) -> None:
    with route_client.without_csrf():
        response = route.send(route_client, seed, route_client.csrf_token(), {"Origin": OWN})
    assert route.succeeded(response, db_session, seed), (response.status_code, response.text[:300])


@pytest.mark.parametrize(
    "headers",
    [
        {"Referer": f"{OWN}/admin/household/list"},
        {"Origin": OWN, "Sec-Fetch-Site": "same-origin"},
        {"Origin": OWN, "Sec-Fetch-Site": "none"},
    ],
    ids=["Referer without Origin", "Sec-Fetch-Site same-origin", "Sec-Fetch-Site none"],
)
def test_other_signs_of_our_own_origin_are_accepted(
    headers: dict[str, str], admin_client: ConsoleClient, seed: Seed, db_session: Session
) -> None:
    with admin_client.without_csrf():
        response = _edit(admin_client, seed, admin_client.csrf_token(), headers)
    assert _edited(response, db_session, seed)


def test_the_token_may_come_in_the_header_instead_of_the_form(
    admin_client: ConsoleClient, seed: Seed, db_session: Session
) -> None:
    with admin_client.without_csrf():
        response = _edit(admin_client, seed, None, {"Origin": OWN, "X-CSRF-Token": admin_client.csrf_token()})
    assert _edited(response, db_session, seed)


def test_a_refusal_is_logged_without_the_query_string(
    admin_client: ConsoleClient, seed: Seed, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="console.csrf"), admin_client.without_csrf():
        admin_client.delete(
            "/admin/household/delete",
            params={"pks": str(seed.household_id)},
            headers={"Origin": "https://evil.example"},
        )
    assert [record.getMessage() for record in caplog.records] == [
        "CSRF refused DELETE /admin/household/delete from testclient: Origin https://evil.example"
    ]


# --- the body: read, capped, replayed -----------------------------------------------------------------


def test_a_body_over_12_mib_is_refused_with_413_before_anything_happens(
    admin_client: ConsoleClient, seed: Seed, db_session: Session
) -> None:
    admin_client.csrf_token()
    before = fingerprint(db_session)
    padding = b"a" * (MAX_BODY_BYTES + 1)
    started = time.perf_counter()
    declared = admin_client.post("/admin/household/search", content=b"term=x&pad=" + padding)
    assert declared.status_code == 413 and "terlalu besar" in declared.text
    assert time.perf_counter() - started < 1

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted while reading
        for _ in range(13):
            yield b"a" * (1024 * 1024)

    streamed = admin_client.post(
        "/admin/household/search",
        content=chunks(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    assert fingerprint(db_session) == before


def test_a_large_multipart_body_under_the_cap_reaches_the_application_intact(
    admin_client: ConsoleClient, seed: Seed
) -> None:
    upload = b"x" * (11 * 1024 * 1024)
    with admin_client.without_csrf():
        response = admin_client.post(
            "/admin/member/search",
            data={"csrf_token": admin_client.csrf_token(), "term": seed.head_nik},
            files={"lampiran": ("besar.bin", upload, "application/octet-stream")},
            headers={"Origin": OWN},
            follow_redirects=False,
        )
    assert response.status_code == 303 and "search=" in response.headers["location"]


def test_a_malformed_multipart_body_is_refused_with_400(admin_client: ConsoleClient, seed: Seed) -> None:
    with admin_client.without_csrf():
        response = admin_client.post(
            "/admin/household/search",
            content=b"--batas\r\nkepala rusak\r\n\r\nabc\r\n--batas--\r\n",
            headers={"Origin": OWN, "Content-Type": "multipart/form-data; boundary=batas"},
        )
    assert response.status_code == 400 and "tidak dapat dibaca" in response.text


# --- method safety: no state change on GET (C2) --------------------------------------------------------


def _all_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, set[str], str | None]]:
    for route in routes:
        if isinstance(route, Mount):
            yield prefix + route.path, {"GET", "HEAD"}, route.name
            yield from _all_routes(route.routes, prefix + route.path)
        else:
            yield prefix + route.path, set(getattr(route, "methods", None) or {"GET"}), route.name


def _every_row(db_session: Session) -> dict[str, list[Any]]:
    """Every row of every table but the audit trail (reading may be audited) and the session bookkeeping."""
    db_session.rollback()
    skipped = {AuditEntry.__tablename__, UserSession.__tablename__, LoginAttempt.__tablename__}
    return {
        table.name: db_session.execute(text(f"SELECT * FROM {table.name} ORDER BY 1")).all()
        for table in Base.metadata.sorted_tables
        if table.name not in skipped
    }


def test_every_state_changing_route_lives_under_admin_behind_the_csrf_check(app: Starlette) -> None:
    routes = list(_all_routes(app.routes))
    mutating = [(path, methods) for path, methods, _ in routes if methods - {"GET", "HEAD", "OPTIONS"}]
    assert mutating and all(path.startswith("/admin/") for path, _ in mutating), mutating
    logout = [methods for path, methods, name in routes if name == "logout"]
    assert logout == [{"GET", "HEAD", "POST"}]


def test_no_get_route_changes_state(
    app: Starlette, admin_client: ConsoleClient, seed: Seed, db_session: Session
) -> None:
    admin = app.state.admin
    pks = {view.identity: _some_pks(db_session, view.model) for view in admin.views if hasattr(view, "model")}
    session_before = session_rows(db_session)
    rows_before = _every_row(db_session)
    visited: list[str] = []
    for path, methods, name in _all_routes(app.routes):
        if "GET" not in methods or name in ("statics", "static") or "{path" in path:
            continue
        for url in _concrete_urls(path, pks):
            response = admin_client.get(url, follow_redirects=False)
            assert response.status_code < 500, url
            visited.append(url)
    assert "/admin/logout" in visited and any("/details/" in url for url in visited)
    assert any("/edit/" in url for url in visited) and any("/export/" in url for url in visited)
    assert _every_row(db_session) == rows_before, "a GET changed stored data"
    assert session_rows(db_session) == session_before  # GET /admin/logout logged nobody out


def _some_pks(db_session: Session, model: type[Any]) -> list[str]:
    key = model.__mapper__.primary_key[0]
    values = db_session.scalars(select(key).order_by(key).limit(5)).all()
    return [str(value) for value in values] or ["1"]


def _concrete_urls(path: str, pks: dict[str, list[str]]) -> Iterator[str]:
    if "{column_name}" in path:
        return  # file download/preview: no model here has a file column
    identities = list(pks) if "{identity}" in path else [path.split("/")[2]] if "/action/" in path else [""]
    for identity in identities:
        url = path.replace("{identity}", identity).replace("{export_type}", "csv")
        first = pks.get(identity, ["1"])[0]
        url = url.replace("{pk:path}", first).replace("{pk}", first)
        if "/action/" in url:
            url += "?pks=" + ",".join(pks.get(identity, ["1"]))
        elif url.endswith("/ajax/lookup"):
            url += "?name=region&term=52"
        yield url


def test_a_cross_site_get_to_logout_and_to_every_action_changes_nothing(
    app: Starlette, admin_client: ConsoleClient, seed: Seed, db_session: Session
) -> None:
    """What a link in a chat message does: a top-level GET with the (Lax) cookie, from another site."""
    rows_before, sessions_before = _every_row(db_session), session_rows(db_session)
    cross_site = {"Sec-Fetch-Site": "cross-site", "Referer": "https://evil.example/"}
    targets = ["/admin/logout"] + [path for path, _, name in _all_routes(app.routes) if name and "action-" in name]
    for url in targets:
        admin_client.get(url, headers=cross_site, params={"pks": str(seed.household_id)}, follow_redirects=False)
    assert _every_row(db_session) == rows_before
    assert session_rows(db_session) == sessions_before
    assert own_origin(admin_client) == OWN
