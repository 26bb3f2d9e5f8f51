"""The request being served, reachable from code sqladmin calls without passing it (forms, audit).

Besides the connection itself, each request gets a `RequestContext`: a fresh request id (uuid4, also sent
back as `X-Request-ID`), the client IP, and the acting user once `LoginBackend.authenticate` has named
them. The context object is shared, not copied, so a user identified in a worker thread (login runs
there) is seen by the rest of the request, and by the audit trail (console/audit.py).
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.user import User
from policies.scope import Scope as RegionScope
from policies.scope import act_within

REQUEST_ID_HEADER = "X-Request-ID"
Result = TypeVar("Result")

_current: ContextVar[HTTPConnection | None] = ContextVar("dtks_current_request", default=None)


@dataclass
class RequestContext:
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


_context: ContextVar[RequestContext | None] = ContextVar("dtks_request_context", default=None)


def current_request() -> HTTPConnection | None:
    return _current.get()


def current_context() -> RequestContext | None:
    """The context of the request being served; None outside requests (CLI, seeding, tests' setup)."""
    return _context.get()


@contextmanager
def serving(context: RequestContext) -> Iterator[RequestContext]:
    """Make `context` the current request's for the block (the middleware's job; tests use it too)."""
    token = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(token)


def identify(user: User) -> None:
    """Name the acting user of the current request (after login or authentication); no-op outside requests."""
    context = _context.get()
    if context is not None:
        context.identify(user)


def run_as(user: User, work: Callable[[], Result]) -> Result:
    """Run `work` outside a request (the CLI) as `user` would inside one: audited as them, in their scope.

    A context of its own (a fresh request id, no IP) names the user for the audit trail, and their region is
    the acting scope the flush guard checks (policies/scope.py), exactly as `LoginBackend.authenticate` sets
    them for a request. It runs in a copy of the caller's contextvars, so nothing leaks past the call.
    """

    def as_user() -> Result:
        with serving(RequestContext(request_id=str(uuid.uuid4()), client_ip="")) as context:
            context.identify(user)
            act_within(RegionScope.of(user))
            return work()

    return contextvars.copy_context().run(as_user)


class RequestContextMiddleware:
    """Pure ASGI middleware: remembers the connection and its RequestContext for the duration of the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        context = RequestContext(request_id=str(uuid.uuid4()), client_ip=client[0] if client else "")

        async def send_with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = context.request_id
            await send(message)

        token = _current.set(HTTPConnection(scope))
        try:
            with serving(context):
                await self.app(scope, receive, send_with_request_id)
        finally:
            _current.reset(token)
