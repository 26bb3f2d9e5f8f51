"""The request being served, reachable from code sqladmin calls without passing it (forms, audit later)."""

from __future__ import annotations

from contextvars import ContextVar

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

_current: ContextVar[HTTPConnection | None] = ContextVar("dtks_current_request", default=None)


def current_request() -> HTTPConnection | None:
    return _current.get()


class RequestContextMiddleware:
    """Pure ASGI middleware: remembers the connection for the duration of the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        token = _current.set(HTTPConnection(scope))
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
