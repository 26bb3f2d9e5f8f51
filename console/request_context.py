"""The request being served, reachable from code sqladmin calls without passing it (forms, i18n, logs).

The middleware remembers the connection and opens an acting context for it (chain/acting.py): a request id,
also sent back as `X-Request-ID`, and the client IP; `LoginBackend.authenticate` names the user.

The request id is the reverse proxy's `X-Request-ID` when it is sane, so the proxy's log, ours and the audit
rows share one id: 8 to 36 characters (the audit column's width) of letters, digits and `.`, `_`, `:`, `-`, and
no run of 16 digits (the logs would mask it as a NIK). Anything else, or none, gets a fresh uuid4.
"""

from __future__ import annotations

import re
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chain.acting import new_context, serving
from models.identity import IDENTITY_LENGTH

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
SANE_REQUEST_ID = re.compile(rf"(?!.*[0-9]{{{IDENTITY_LENGTH}}})[A-Za-z0-9._:-]{{8,36}}")

_current: ContextVar[HTTPConnection | None] = ContextVar("dtks_current_request", default=None)


def current_request() -> HTTPConnection | None:
    return _current.get()


def incoming_request_id(scope: Scope) -> str:
    """The proxy's `X-Request-ID` if it is sane (the module docstring), else "" (a fresh one is made)."""
    for key, value in scope.get("headers", ()):
        if key == _HEADER_KEY:
            candidate = value.decode("latin-1")
            return candidate if SANE_REQUEST_ID.fullmatch(candidate) else ""
    return ""


class RequestContextMiddleware:
    """Pure ASGI middleware: remembers the connection and its acting context for the duration of the request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        context = new_context(client[0] if client else "", incoming_request_id(scope))

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
