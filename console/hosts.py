"""Only the configured host names are served (ALLOWED_HOSTS): a forged Host header gets 400, never a redirect.

Every absolute URL the console builds (redirects after login, logout and saves; `url_for` in pages) takes its
host from the request's Host header. Without this check a request with `Host: evil.example` was answered
with `Location: http://evil.example/admin/...` (OWASP WSTG-INPV-17, Host header injection). Starlette's
TrustedHostMiddleware decides (exact names, `*.example.go.id` wildcards, the port ignored); this wrapper
only turns its English "Invalid host header" into Bahasa Indonesia and switches its `www.` redirect off,
so nothing about a refused host is ever echoed.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

REFUSED_HOST_MESSAGE = (
    "Permintaan ditolak: nama host ini tidak terdaftar untuk Konsol DTKS. Buka konsol melalui alamatnya "
    "yang resmi; pengelola server mendaftarkan nama host di pengaturan ALLOWED_HOSTS."
)
_ADMITTED = "dtks.host.admitted"


class AllowedHostsMiddleware:
    """Pure ASGI middleware, the outermost one: Starlette's host check, refusals worded for our users."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]) -> None:
        async def admitted(scope: Scope, receive: Receive, send: Send) -> None:
            scope[_ADMITTED] = True
            await app(scope, receive, send)

        self.app = app
        self.trusted = TrustedHostMiddleware(admitted, allowed_hosts=list(allowed_hosts), www_redirect=False)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.trusted(scope, receive, send)
            return

        async def worded(message: Message) -> None:
            if scope.get(_ADMITTED):
                await send(message)
            elif message["type"] == "http.response.start":
                # Starlette's own refusal (the only response it makes with www_redirect off): ours instead.
                await PlainTextResponse(REFUSED_HOST_MESSAGE, status_code=400)(scope, receive, send)

        await self.trusted(scope, receive, worded)
