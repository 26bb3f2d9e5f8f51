"""The request being served, reachable from code sqladmin calls without passing it (forms, i18n, logs).

The middleware remembers the connection and opens an acting context for it (chain/acting.py): a fresh
request id, also sent back as `X-Request-ID`, and the client IP; `LoginBackend.authenticate` names the user.
"""

from __future__ import annotations

from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chain.acting import new_context, serving

REQUEST_ID_HEADER = "X-Request-ID"

_current: ContextVar[HTTPConnection | None] = ContextVar("dtks_current_request", default=None)


def current_request() -> HTTPConnection | None:
    return _current.get()


class RequestContextMiddleware:
    """Pure ASGI middleware: remembers the connection and its acting context for the duration of the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        context = new_context(client[0] if client else "")

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
