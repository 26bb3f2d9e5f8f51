"""One log line per request, a warning for a slow one, and the figures /metrics counts (pure ASGI, cheap).

`RequestLogMiddleware` sits just inside `RequestContextMiddleware` (console/app.py), outside the host check and
load shedding, so a refused or shed request has its line too. When the response is done it logs, on
`dtks.request` at INFO:

    GET /admin/{identity}/list 200 35.2 ms user=12 request=6f1c... pid=4242

the method, the route's template (the matched route's path format, never the path itself, so no record id or
NIK and never the query string; `(unmatched)` for a path no route takes), the status, the duration, the user's
numeric id (`-` before login), the request id (console/request_context.py) and the worker's pid; the same
values go as structured fields for LOG_FORMAT=json (console/log_format.py). Over SLOW_REQUEST_MS the same line
is logged again on `dtks.slow` at WARNING, for an alert on slow pages alone.

The template is found after the response by matching the original path against the app's routes again, as
Starlette's router does (mounts included: `/admin` + `/{identity}/list`), a few microseconds; the router's own
`scope["route"]` would name only the innermost route, not the mount it sits in.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chain.acting import current_context
from console.log_format import FIELDS

REQUEST_LOGGER = logging.getLogger("dtks.request")
SLOW_LOGGER = logging.getLogger("dtks.slow")
UNMATCHED = "(unmatched)"
_MOUNT_TAIL = "/{path}"  # a Mount's path format is its path + "/{path}" (starlette.routing.Mount)

# Called once per request with (method, route template, status, seconds): console/metrics.py counts it.
RequestObserver = Callable[[str, str, int, float], None]


def route_template(routes: Sequence[BaseRoute], scope: Scope) -> str:
    """The path format of the route `scope` reaches (a mount's prefix included), or UNMATCHED."""
    partial = UNMATCHED
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route, Mount):
            prefix = route.path_format.removesuffix(_MOUNT_TAIL)
            if not route.routes:  # an app without routes (static files): the mount's own format
                return route.path_format
            inner = route_template(route.routes, {**scope, **child_scope})
            return prefix + inner if inner != UNMATCHED else UNMATCHED
        template: str = getattr(route, "path_format", UNMATCHED)
        if match is Match.FULL:
            return template
        if partial == UNMATCHED:
            partial = template  # the path is served, not with this method (405)
    return partial


class RequestLogMiddleware:
    """Times each HTTP request and logs its line when the response is done (the module docstring)."""

    def __init__(self, app: ASGIApp, slow_ms: float, observe: RequestObserver | None = None) -> None:
        self.app = app
        self.slow_ms = slow_ms
        self.observe = observe
        self.pid = os.getpid()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # What routing needs, as it arrives: the routers below rewrite `root_path` and `app` in the scope.
        routes = getattr(getattr(scope.get("app"), "router", None), "routes", ())
        method = scope.get("method", "")
        matched = {"type": "http", "path": scope["path"], "root_path": scope.get("root_path", ""), "method": method}
        status = 500  # what the server answers if the app raises before its response starts

        async def watched(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            seconds = time.perf_counter() - started
            self._log(route_template(routes, matched), method, status, seconds)

    def _log(self, route: str, method: str, status: int, seconds: float) -> None:
        context = current_context()
        user_id = context.actor_id if context else None
        request_id = context.request_id if context else "-"
        milliseconds = round(seconds * 1000, 1)
        fields: dict[str, Any] = {
            "method": method,
            "route": route,
            "status": status,
            "duration_ms": milliseconds,
            "user_id": user_id,
            "request_id": request_id,
            "pid": self.pid,
        }
        arguments = (method, route, status, milliseconds, user_id or "-", request_id, self.pid)
        line = "%s %s %d %.1f ms user=%s request=%s pid=%d"
        REQUEST_LOGGER.info(line, *arguments, extra={FIELDS: fields})
        if milliseconds > self.slow_ms:
            SLOW_LOGGER.warning(f"Slow request: {line} (over %d ms)", *arguments, self.slow_ms, extra={FIELDS: fields})
        if self.observe is not None:
            self.observe(method, route, status, seconds)
