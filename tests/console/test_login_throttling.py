"""Login throttling: per username and IP, a ceiling per username, no password check while waiting.

Catalogue A2 (brute force, injected clock), A3 (lockout abuse), A4 (enumeration); ASVS 4.0.3 2.2.1 /
5.0 6.1.1, 6.3.1. argon2's `verify` is counted (and, where hundreds of attempts are made, replaced by a
fast fake with the same answers) to prove when the password is and is not checked.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import anyio
import pytest
from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.requests import Request

from console.auth import PASSWORD_CHECK_CONCURRENCY, LoginBackend
from models import LoginAttempt, User
from tests.console.session_helpers import OPERATOR, FakeClock, fresh_client, post_login
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_PASSWORD

WRONG = "bukan-kata-sandinya"


class Argon2Calls:
    """Counts argon2 verifications; `fast` answers like argon2 without its 64 MiB and half a second."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fast: bool = False) -> None:
        self.count = 0
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        real_verify = PasswordHasher.verify
        calls = self

        def verify(hasher: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
            with calls._lock:
                calls.count += 1
                calls.running += 1
                calls.most_at_once = max(calls.most_at_once, calls.running)
            try:
                if not fast:
                    return real_verify(hasher, hash, password)
                time.sleep(0.02)
                if password != DEFAULT_PASSWORD:
                    raise VerifyMismatchError
                return True
            finally:
                with calls._lock:
                    calls.running -= 1

        monkeypatch.setattr(PasswordHasher, "verify", verify)


@pytest.fixture
def attacker(app: Starlette) -> Iterator[ConsoleClient]:
    with fresh_client(app, address="203.0.113.66") as client:
        yield client


def _fail(client: ConsoleClient, times: int, username: str = OPERATOR) -> None:
    for _ in range(times):
        assert post_login(client, username, WRONG).status_code == 400


def test_five_failures_make_the_sixth_attempt_wait_without_checking_even_the_right_password(
    clock: FakeClock, attacker: ConsoleClient, village_operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    argon2 = Argon2Calls(monkeypatch)
    _fail(attacker, 5)
    assert argon2.count == 5
    response = post_login(attacker, OPERATOR, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk yang gagal. Silakan coba lagi dalam 15 menit." in response.text
    assert argon2.count == 5  # the right password was not even looked at
    assert post_login(attacker, OPERATOR, WRONG).status_code == 429
    assert argon2.count == 5


def test_the_message_counts_the_minutes_until_the_oldest_failure_is_15_minutes_old(
    clock: FakeClock, attacker: ConsoleClient, village_operator: User
) -> None:
    for _ in range(5):
        _fail(attacker, 1)
        clock.advance(minutes=1)  # failures at 0, 1, 2, 3 and 4 minutes; now 5:00
    clock.advance(seconds=30)
    assert "coba lagi dalam 10 menit" in post_login(attacker, OPERATOR, WRONG).text  # 9:30 left
    clock.advance(minutes=9, seconds=29)
    assert "coba lagi dalam 1 menit" in post_login(attacker, OPERATOR, WRONG).text
    clock.advance(seconds=1)  # the first failure is now 15 minutes old: one more try
    assert post_login(attacker, OPERATOR, WRONG).status_code == 400
    assert post_login(attacker, OPERATOR, DEFAULT_PASSWORD).status_code == 429  # until 0:01 turns 15


def test_after_the_window_the_right_password_works(
    clock: FakeClock, attacker: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    _fail(attacker, 5)
    clock.advance(minutes=15, seconds=1)
    assert post_login(attacker, OPERATOR, DEFAULT_PASSWORD).status_code == 302


def test_another_ip_is_not_affected_so_an_attacker_cannot_lock_the_real_user_out(
    clock: FakeClock, app: Starlette, attacker: ConsoleClient, village_operator: User
) -> None:
    _fail(attacker, 5)
    assert post_login(attacker, OPERATOR, DEFAULT_PASSWORD).status_code == 429
    with fresh_client(app, address="10.1.1.7") as office:
        assert post_login(office, OPERATOR, DEFAULT_PASSWORD).status_code == 302


def test_a_success_clears_the_failures_of_that_ip(
    clock: FakeClock, attacker: ConsoleClient, village_operator: User
) -> None:
    _fail(attacker, 4)
    clock.advance(seconds=10)
    assert post_login(attacker, OPERATOR, DEFAULT_PASSWORD).status_code == 302
    attacker.post("/admin/logout")
    clock.advance(seconds=10)
    _fail(attacker, 4)
    assert post_login(attacker, OPERATOR, WRONG).status_code == 400  # 4 since the success, then a 5th
    assert post_login(attacker, OPERATOR, WRONG).status_code == 429


def test_unknown_usernames_are_throttled_alike_so_the_answer_reveals_nothing(
    clock: FakeClock, attacker: ConsoleClient, village_operator: User
) -> None:
    _fail(attacker, 5, OPERATOR)
    _fail(attacker, 5, "tidak_ada_orangnya")
    known = post_login(attacker, OPERATOR, WRONG)
    unknown = post_login(attacker, "tidak_ada_orangnya", WRONG)
    assert (known.status_code, known.text) == (unknown.status_code, unknown.text)
    assert known.status_code == 429


def test_200_attempts_an_hour_from_40_ips_check_at_most_100_passwords(
    clock: FakeClock, app: Starlette, village_operator: User, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    argon2 = Argon2Calls(monkeypatch, fast=True)
    statuses: list[int] = []
    for minute in range(60):
        for offset in range(4):  # one attempt every 15 seconds, from a different IP each time
            clock.advance(seconds=15)
            attempt = minute * 4 + offset
            if attempt >= 200:
                break
            with fresh_client(app, address=f"198.51.100.{attempt % 40}") as bot:
                statuses.append(post_login(bot, OPERATOR, WRONG).status_code)
    assert len(statuses) == 200
    assert argon2.count == 100  # ASVS 2.2.1: the hard ceiling
    assert statuses.count(400) == 100 and statuses.count(429) == 100
    failures = db_session.scalar(
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.succeeded.is_(False))
    )
    assert failures == 100  # a refused attempt is not recorded, so the wait never extends itself
    with fresh_client(app, address="10.1.1.7") as office:  # the ceiling holds for the real user's IP too
        assert post_login(office, OPERATOR, DEFAULT_PASSWORD).status_code == 429
    clock.advance(hours=1)
    with fresh_client(app, address="10.1.1.7") as office:
        assert post_login(office, OPERATOR, DEFAULT_PASSWORD).status_code == 302


def test_no_more_than_three_password_checks_run_at_once(
    app: Starlette, village_operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    argon2 = Argon2Calls(monkeypatch, fast=True)
    backend: LoginBackend = app.state.admin.authentication_backend

    def login_request(number: int) -> Request:
        body = f"username={OPERATOR}&password={DEFAULT_PASSWORD}".encode()
        delivered = False

        async def receive() -> dict[str, object]:
            nonlocal delivered
            if delivered:
                return {"type": "http.disconnect"}
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/admin/login",
            "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
            "client": (f"10.9.0.{number}", 1),
            "session": {},
        }
        return Request(scope, receive)

    async def twelve_logins_at_once() -> None:
        async with anyio.create_task_group() as group:
            for number in range(12):
                group.start_soon(backend.login, login_request(number))

    anyio.run(twelve_logins_at_once)
    assert argon2.count == 12
    assert argon2.most_at_once == PASSWORD_CHECK_CONCURRENCY == 3
