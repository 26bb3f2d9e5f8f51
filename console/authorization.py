"""sqladmin's authorization backend over the casbin rules: role x view x action, per request.

The region half of access control is not here: views add `policies.scope` to every query and check
every object they load (console/views/base.py).
"""

from __future__ import annotations

from typing import Any

import anyio
from sqladmin.authorization import AuthorizationBackend
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from chain.actor import Actor
from console.sessions import session_policy_version
from models.user import User
from policies.rules import PolicyStore

FULL_NIK = ("nik", "view_full")


def current_user(request: Request) -> User | None:
    return getattr(request.state, "user", None)


class CasbinAuthorization(AuthorizationBackend):
    """Asks the process's PolicyStore; refreshes it once per request when the stored version moved.

    The version is read with the session row (console/sessions.py); a request without a session reads it here.
    """

    def __init__(self, store: PolicyStore, session_factory: sessionmaker[Session]) -> None:
        self.store = store
        self.session_factory = session_factory

    def _refresh(self) -> None:
        with self.session_factory() as session:
            self.store.refresh(session)

    async def load(self, request: Request) -> None:
        # The session row's read brought the rules' version: when it is the one this process holds, nothing to read.
        if session_policy_version(request) is None or session_policy_version(request) != self.store.version:
            await anyio.to_thread.run_sync(self._refresh)
        request.state.authorization = self
        request.state.actor = Actor.of(current_user(request), self.store.allows)  # once per request

    def has_permission(self, request: Request, identity: str, action: str, obj: Any | None = None) -> bool:
        user = current_user(request)
        if user is None or not user.is_active:
            return False
        return self.store.allows(user.role.value, identity, str(action))


def actor_of(request: Request) -> Actor:
    """The request's actor for the domain core (chain/): built once per request by `load`."""
    actor = getattr(request.state, "actor", None)
    if isinstance(actor, Actor):
        return actor
    # Before `load` ran (code that holds only the authenticated user): their scope, and no permission at all.
    return Actor.of(current_user(request), Actor.nobody().decide)


def may(request: Request, resource: str, action: str) -> bool:
    """The same decision for resources that are not views (full NIK, spreadsheets, workflow actions)."""
    backend = getattr(request.state, "authorization", None)
    user = current_user(request)
    if backend is None or user is None:
        return False
    return backend.store.allows(user.role.value, resource, action)
