"""Server-side sessions: the cookie carries an opaque random token, the `user_session` table holds the rest.

Replaces Starlette's signed-cookie SessionMiddleware (a copied cookie stayed valid for its whole max_age,
and logout only cleared the browser's copy; ASVS 4.0.3 3.3.1 / 5.0 7.4.1). The table stores the SHA-256
of the token, never the token, so a leaked table cannot be replayed as cookies.

- Idle timeout 30 minutes, absolute 12 hours (ASVS 3.3.2 L2 / 5.0 7.3.1-7.3.2), measured with `store.clock`
  so tests move time instead of sleeping.
- `last_seen_at` is written at most once a minute unless the data changed, so a session may end up to a
  minute early, never late.
- A new token at login (`begin_new_session`; ASVS 3.2.1 / 7.2.4); logout deletes the row (`end_session`).
- Anonymous visitors get a row only once something is stored (the login form's CSRF token, a flash).
- Rows are only ever UPDATEd by token hash, never upserted: a request still running while its session is
  ended (logout, deactivation, an admin's "end session") cannot bring the session back.
- The access rules' version (`policy_state`) is read in the same statement as the row, so a request learns
  whether its process's casbin rules are current without a transaction of its own (console/authorization.py).
- The cookie is the random token signed with SECRET_KEY (itsdangerous, HMAC-SHA256): a cookie whose
  signature does not verify is refused before any database read. So write access to `user_session` alone
  (an injected INSERT of a row for a token the attacker chose) does not open a session: the attacker
  would also need the key. Changing SECRET_KEY ends every open session at once.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import anyio
from itsdangerous import Signer
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.base import cursor_of
from models.policy import PolicyState
from models.session import UserSession
from models.user import User

COOKIE_NAME = "dtks_session"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
TOUCH_INTERVAL = timedelta(minutes=1)
PURGE_INTERVAL = timedelta(minutes=10)
# Paths (below the mount) that never need a session: sqladmin's CSS/JS/fonts would cost a DB read each.
EXEMPT_PREFIXES = ("/statics/",)
_MAX_TOKEN_LENGTH = 128
_SIGNER_SALT = "dtks.session-cookie"
_NEW_SESSION = "dtks.session.renew"
_SESSION_ID = "dtks.session.id"
_SESSION_USER = "dtks.session.user"
_POLICY_VERSION = "dtks.session.policy_version"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def cookie_signer(secret_key: str) -> Signer:
    """HMAC-SHA256 over the session token under SECRET_KEY (a salt keeps the key's other uses apart)."""
    return Signer(secret_key, salt=_SIGNER_SALT, key_derivation="hmac", digest_method=hashlib.sha256)


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for DateTime(timezone=True); everything is stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _user_id_of(data: dict[str, Any]) -> int | None:
    user_id = data.get("user_id")
    return user_id if isinstance(user_id, int) else None


@dataclass
class StoredSession:
    token_hash: str
    data: dict[str, Any]
    last_seen_at: datetime
    # The session's user as read with the row (one statement for both): the login backend takes it from here.
    user: User | None = None
    # The access rules' version as the same statement read it (None: no policy_state row).
    policy_version: int | None = None


class SessionStore:
    """The `user_session` table, one short transaction per call (callers run these in a worker thread)."""

    def __init__(self, session_factory: sessionmaker[Session], secret_key: str, clock: Clock = utc_now) -> None:
        self.session_factory = session_factory
        self.signer = cookie_signer(secret_key)
        self.clock = clock
        self._last_purge: datetime | None = None

    def live_clause(self, now: datetime) -> Any:
        """SQL condition: the row is neither idle too long nor too old (used by the admin's session list)."""
        return (UserSession.last_seen_at >= now - IDLE_TIMEOUT) & (UserSession.created_at >= now - ABSOLUTE_TIMEOUT)

    def is_expired(self, created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
        return now - as_utc(last_seen_at) > IDLE_TIMEOUT or now - as_utc(created_at) > ABSOLUTE_TIMEOUT

    def load(self, token: str) -> StoredSession | None:
        """The live session of `token` (the signed cookie value); an expired one is deleted and reads as absent.

        A token not signed with this store's key reads as absent without touching the database.
        """
        if not self.signer.validate(token):
            return None
        hashed = token_hash(token)
        policy_version = select(PolicyState.version).where(PolicyState.id == 1).scalar_subquery()
        with self.session_factory() as session, session.begin():
            found = session.execute(select(UserSession, policy_version).where(UserSession.token_hash == hashed)).first()
            if found is None:
                return None
            row, version = found
            if self.is_expired(row.created_at, row.last_seen_at, self.clock()):
                session.delete(row)
                return None
            return StoredSession(hashed, dict(row.data or {}), as_utc(row.last_seen_at), row.user, version)

    def renew(self, old_hash: str | None, data: dict[str, Any], ip: str, user_agent: str) -> str | None:
        """Delete the old row and, when there is data, store it under a new signed token; returns that token."""
        now = self.clock()
        token = self.signer.sign(secrets.token_urlsafe(32)).decode() if data else None
        with self.session_factory() as session, session.begin():
            if old_hash is not None:
                session.execute(delete(UserSession).where(UserSession.token_hash == old_hash))
            if token is not None:
                session.add(
                    UserSession(
                        token_hash=token_hash(token),
                        user_id=_user_id_of(data),
                        data=data,
                        created_at=now,
                        last_seen_at=now,
                        ip=ip[:45],
                        user_agent=user_agent[:200],
                    )
                )
            if token is not None and self._purge_due(now):
                self._purge(session, now)
        return token

    def save(self, hashed: str, data: dict[str, Any] | None) -> None:
        """Record activity (and new data, when given) on an existing row; a deleted row stays deleted."""
        values: dict[str, Any] = {"last_seen_at": self.clock()}
        if data is not None:
            values.update(data=data, user_id=_user_id_of(data))
        with self.session_factory() as session, session.begin():
            session.execute(update(UserSession).where(UserSession.token_hash == hashed).values(**values))

    def purge_expired(self) -> int:
        with self.session_factory() as session, session.begin():
            return self._purge(session, self.clock())

    def _purge_due(self, now: datetime) -> bool:
        return self._last_purge is None or now - self._last_purge > PURGE_INTERVAL

    def _purge(self, session: Session, now: datetime) -> int:
        self._last_purge = now
        stale = or_(UserSession.last_seen_at < now - IDLE_TIMEOUT, UserSession.created_at < now - ABSOLUTE_TIMEOUT)
        return cursor_of(session.execute(delete(UserSession).where(stale))).rowcount or 0


def begin_new_session(connection: HTTPConnection) -> None:
    """Issue a new token when this response goes out; the current one stops working (call at login)."""
    connection.scope[_NEW_SESSION] = True


def end_session(connection: HTTPConnection) -> None:
    """Forget everything and delete the session row when this response goes out (logout, refused user)."""
    connection.scope["session"].clear()
    connection.scope[_NEW_SESSION] = True


def current_session_id(connection: HTTPConnection) -> str | None:
    """The token hash (primary key) of this request's session row, if it has one."""
    return connection.scope.get(_SESSION_ID)


def session_user(connection: HTTPConnection) -> User | None:
    """The user of this request's session row, read with it (not yet checked: active, same id as the data)."""
    user = connection.scope.get(_SESSION_USER)
    return user if isinstance(user, User) else None


def session_policy_version(connection: HTTPConnection) -> int | None:
    """The access rules' version read with this request's session row (None without a session)."""
    version = connection.scope.get(_POLICY_VERSION)
    return version if isinstance(version, int) else None


def _relative_path(scope: Scope) -> str:
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root) :] if root and path.startswith(root) else path


def _snapshot(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, default=str)


class ServerSessionMiddleware:
    """Pure ASGI middleware giving sqladmin its `scope["session"]` dict, persisted in `user_session`."""

    def __init__(self, app: ASGIApp, store: SessionStore, secure: bool = False, cookie_name: str = COOKIE_NAME) -> None:
        self.app = app
        self.store = store
        self.cookie_name = cookie_name
        self.cookie_attributes = "Path=/; HttpOnly; SameSite=Lax" + ("; Secure" if secure else "")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _relative_path(scope).startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        token = HTTPConnection(scope).cookies.get(self.cookie_name) or None
        if token is not None and len(token) > _MAX_TOKEN_LENGTH:
            token = None
        stored = await anyio.to_thread.run_sync(self.store.load, token) if token else None
        scope["session"] = stored.data if stored else {}
        scope[_SESSION_ID] = stored.token_hash if stored else None
        scope[_SESSION_USER] = stored.user if stored else None
        scope[_POLICY_VERSION] = stored.policy_version if stored else None
        loaded = _snapshot(scope["session"])

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = await self._persist(scope, token, stored, loaded)
                if cookie is not None:
                    message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode("latin-1"))]
            await send(message)

        await self.app(scope, receive, send_with_cookie)

    async def _persist(self, scope: Scope, token: str | None, stored: StoredSession | None, loaded: str) -> str | None:
        """Write what changed; return the Set-Cookie value to send, if any."""
        data: dict[str, Any] = scope["session"]
        renew = scope.get(_NEW_SESSION, False)
        if stored is None and not data:
            # Nothing to keep. A cookie for a session that ended or never existed: tell the browser to drop it.
            return self._expired_cookie() if token else None
        if renew or stored is None or not data:
            # Login, logout, a first stored value, or everything removed: the old row goes, a new token if needed.
            connection = HTTPConnection(scope)
            ip = connection.client.host if connection.client else ""
            user_agent = connection.headers.get("user-agent", "")
            old_hash = stored.token_hash if stored else None
            new_token = await anyio.to_thread.run_sync(self.store.renew, old_hash, dict(data), ip, user_agent)
            if new_token is None:
                return self._expired_cookie()
            return f"{self.cookie_name}={new_token}; {self.cookie_attributes}"
        changed = _snapshot(data) != loaded
        if changed or self.store.clock() - stored.last_seen_at >= TOUCH_INTERVAL:
            await anyio.to_thread.run_sync(self.store.save, stored.token_hash, dict(data) if changed else None)
        return None

    def _expired_cookie(self) -> str:
        return f"{self.cookie_name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; {self.cookie_attributes}"
