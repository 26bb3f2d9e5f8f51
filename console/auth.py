"""Login for officials: argon2-checked passwords behind sqladmin's authentication backend.

The session lives server-side (console/sessions.py): the cookie holds an opaque token, the session only the
user id. The user is re-read on every request, so a deactivated account is refused at once. Login attempts
are throttled per username and IP (console/throttle.py); state-changing requests need a CSRF token and our
own Origin (console/csrf.py); logout is POST only.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from sqladmin import Admin
from sqladmin.authentication import AuthenticationBackend
from sqladmin.templating import Jinja2Templates
from sqlalchemy import Column, String, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from chain.acting import act_as
from console.audit_events import record_login, record_logout, record_throttled_login
from console.csrf import SESSION_KEY, CsrfMiddleware, csrf_token
from console.input_guard import ControlCharacterMiddleware
from console.load_shedding import busy_response
from console.sessions import (
    ABSOLUTE_TIMEOUT,
    COOKIE_NAME,
    Clock,
    ServerSessionMiddleware,
    SessionStore,
    begin_new_session,
    current_session_id,
    end_session,
    session_user,
    utc_now,
)
from console.settings import Settings
from console.sqladmin_door import add_template_global, replace_route
from console.throttle import LoginThrottle, wait_message
from models.base import table_of
from models.passwords import MAX_LENGTH as MAX_PASSWORD_LENGTH
from models.text import length_problem
from models.user import User, hash_password, verify_password

SESSION_COOKIE = COOKIE_NAME
ABSOLUTE_LIFETIME_SECONDS = int(ABSOLUTE_TIMEOUT.total_seconds())
# argon2id takes 64 MiB per check: at most this many run at once, however many logins arrive together.
PASSWORD_CHECK_CONCURRENCY = 3
# Logins that may wait for a check; one more is answered 503 with Retry-After at once (console/load_shedding.py)
# instead of queueing behind a login storm for a minute while it holds one of the requests in flight.
PASSWORD_CHECKS_WAITING = 4 * PASSWORD_CHECK_CONCURRENCY


def _string_length(column: Column[Any]) -> int:
    """The n of a String(n) column."""
    if not isinstance(column.type, String) or column.type.length is None:
        raise TypeError(f"{column} is not a String(n) column")
    return column.type.length


USERNAME_LENGTH = _string_length(table_of(User).c.username)
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = hash_password("tidak-ada-pengguna-ini")


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


def _too_long(username: str, password: str) -> str | None:
    """Why a login form cannot name an account by its length alone (the forms never cut what was typed)."""
    problem = length_problem(username, USERNAME_LENGTH)
    if problem:
        return f"Nama pengguna: {problem}"
    problem = length_problem(password, MAX_PASSWORD_LENGTH)
    return f"Kata sandi: {problem}" if problem else None


class LoginBackend(AuthenticationBackend):
    """Checks username + password against `user_account`; stores only the user id in the session."""

    def __init__(self, settings: Settings, session_factory: sessionmaker[Session], clock: Clock = utc_now) -> None:
        # Deliberately not calling super().__init__: it installs Starlette's signed-cookie SessionMiddleware.
        self.session_factory = session_factory
        self.sessions = SessionStore(session_factory, settings.effective_secret_key(), clock)
        self.throttle = LoginThrottle(clock)
        self.password_checks = anyio.CapacityLimiter(PASSWORD_CHECK_CONCURRENCY)
        self.templates: Jinja2Templates | None = None  # set by install_on(admin), for the throttle page
        self.middlewares = [
            Middleware(ServerSessionMiddleware, store=self.sessions, secure=settings.environment == "production"),
            Middleware(CsrfMiddleware),
            Middleware(ControlCharacterMiddleware),  # NUL and other control characters: 400 (console/input_guard.py)
        ]

    def use_clock(self, clock: Clock) -> None:
        """Measure session timeouts and login windows with `clock` (tests move time instead of sleeping)."""
        self.sessions.clock = clock
        self.throttle.clock = clock

    def _throttle_wait(self, username: str, ip: str) -> timedelta | None:
        with self.session_factory() as session:
            return self.throttle.wait(session, username, ip)

    def _verified_user_id(self, username: str, password: str, ip: str) -> int | None:
        with self.session_factory() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.is_active:
                verify_password(_DUMMY_HASH, password)
                verified = None
            else:
                verified = user if user.check_password(password) else None
            self.throttle.record(session, username, ip, succeeded=verified is not None)
            if verified is not None:
                verified.last_login_at = datetime.now(UTC)
            record_login(session, username, user, verified)  # audit row, committed with the attempt
            session.commit()
            return verified.id if verified is not None else None

    def _active_user(self, user_id: int) -> User | None:
        with self.session_factory() as session:
            user = session.get(User, user_id)
            return user if user is not None and user.is_active else None

    async def login(self, request: Request) -> Response | bool:
        form = await request.form()
        username = str(form.get("username") or "").strip()
        password = str(form.get("password") or "")
        if not username or not password:
            return False
        too_long = _too_long(username, password)
        if too_long:
            # No account has such a name or password: said plainly, and no password check or attempt row.
            return await self._login_page(request, too_long, status_code=400)
        ip = client_ip(request)
        wait = await anyio.to_thread.run_sync(self._throttle_wait, username, ip)
        if wait is not None:
            # Refused before the password is looked at: no argon2 work, no throttle row (the audit trail has one).
            await record_throttled_login(self.session_factory, username)
            return await self._login_page(request, wait_message(wait), status_code=429)
        if self.password_checks.statistics().tasks_waiting >= PASSWORD_CHECKS_WAITING:
            return busy_response()  # shed before the password is looked at: no attempt row, no audit row
        user_id = await anyio.to_thread.run_sync(
            self._verified_user_id, username, password, ip, limiter=self.password_checks
        )
        if user_id is None:
            return False
        begin_new_session(request)
        request.session.pop(SESSION_KEY, None)  # a fresh CSRF token for the signed-in session
        request.session["user_id"] = user_id
        return True

    async def _login_page(self, request: Request, error: str, status_code: int) -> Response:
        if self.templates is None:
            raise RuntimeError("LoginBackend.templates is unset: call console.auth.install_on(admin)")
        return await self.templates.TemplateResponse(
            request, "sqladmin/login.html", {"error": error}, status_code=status_code
        )

    async def logout(self, request: Request) -> Response | bool:
        await record_logout(self.session_factory, request.session.get("user_id"), current_session_id(request))
        end_session(request)
        return RedirectResponse(request.url_for("admin:login"), status_code=303)

    async def authenticate(self, request: Request) -> bool:
        user_id = request.session.get("user_id")
        if not isinstance(user_id, int):
            return False
        user = session_user(request)  # read with the session row; a login in this request has none yet
        if user is None or user.id != user_id:
            user = await anyio.to_thread.run_sync(self._active_user, user_id)
        elif not user.is_active:
            user = None
        if user is None:
            end_session(request)
            return False
        request.state.user = user
        act_as(user)  # the actor of this request's audit rows, held to their region by the flush guard
        return True


def install_on(admin: Admin) -> None:
    """Finish wiring the login backend into a built Admin: POST-only logout, `csrf_token` in templates."""
    backend = admin.authentication_backend
    if isinstance(backend, LoginBackend):
        backend.templates = admin.templates
    add_template_global(admin, "csrf_token", csrf_token)

    async def logout(request: Request) -> Response:
        # sqladmin registers GET /logout; a link (or an <img> on another site) must not end a session.
        if request.method == "POST":
            return await admin.logout(request)
        return await admin.templates.TemplateResponse(request, "logout.html")

    replace_route(admin, "logout", lambda _: Route("/logout", endpoint=logout, name="logout", methods=["GET", "POST"]))
