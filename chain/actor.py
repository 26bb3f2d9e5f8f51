"""The actor: who acts, in which role and region, and what the casbin rules let them do.

Built once per request (console/authorization.py) or once per CLI call (`actor_for`), and passed to every
function of the core. The core asks it, never the request: `actor.scope` for what it may see and change,
`actor.allows` / `actor.require` for the role's permissions (policies/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from models.refusals import NotAllowed
from models.user import Role, User
from policies.rules import PolicyStore
from policies.scope import Scope

Decide = Callable[[str, str, str], bool]  # role, resource, action -> allowed


def _deny(_role: str, _resource: str, _action: str) -> bool:
    return False


@dataclass(frozen=True)
class Actor:
    """A user with their region scope and the casbin answer; `user` None is nobody (sees and may nothing)."""

    user: User | None
    scope: Scope
    decide: Decide = _deny

    @classmethod
    def of(cls, user: User | None, decide: Decide) -> Actor:
        if user is None:
            return cls.nobody()
        return cls(user, Scope.of(user), decide)

    @classmethod
    def nobody(cls) -> Actor:
        return cls(None, Scope(None, valid=False))

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user is not None else None

    @property
    def id(self) -> int | None:
        return self.user.id if self.user is not None else None

    @property
    def name(self) -> str:
        """The name history rows and letters carry (the full name, else the username)."""
        if self.user is None:
            return ""
        return self.user.full_name or self.user.username

    def allows(self, resource: str, action: str) -> bool:
        if self.user is None or not self.user.is_active:
            return False
        return self.decide(self.user.role.value, resource, action)

    def require(self, *permissions: tuple[str, str]) -> User:
        """The action preamble: the acting user, when their role holds every (resource, action); else refused."""
        if self.user is None:
            raise NotAllowed()
        if not all(self.allows(resource, action) for resource, action in permissions):
            raise NotAllowed()
        return self.user


def actor_for(session: Session, user: User) -> Actor:
    """The actor of a CLI call: the user with the casbin rules as the database holds them now."""
    store = PolicyStore()
    store.refresh(session)
    return Actor.of(user, store.allows)
