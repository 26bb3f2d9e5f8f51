"""Login for officials: argon2-checked passwords behind sqladmin's authentication backend.

Only the user id travels in the (signed) session cookie; the user is re-read on every request, so a
deactivated account is refused at once.
"""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
from sqladmin.authentication import AuthenticationBackend
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from console.settings import Settings
from models.user import User, hash_password, verify_password
from policies.scope import Scope, act_within

SESSION_COOKIE = "dtks_session"
ABSOLUTE_LIFETIME_SECONDS = 12 * 60 * 60
# Verified against when the username is unknown, so both failures cost the same time.
_DUMMY_HASH = hash_password("tidak-ada-pengguna-ini")


class LoginBackend(AuthenticationBackend):
    """Checks username + password against `user_account`; stores only the user id in the session."""

    def __init__(self, settings: Settings, session_factory: sessionmaker[Session]) -> None:
        super().__init__(
            secret_key=settings.effective_secret_key(),
            session_cookie=SESSION_COOKIE,
            max_age=ABSOLUTE_LIFETIME_SECONDS,
            same_site="lax",
            https_only=settings.environment == "production",
        )
        self.session_factory = session_factory

    def _verified_user_id(self, username: str, password: str) -> int | None:
        with self.session_factory() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is None or not user.is_active:
                verify_password(_DUMMY_HASH, password)
                return None
            if not user.check_password(password):
                return None
            user.last_login_at = datetime.now(UTC)
            session.commit()
            return user.id

    def _active_user(self, user_id: int) -> User | None:
        with self.session_factory() as session:
            user = session.get(User, user_id)
            return user if user is not None and user.is_active else None

    async def login(self, request: Request) -> bool:
        form = await request.form()
        username = str(form.get("username") or "").strip()
        password = str(form.get("password") or "")
        if not username or not password:
            return False
        user_id = await anyio.to_thread.run_sync(self._verified_user_id, username, password)
        if user_id is None:
            return False
        request.session.clear()
        request.session["user_id"] = user_id
        return True

    async def logout(self, request: Request) -> bool:
        request.session.clear()
        return True

    async def authenticate(self, request: Request) -> bool:
        user_id = request.session.get("user_id")
        if not isinstance(user_id, int):
            return False
        user = await anyio.to_thread.run_sync(self._active_user, user_id)
        if user is None:
            request.session.clear()
            return False
        request.state.user = user
        act_within(Scope.of(user))
        return True
