"""Security headers on every response: CSP, nosniff, Referrer-Policy, no framing, no-store, HSTS in production.

ASVS 4.0.3 14.4.1-14.4.7 / 5.0 3.4.1 (HSTS), 3.4.3 (CSP with object-src 'none' and base-uri 'none'),
3.4.4 (nosniff), 3.4.5 (Referrer-Policy), 3.4.6 (frame-ancestors); 8.2.1 / 14.3.2 (no-store on pages with
personal data: every /admin page except sqladmin's static files).

The policy allows only our own origin. sqladmin's pages need two exceptions, both narrow:
- the one inline script sqladmin renders (flash.html shows toasts), allowed by its SHA-256, computed from
  the installed template so an upgrade that changes the script changes the hash with it;
- `data:` images: Tabler's CSS draws checkboxes, selects and switches with inline SVG data URLs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console.sqladmin_door import original_templates

# Templates whose inline <script> bodies the console renders (checked by tests/console/test_security_headers.py).
INLINE_SCRIPT_TEMPLATES = tuple(original_templates(["flash.html"]))
ADMIN_PREFIX = "/admin"
CACHEABLE_PREFIXES = ("/admin/statics/",)
HSTS = "max-age=31536000; includeSubDomains"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def inline_script_hashes(templates: Iterable[Path] = INLINE_SCRIPT_TEMPLATES) -> list[str]:
    """CSP source expressions ('sha256-...') for every inline script in `templates`."""
    hashes = []
    for template in templates:
        for body in _INLINE_SCRIPT.findall(template.read_text(encoding="utf-8")):
            digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            hashes.append(f"'sha256-{digest}'")
    return hashes


def content_security_policy(script_hashes: Iterable[str]) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


class SecurityHeadersMiddleware:
    """Pure ASGI middleware, outermost, so errors, redirects and static files get the headers too."""

    def __init__(self, app: ASGIApp, production: bool = False) -> None:
        self.app = app
        self.production = production
        self.policy = content_security_policy(inline_script_hashes())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = self.policy
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "same-origin"
                headers["X-Frame-Options"] = "DENY"
                if _is_admin_page(path):
                    headers["Cache-Control"] = "no-store"
                if self.production:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _is_admin_page(path: str) -> bool:
    in_admin = path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")
    return in_admin and not path.startswith(CACHEABLE_PREFIXES)
