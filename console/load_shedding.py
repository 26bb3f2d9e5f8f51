"""Load shedding: a busy console says "try again shortly" (503 + Retry-After) at once, instead of queueing or a 500.

Two guards, both answering the same short Bahasa Indonesia page with `Retry-After`:

- `LoadSheddingMiddleware` (outer app): at most MAX_REQUESTS_IN_FLIGHT requests per process are being served;
  one more is answered 503 before anything reads a cookie, a session or the database, so nothing is written
  for it. The decision is taken once, when a request arrives: a request let in is always served to its end.
  sqladmin's CSS/JS and our static files are exempt (no database, and a page let in needs them), and so is
  /metrics, so monitoring sees the busiest moments (a token-guarded read of a few figures, console/metrics.py).
- `DatabaseBusyMiddleware` (outermost inside the /admin sub-application, so inside its own 500 handler):
  a database that cannot take the request now is a 503, not a 500. That is SQLAlchemy's `TimeoutError`
  (the pool had no connection free within DATABASE_POOL_TIMEOUT) and every `OperationalError`, which is
  the DBAPI's class for failures of the database's operation rather than of the statement: SQLite's
  "database is locked" after its busy timeout, PostgreSQL's deadlock, lock or statement time-out,
  serialization failure, "too many clients", a dropped connection. The transaction that failed was rolled
  back by its session, so nothing of it is stored (a write the request committed before, e.g. a form saved
  and then the session row's touch timed out, stays committed: the answer is still 503, never a 500).
  Once a response has started (a streamed export) its status can no longer change: the error goes on up.

The login form sheds too (console/auth.py): argon2id checks run three at a time, and a login arriving while
PASSWORD_CHECKS_WAITING others wait for one gets the same 503 before its password is looked at.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import OperationalError, TimeoutError
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again (RFC 9110 10.2.3).
RETRY_AFTER_SECONDS = 5
EXEMPT_PREFIXES = ("/static/", "/admin/statics/", "/metrics")  # a scrape answers when busiest (console/metrics.py)
BUSY_MESSAGE = "Konsol sedang melayani banyak permintaan. Silakan coba lagi dalam beberapa detik."
_PAGE = (
    '<!doctype html><html lang="id"><head><meta charset="utf-8"><title>Konsol DTKS sedang sibuk</title></head>'
    f"<body><h1>Konsol DTKS sedang sibuk</h1><p>{BUSY_MESSAGE}</p>"
    f"<p>Halaman ini dapat dimuat ulang setelah {RETRY_AFTER_SECONDS} detik; data Anda tidak berubah.</p>"
    "</body></html>"
).encode()
DATABASE_BUSY_ERRORS = (TimeoutError, OperationalError)


def busy_response() -> Response:
    """The 503 answer: Retry-After, no caching, the short page (HEAD gets it too; servers drop the body)."""
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}
    return Response(_PAGE, status_code=503, headers=headers, media_type="text/html")


async def send_busy_page(scope: Scope, receive: Receive, send: Send) -> None:
    await busy_response()(scope, receive, send)


class LoadSheddingMiddleware:
    """Pure ASGI middleware: 503 for a request that arrives while `max_in_flight` are being served."""

    def __init__(self, app: ASGIApp, max_in_flight: int) -> None:
        self.app = app
        self.max_in_flight = max_in_flight
        self.in_flight = 0  # one event loop per process: no lock needed between the check and the increment
        self.shed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path", "").startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self.in_flight >= self.max_in_flight:
            self.shed += 1
            await send_busy_page(scope, receive, send)
            return
        self.in_flight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.in_flight -= 1


class DatabaseBusyMiddleware:
    """Pure ASGI middleware: a pool time-out or an operational database error before the response is a 503."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except DATABASE_BUSY_ERRORS as error:
            if started:
                raise
            # One line, no traceback and no statement (hide_parameters keeps values out of it anyway).
            logger.warning("Basis data sibuk, dijawab 503: %s", type(getattr(error, "orig", None) or error).__name__)
            await send_busy_page(scope, receive, send)
