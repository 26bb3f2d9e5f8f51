"""Who is acting, for the code that records it: the audit trail and the region-scope flush guard.

Each request (console/request_context.py) and each CLI call gets an `ActingContext`: a request id (uuid4,
or for a request the reverse proxy's sane `X-Request-ID`; sent back as `X-Request-ID` by the console), the
client IP (empty outside requests), and the acting user once they are known. The context object is shared,
not copied, so a user identified in a worker thread (login runs there) is seen by the rest of the request, and
by the audit trail (chain/audit.py).
Outside any context (seeding, migrations, tests' setup) the actor is the system.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from models.user import User
from policies.scope import Scope, act_within

Result = TypeVar("Result")


@dataclass
class ActingContext:
    """Who is asking, from where, in which request: what every audit row of the request records."""

    request_id: str
    client_ip: str
    actor_id: int | None = None
    actor_name: str = ""
    actor_region_code: str = ""

    def identify(self, user: User) -> None:
        self.actor_id = user.id
        self.actor_name = user.username
        self.actor_region_code = user.scope_region_code or ""


_context: ContextVar[ActingContext | None] = ContextVar("dtks_acting_context", default=None)


def new_context(client_ip: str = "", request_id: str = "") -> ActingContext:
    """A context for a request or command: `request_id` as given (the proxy's, checked by the console) or a uuid4."""
    return ActingContext(request_id=request_id or str(uuid.uuid4()), client_ip=client_ip)


def current_context() -> ActingContext | None:
    """The context of the request or command being served; None outside them (seeding, tests' setup)."""
    return _context.get()


@contextmanager
def serving(context: ActingContext) -> Iterator[ActingContext]:
    """Make `context` the current one for the block (the console's middleware; tests use it too)."""
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


def identify(user: User) -> None:
    """Name the acting user of the current context (after login or authentication); no-op outside one."""
    context = _context.get()
    if context is not None:
        context.identify(user)


def act_as(user: User) -> None:
    """Name `user` as the actor of the current context and hold its writes to their region (the flush guard)."""
    identify(user)
    act_within(Scope.of(user))


def run_as(user: User, work: Callable[[], Result]) -> Result:
    """Run `work` outside a request (the CLI) as `user` would inside one: audited as them, in their scope.

    A context of its own (a fresh request id, no IP) names the user for the audit trail, and their region is
    the acting scope the flush guard checks (policies/scope.py), exactly as the console's login backend sets
    them for a request. It runs in a copy of the caller's contextvars, so nothing leaks past the call.
    """

    def as_user() -> Result:
        with serving(new_context()):
            act_as(user)
            return work()

    return contextvars.copy_context().run(as_user)
