"""CSRF protection for everything under /admin: a per-session token plus an Origin check.

sqladmin has none (create/edit are plain POST forms, delete is a JavaScript DELETE). Every POST, PUT, PATCH
and DELETE must (ASVS 4.0.3 4.2.2 / 5.0 3.5.1, 3.5.3):

1. come from our own origin: `Origin` (else `Referer`) equal to the request's scheme://host, and
   `Sec-Fetch-Site`, when the browser sends it, `same-origin` or `none`;
2. carry the session's token, in the form field `csrf_token` or the header `X-CSRF-Token`.

Otherwise the answer is 403 with an Indonesian page and the application never sees the request. The
form field sits in the body, so the middleware reads the body (at most 12 MiB, else 413) and replays it.
"""

from __future__ import annotations

import logging
import secrets
from urllib.parse import parse_qsl, urlsplit

from markupsafe import Markup, escape
from starlette.datastructures import Headers
from starlette.formparsers import MultiPartException
from starlette.requests import HTTPConnection, Request
from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
ACCEPTED_FETCH_SITES = frozenset({"same-origin", "none"})
MAX_BODY_BYTES = 12 * 1024 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}

logger = logging.getLogger("console.csrf")


def csrf_token(connection: HTTPConnection | None) -> str:
    """The session's token, created on first use; empty when there is no session (outside /admin)."""
    if connection is None or "session" not in connection.scope:
        return ""
    session = connection.scope["session"]
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[SESSION_KEY] = token
    return token


def csrf_hidden_input(connection: HTTPConnection | None) -> Markup:
    return Markup('<input type="hidden" name="{}" value="{}">').format(FORM_FIELD, csrf_token(connection))


def _origin(url: str) -> str | None:
    """scheme://host[:port] of a URL, lower-cased, default port dropped; None when it is not http(s)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "")
    if scheme not in _DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host
    return f"{scheme}://{host}" if port in (None, _DEFAULT_PORTS[scheme]) else f"{scheme}://{host}:{port}"


def origin_problem(connection: HTTPConnection) -> str | None:
    """Why this request does not come from our own pages, or None when it does."""
    own = _origin(f"{connection.url.scheme}://{connection.url.netloc}/")
    headers = connection.headers
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site.lower() not in ACCEPTED_FETCH_SITES:
        return f"Sec-Fetch-Site {fetch_site}"
    origin = headers.get("origin")
    if origin is not None:
        return None if own is not None and _origin(origin) == own else f"Origin {origin[:100]}"
    referer = headers.get("referer")
    if referer is not None:
        return None if own is not None and _origin(referer) == own else "Referer of another site"
    return "no Origin or Referer"


async def _form_token(scope: Scope, body: bytes) -> str | None:
    content_type = Headers(scope=scope).get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded":
        fields = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
        return next((value for name, value in fields if name == FORM_FIELD), None)
    if content_type == "multipart/form-data":
        # Without "app" in the scope, Starlette raises MultiPartException (not HTTPException) on a bad body.
        request = Request({key: value for key, value in scope.items() if key != "app"}, _replay(body, _nothing_more))
        form = await request.form()
        try:
            value = form.get(FORM_FIELD)
            return value if isinstance(value, str) else None
        finally:
            await form.close()
    return None


async def _nothing_more() -> Message:
    return {"type": "http.disconnect"}


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands the buffered body over once, then defers to the real one."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _read_body(scope: Scope, receive: Receive, limit: int) -> bytes | None:
    """The whole request body, or None as soon as it exceeds `limit` bytes."""
    declared = Headers(scope=scope).get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


REFUSAL_PAGE = """<!DOCTYPE html>
<html lang="id"><head><meta charset="UTF-8"><title>{title} - Konsol DTKS</title>
<link rel="stylesheet" href="{css}"></head>
<body><div class="page page-center"><div class="container-tight py-4"><div class="empty">
<div class="empty-header">{status}</div><p class="empty-title">{title}</p>
<p class="empty-subtitle text-secondary">{message}</p>
<div class="empty-action"><a class="btn btn-primary" href="{home}">Kembali ke Konsol DTKS</a></div>
</div></div></div></body></html>"""

FORBIDDEN_MESSAGE = (
    "Permintaan ini tidak berasal dari halaman Konsol DTKS yang sedang Anda buka, atau halamannya sudah "
    "kedaluwarsa. Tidak ada data yang diubah. Muat ulang halaman, lalu coba lagi."
)
TOO_LARGE_MESSAGE = "Data yang dikirim terlalu besar (paling banyak 12 MiB). Tidak ada data yang diubah."
BAD_FORM_MESSAGE = "Formulir yang dikirim tidak dapat dibaca. Tidak ada data yang diubah."


def refusal_page(scope: Scope, status: int, title: str, message: str) -> HTMLResponse:
    root = scope.get("root_path", "")
    page = REFUSAL_PAGE.format(
        status=status,
        title=escape(title),
        message=escape(message),
        css=escape(f"{root}/statics/css/tabler.min.css"),
        home=escape(f"{root}/"),
    )
    return HTMLResponse(page, status_code=status)


class CsrfMiddleware:
    """Pure ASGI middleware, inside the session middleware (it reads the session's token)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        problem = origin_problem(connection)
        if problem is not None:
            await self._refuse(scope, receive, send, problem)
            return
        body = await _read_body(scope, receive, self.max_body_bytes)
        if body is None:
            response = refusal_page(scope, 413, "Data terlalu besar", TOO_LARGE_MESSAGE)
            await response(scope, receive, send)
            return
        try:
            sent = connection.headers.get(HEADER) or await _form_token(scope, body)
        except MultiPartException:
            await refusal_page(scope, 400, "Formulir rusak", BAD_FORM_MESSAGE)(scope, receive, send)
            return
        expected = scope.get("session", {}).get(SESSION_KEY)
        if not isinstance(expected, str) or not expected or not sent:
            await self._refuse(scope, receive, send, "missing token")
            return
        if not secrets.compare_digest(sent.encode(), expected.encode()):
            await self._refuse(scope, receive, send, "wrong token")
            return
        await self.app(scope, _replay(body, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, reason: str) -> None:
        client = scope.get("client") or ("?", 0)
        # The path only, never the query string (it could hold personal data).
        logger.warning("CSRF refused %s %s from %s: %s", scope["method"], scope.get("path"), client[0], reason)
        await refusal_page(scope, 403, "Permintaan ditolak", FORBIDDEN_MESSAGE)(scope, receive, send)
