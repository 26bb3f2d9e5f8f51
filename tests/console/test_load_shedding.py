"""Load shedding (console/load_shedding.py): beyond MAX_REQUESTS_IN_FLIGHT a 503 with Retry-After and nothing
written; a database that cannot take the request now (pool time-out, a lock held elsewhere) a 503, never a 500.

The real app from create_app on the test database, both engines. The requests in flight at once are driven
as ASGI calls in one event loop (a POST whose body has not yet arrived stays in flight until the test sends it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import anyio
import pytest
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.applications import Starlette

from console.app import create_app
from console.auth import PASSWORD_CHECK_CONCURRENCY, PASSWORD_CHECKS_WAITING, LoginBackend
from console.load_shedding import BUSY_MESSAGE, RETRY_AFTER_SECONDS
from console.settings import Settings
from models import Role
from tests.conftest import settings_for
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_PASSWORD, DEFAULT_VILLAGE, make_user

USERNAME = "operator_beban"
WRITTEN_TABLES = ("user_session", "login_attempt", "audit_entry")
SQLADMIN_CSS = "/admin/statics/css/main.css"


@dataclass
class Answer:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode()


class HeldRequest:
    """One ASGI request whose body is sent only when the test says so; `waiting` is set once the app asks."""

    def __init__(self, method: str, path: str, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()) -> None:
        self.scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver"), *((name.encode(), value.encode()) for name, value in headers)],
            "client": ("127.0.0.1", 40000),
            "server": ("testserver", 80),
        }
        self.body = body
        self.release = anyio.Event()
        self.waiting = anyio.Event()
        self.answered = anyio.Event()
        self.answer = Answer()
        self._body_sent = False

    async def receive(self) -> dict[str, Any]:
        if self._body_sent:
            await self.answered.wait()
            return {"type": "http.disconnect"}
        self.waiting.set()
        await self.release.wait()
        self._body_sent = True
        return {"type": "http.request", "body": self.body, "more_body": False}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.answer.status = message["status"]
            self.answer.headers = {name.decode().lower(): value.decode() for name, value in message["headers"]}
        elif message["type"] == "http.response.body":
            self.answer.body += message.get("body", b"")
            if not message.get("more_body", False):
                self.answered.set()

    async def serve(self, app: Starlette) -> Answer:
        await app(self.scope, self.receive, self.send)  # type: ignore[arg-type]
        return self.answer


def request(method: str, path: str, body: bytes = b"", headers: Sequence[tuple[str, str]] = ()) -> HeldRequest:
    """A request whose body arrives at once."""
    held = HeldRequest(method, path, body, headers)
    held.release.set()
    return held


@pytest.fixture
def build_app(settings: Settings, database_url: str, tmp_path: Path, engine: Engine) -> Callable[..., Starlette]:
    def build(**changes: object) -> Starlette:
        return create_app(settings_for(database_url, tmp_path / "uploads", **changes))

    return build


@pytest.fixture
def official(db_session: Any, regions: frozenset[str]) -> str:
    make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username=USERNAME)
    db_session.commit()
    return USERNAME


@pytest.fixture
def rows_written(engine: Engine) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        with engine.connect() as connection:
            return {table: connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0 for table in WRITTEN_TABLES}

    return count


def login_form(client: ConsoleClient, username: str) -> tuple[bytes, list[tuple[str, str]]]:
    """A login POST as the browser sends it: the form with the CSRF token, our Origin, the session cookie."""
    token = client.csrf_token()
    body = urlencode({"username": username, "password": DEFAULT_PASSWORD, "csrf_token": token}).encode()
    cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    headers = [
        ("content-type", "application/x-www-form-urlencoded"),
        ("origin", "http://testserver"),
        ("cookie", cookie),
    ]
    return body, headers


def assert_busy_page(answer: Answer) -> None:
    assert answer.status == 503
    assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["content-security-policy"]  # the security headers hold for the 503 too
    assert BUSY_MESSAGE in answer.text and 'lang="id"' in answer.text
    assert "set-cookie" not in answer.headers


def test_a_request_beyond_the_limit_is_answered_503_at_once_and_writes_nothing(
    build_app: Callable[..., Starlette], official: str, rows_written: Callable[[], dict[str, int]]
) -> None:
    app = build_app(max_requests_in_flight=1)
    with ConsoleClient(app, base_url="http://testserver") as client:
        body, headers = login_form(client, official)
    before = rows_written()
    answers: dict[str, Answer] = {}

    async def two_at_once() -> None:
        in_flight = HeldRequest("POST", "/admin/login", b"csrf_token=wrong", headers)
        async with anyio.create_task_group() as group:

            async def first() -> None:
                answers["first"] = await in_flight.serve(app)

            group.start_soon(first)
            await in_flight.waiting.wait()  # the first request is in flight, its body not yet read
            answers["login"] = await request("POST", "/admin/login", body, headers).serve(app)
            answers["page"] = await request("GET", "/admin/login").serve(app)
            answers["static"] = await request("GET", SQLADMIN_CSS).serve(app)
            assert rows_written() == before  # nothing of the shed requests reached the database
            in_flight.release.set()

    anyio.run(two_at_once)
    assert_busy_page(answers["login"])
    assert_busy_page(answers["page"])
    assert answers["static"].status == 200  # sqladmin's CSS/JS are exempt: a page let in needs them
    assert answers["first"].status == 403  # the request let in was served to its end (its CSRF token is wrong)
    assert rows_written()["login_attempt"] == before["login_attempt"]


def test_under_the_limit_requests_are_served_as_usual(
    build_app: Callable[..., Starlette], official: str, rows_written: Callable[[], dict[str, int]]
) -> None:
    app = build_app(max_requests_in_flight=1)
    with ConsoleClient(app, base_url="http://testserver") as client:
        body, headers = login_form(client, official)
        before = rows_written()
        answer = anyio.run(request("POST", "/admin/login", body, headers).serve, app)
        assert answer.status == 302
        assert rows_written()["login_attempt"] == before["login_attempt"] + 1
        assert client.get("/admin/login").status_code == 200


@contextmanager
def pool_exhausted(engine: Engine) -> Iterator[None]:
    """Every connection of the app's pool checked out (the pool waits DATABASE_POOL_TIMEOUT, then refuses)."""
    held = []
    try:
        while True:
            try:
                held.append(engine.connect())
            except PoolTimeoutError:
                break
        yield
    finally:
        for connection in held:
            connection.close()


def test_a_pool_time_out_is_a_503_whether_reading_the_session_or_writing_it(
    build_app: Callable[..., Starlette], official: str, log_lines: Any
) -> None:
    app = build_app(database_pool_timeout=0.2)
    with ConsoleClient(app, base_url="http://testserver") as client:
        body, headers = login_form(client, official)
        assert client.post("/admin/login", data={"username": official, "password": DEFAULT_PASSWORD}).status_code == 200
        with pool_exhausted(app.state.engine):
            signed_in_page = client.get("/admin/household/list")  # the session row cannot be read
            with ConsoleClient(app, base_url="http://testserver") as anonymous:
                first_visit = anonymous.get("/admin/login")  # its CSRF token cannot be stored
        assert client.get("/admin/household/list").status_code == 200  # and once connections are free again
    for answer in (signed_in_page, first_visit):
        assert answer.status_code == 503
        assert answer.headers["retry-after"] == str(RETRY_AFTER_SECONDS)
        assert BUSY_MESSAGE in answer.text
    assert any("Basis data sibuk, dijawab 503: TimeoutError" in line for line in log_lines.lines)


def _lock_everything_for_a_moment(engine: Engine) -> None:
    """This engine's connections give up on a lock after 0.2 s (SQLite's busy timeout, PostgreSQL's lock_timeout)."""

    def short_waits(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout=200")
        else:
            cursor.execute("SET lock_timeout = '200ms'")
        cursor.close()

    event.listen(engine, "connect", short_waits)


@contextmanager
def login_attempts_locked(engine: Engine) -> Iterator[Connection]:
    """Another connection holds the lock a login's INSERT into login_attempt needs."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("LOCK TABLE login_attempt IN EXCLUSIVE MODE"))
        try:
            yield connection
        finally:
            connection.rollback()


def test_a_lock_held_elsewhere_past_the_wait_is_a_503_and_the_login_writes_nothing(
    build_app: Callable[..., Starlette], official: str, engine: Engine, rows_written: Callable[[], dict[str, int]]
) -> None:
    app = build_app()
    _lock_everything_for_a_moment(app.state.engine)
    with ConsoleClient(app, base_url="http://testserver") as client:
        body, headers = login_form(client, official)
        before = rows_written()
        with login_attempts_locked(engine):
            answer = anyio.run(request("POST", "/admin/login", body, headers).serve, app)
        assert_busy_page(answer)
        assert rows_written() == before  # the attempt and its audit row were rolled back together
        assert client.post("/admin/login", data={"username": official, "password": DEFAULT_PASSWORD}).status_code == 200


def test_a_login_arriving_while_the_password_checks_queue_is_full_is_shed_before_its_password_is_checked(
    build_app: Callable[..., Starlette], official: str, rows_written: Callable[[], dict[str, int]]
) -> None:
    app = build_app()
    backend: LoginBackend = app.state.admin.authentication_backend
    with ConsoleClient(app, base_url="http://testserver") as client:
        body, headers = login_form(client, official)
    before = rows_written()
    answers: list[Answer] = []

    async def during_a_login_storm() -> None:
        release = anyio.Event()

        async def check_in_progress() -> None:
            async with backend.password_checks:  # a login whose argon2 check runs, or waits for its turn
                await release.wait()

        async with anyio.create_task_group() as group:
            for _ in range(PASSWORD_CHECK_CONCURRENCY + PASSWORD_CHECKS_WAITING):
                group.start_soon(check_in_progress)
            while backend.password_checks.statistics().tasks_waiting < PASSWORD_CHECKS_WAITING:
                await anyio.sleep(0.01)
            answers.append(await request("POST", "/admin/login", body, headers).serve(app))
            release.set()
        answers.append(await request("POST", "/admin/login", body, headers).serve(app))

    anyio.run(during_a_login_storm)
    assert_busy_page(answers[0])
    assert answers[1].status == 302  # once the storm has passed, the same form signs in
    assert rows_written()["login_attempt"] == before["login_attempt"] + 1  # the shed attempt was never recorded


def test_a_connection_the_server_closed_fails_one_request_with_a_503_and_the_next_connects_afresh(
    build_app: Callable[..., Starlette], official: str, engine: Engine
) -> None:
    """No ping before each checkout (database/engine.py): a PostgreSQL restart or a killed backend costs one
    request a 503 ("coba lagi"), the pool is invalidated, and the next request is served on a new connection."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no server to close a connection")
    app = build_app()
    backends: list[int] = []  # the server processes of the app's own connections (psycopg's backend pid)
    event.listen(app.state.engine, "connect", lambda connection, _record: backends.append(connection.info.backend_pid))
    with ConsoleClient(app, base_url="http://testserver") as client:
        assert client.post("/admin/login", data={"username": official, "password": DEFAULT_PASSWORD}).status_code == 200
        assert client.get("/admin/household/list").status_code == 200  # the pool holds a live connection now
        with engine.connect() as other:  # as a restart would: the server ends every connection of the app
            for pid in backends:
                assert other.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        answers = [client.get("/admin/household/list") for _ in range(3)]
    assert answers[0].status_code == 503 and BUSY_MESSAGE in answers[0].text
    assert [answer.status_code for answer in answers[1:]] == [200, 200]
