"""Server-side sessions: an opaque cookie, revocation that holds, timeouts, rotation, deactivation, admin's list.

Catalogue S1-S5 (security notes); ASVS 4.0.3 3.2.1, 3.3.1, 3.3.2, 3.4.x / 5.0 7.2.4, 7.3.x, 7.4.1-7.4.5.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import threading

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.app import create_app
from console.sessions import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, SessionStore
from console.settings import Settings
from models import AuditEntry, Role, User, UserSession
from tests.console.form_posts import edit, user_form
from tests.console.session_helpers import (
    OPERATOR,
    FakeClock,
    cookie_value,
    fresh_client,
    log_in_for_cookie,
    post_login,
    session_rows,
    set_cookie_of,
    signed_in,
)
from tests.console_client import ConsoleClient
from tests.factories import DEFAULT_VILLAGE

# 32 random bytes, a dot, the HMAC-SHA256 of them under SECRET_KEY (both base64url, 43 characters).
OPAQUE_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}")


# --- the cookie ------------------------------------------------------------------------------------


def test_login_sets_an_opaque_http_only_lax_cookie_for_the_whole_site_with_no_domain(
    client: ConsoleClient, village_operator: User
) -> None:
    response = post_login(client, OPERATOR)
    name_and_value, *attributes = [part.strip() for part in set_cookie_of(response).split(";")]
    assert name_and_value.startswith("dtks_session=")
    assert {attribute.lower() for attribute in attributes} == {"path=/", "httponly", "samesite=lax"}


def test_under_production_settings_the_cookie_is_secure_too(
    settings: Settings, engine: object, regions: frozenset[str], village_operator: User
) -> None:
    production = settings.model_copy(update={"environment": "production"})
    with ConsoleClient(create_app(production), base_url="https://testserver") as client:
        header = set_cookie_of(post_login(client, OPERATOR))
    attributes = {part.strip().lower() for part in header.split(";")[1:]}
    assert attributes == {"path=/", "httponly", "samesite=lax", "secure"}
    assert "domain" not in header.lower()


def test_the_cookie_holds_only_an_opaque_token_and_the_table_only_its_hash(
    client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    token = log_in_for_cookie(client)
    assert OPAQUE_TOKEN.fullmatch(token)
    try:
        decoded = base64.urlsafe_b64decode(token.split(".")[0] + "=").decode("utf-8", "replace")
    except binascii.Error:
        decoded = ""
    for personal in (OPERATOR, "operator_desa", DEFAULT_VILLAGE, "user_id", "role", '{"'):
        assert personal not in decoded  # not Starlette's base64 JSON: nothing to read out of the cookie
    assert session_rows(db_session) == [(hashlib.sha256(token.encode()).hexdigest(), village_operator.id)]
    stored = db_session.scalars(select(UserSession)).one()
    assert token not in repr(stored.data) and token not in stored.token_hash


# --- rotation, logout, revocation ----------------------------------------------------------------


def test_login_issues_a_new_token_and_the_pre_login_token_stops_working(
    app: Starlette, client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    before = cookie_value(client.get("/admin/login"))  # the login form's CSRF token opens an anonymous session
    assert session_rows(db_session) == [(hashlib.sha256(before.encode()).hexdigest(), None)]
    after = log_in_for_cookie(client)
    assert after != before
    assert session_rows(db_session) == [(hashlib.sha256(after.encode()).hexdigest(), village_operator.id)]
    with fresh_client(app, cookie=before) as replay:
        assert not signed_in(replay)


def test_after_logout_the_old_cookie_is_refused_everywhere(
    app: Starlette, client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    token = log_in_for_cookie(client)
    response = client.post("/admin/logout", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].endswith("/admin/login")
    assert "max-age=0" in set_cookie_of(response).lower()
    assert session_rows(db_session) == []
    with fresh_client(app, cookie=token) as replay:
        for path in ("/admin/", "/admin/household/list", "/admin/user/list"):
            response = replay.get(path, follow_redirects=False)
            assert response.status_code == 302 and response.headers["location"].endswith("/admin/login"), path


def test_get_logout_only_asks_and_keeps_the_session(client: ConsoleClient, village_operator: User) -> None:
    log_in_for_cookie(client)
    page = client.get("/admin/logout")
    assert page.status_code == 200
    assert 'method="POST"' in page.text and 'name="csrf_token"' in page.text
    assert signed_in(client)


def test_a_deactivated_users_open_session_is_refused_at_once(
    app: Starlette, admin_client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    with fresh_client(app) as official:
        log_in_for_cookie(official)
        assert signed_in(official)
        form = user_form(village_operator, is_active=None)  # is_active unticked
        response = edit(admin_client, "user", village_operator.id, form)
        assert response.status_code == 302
        assert [user_id for _, user_id in session_rows(db_session)] == [
            db_session.scalar(select(User.id).where(User.username == "admin_uji"))
        ]
        assert not signed_in(official)


def test_deactivating_or_changing_the_password_outside_the_console_ends_sessions_in_the_same_commit(
    app: Starlette, village_operator: User, db_session: Session
) -> None:
    for change in ("password", "deactivate"):
        with fresh_client(app) as official:
            log_in_for_cookie(official)
            user = db_session.get(User, village_operator.id)
            if change == "password":
                user.set_password("sandi-baru-yang-panjang-77")
            else:
                user.is_active = False
            db_session.commit()
            assert session_rows(db_session) == [], change
            assert not signed_in(official), change
        village_operator.set_password("kata-sandi-uji-123")
        db_session.commit()


def test_a_role_change_takes_effect_on_the_next_request(
    client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    log_in_for_cookie(client)
    assert client.get("/admin/household/list").status_code == 200
    db_session.get(User, village_operator.id).role = Role.PETUGAS_LAYANAN
    db_session.get(User, village_operator.id).scope_region_code = "52.72"
    db_session.commit()
    assert client.get("/admin/user/list").status_code == 403


# --- timeouts -----------------------------------------------------------------------------------------


def test_idle_timeout_29_59_is_fine_and_30_01_is_not(
    clock: FakeClock, app: Starlette, client: ConsoleClient, village_operator: User
) -> None:
    log_in_for_cookie(client)
    clock.advance(minutes=29, seconds=59)
    assert signed_in(client)
    with fresh_client(app) as second:
        log_in_for_cookie(second)
        clock.advance(minutes=30, seconds=1)
        assert not signed_in(second)
    assert not signed_in(client)  # idle 30:01 since its last request too


def test_the_absolute_timeout_ends_even_a_busy_session_after_12_hours(
    clock: FakeClock, client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    log_in_for_cookie(client)
    for _ in range(71):  # a request every 10 minutes: 11 h 50 min, never idle
        clock.advance(minutes=10)
        assert signed_in(client)
    clock.advance(minutes=9, seconds=59)
    assert signed_in(client)  # 11:59:59
    clock.advance(seconds=2)
    assert not signed_in(client)  # 12:00:01
    assert session_rows(db_session) == []


def test_timeouts_are_the_documented_figures() -> None:
    assert IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert ABSOLUTE_TIMEOUT.total_seconds() == 12 * 60 * 60


# --- database work --------------------------------------------------------------------------------


def test_activity_is_written_at_most_once_a_minute(
    clock: FakeClock, app: Starlette, client: ConsoleClient, village_operator: User
) -> None:
    log_in_for_cookie(client)
    client.get("/admin/")  # the page stores the new session's CSRF token: one write
    writes: list[str] = []

    def count_writes(_connection, _cursor, statement: str, *_args: object) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith(("UPDATE USER_SESSION", "INSERT INTO USER_SESSION")):
            writes.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", count_writes)
    try:
        for _ in range(10):
            clock.advance(seconds=5)
            assert signed_in(client)
        assert writes == []  # 50 s of activity, no write
        clock.advance(seconds=11)
        assert signed_in(client)
        assert len(writes) == 1
    finally:
        event.remove(app.state.engine, "before_cursor_execute", count_writes)


def test_anonymous_visitors_get_a_row_only_when_something_is_stored(client: ConsoleClient, db_session: Session) -> None:
    for path in ("/", "/admin/", "/admin/household/list", "/admin/statics/css/main.css", "/static/dtks.js"):
        response = client.get(path, follow_redirects=False)
        assert set_cookie_of(response) is None, path
    assert session_rows(db_session) == []
    client.get("/admin/login")  # the form's CSRF token must be kept
    assert [user_id for _, user_id in session_rows(db_session)] == [None]


def test_session_work_runs_in_worker_threads_not_on_the_event_loop(
    client: ConsoleClient, village_operator: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: set[str] = set()
    for name in ("load", "renew", "save"):
        original = getattr(SessionStore, name)

        def recording(self: SessionStore, *args: object, _original=original) -> object:  # noqa: ANN001
            threads.add(threading.current_thread().name)
            return _original(self, *args)

        monkeypatch.setattr(SessionStore, name, recording)
    log_in_for_cookie(client)
    client.get("/admin/")
    assert threads and all(name.startswith("AnyIO worker thread") for name in threads), threads


def test_expired_rows_are_purged(clock: FakeClock, app: Starlette, village_operator: User, db_session: Session) -> None:
    with fresh_client(app) as first:
        log_in_for_cookie(first)
    clock.advance(minutes=31)
    store: SessionStore = app.state.admin.authentication_backend.sessions
    assert store.purge_expired() == 1
    assert session_rows(db_session) == []


# --- the administrator's view ---------------------------------------------------------------------


def test_admin_sees_who_is_signed_in_and_ends_a_session(
    app: Starlette, admin_client: ConsoleClient, village_operator: User, db_session: Session
) -> None:
    with fresh_client(app, address="10.20.30.40") as official:
        token = log_in_for_cookie(official)
        listing = admin_client.get("/admin/user-session/list")
        assert listing.status_code == 200
        assert OPERATOR in listing.text and "10.20.30.40" in listing.text
        response = admin_client.delete(
            "/admin/user-session/delete", params={"pks": hashlib.sha256(token.encode()).hexdigest()}
        )
        assert response.status_code == 200 and "error" not in response.text
        assert not signed_in(official)
    assert OPERATOR not in admin_client.get("/admin/user-session/list").text
    ended = db_session.scalars(
        select(AuditEntry).where(AuditEntry.message == f"Sesi {OPERATOR} diakhiri oleh admin_uji: menu Sesi Masuk.")
    ).all()
    assert [(entry.object_type, entry.object_id) for entry in ended] == [("user_account", str(village_operator.id))]


def test_only_admin_may_open_the_session_list(app: Starlette, village_operator: User) -> None:
    with fresh_client(app) as official:
        log_in_for_cookie(official)
        assert official.get("/admin/user-session/list").status_code == 403
