"""`/metrics`: the console's figures in the Prometheus text format, for the monitoring server alone.

Off unless METRICS_ENABLED (then the path is a plain 404). On, it asks `Authorization: Bearer <METRICS_TOKEN>`:
none is 401, another token 403 (compared in constant time). It lies outside /admin, like /healthz: no login
session, no cookie, no audit row, no login throttle, and load shedding lets it through (console/load_shedding.py)
so a scrape still answers when the console is busiest. It holds no personal data: counts by route template and
status, durations, the pool, the queues by status.

What it shows (console/metric_collectors.py for the figures read at scrape time):

- `dtks_http_requests_total{method, route, status_class}` and `dtks_http_request_duration_seconds{route}` (a
  histogram), counted by console/request_log.py for every request;
- `dtks_http_requests_in_flight`, `..._in_flight_limit` and `dtks_http_requests_shed_total`: load shedding's own
  figures; `dtks_database_pool_size`, `..._checked_out`, `..._overflow`, `..._checked_in` (a QueuePool; an
  in-memory SQLite database's single-connection pool shows none); these carry the worker's `pid`;
- `dtks_proposals_waiting{status, step}`: proposals in each status that is not final, and the roles whose step
  it is, read from the province rows of `proposal_tally` (at most 38 x 17 rows, whatever the register's size),
  kept WAITING_SECONDS between reads;
- in one process, the process's CPU, memory and open files (`process_*`).

Several workers (`uvicorn --workers N`): each has its own figures, and a scrape reaches one worker. With the
environment variable PROMETHEUS_MULTIPROC_DIR set to an empty folder before the server starts (it is read when
prometheus-client is imported, so not from `.env`), the counters and histograms are written there by every
worker and each scrape sums them (prometheus-client's multiprocess mode; empty the folder at each start).
"""

from __future__ import annotations

import hmac
import os

import anyio
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.process_collector import ProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from console.metric_collectors import InFlightCollector, PoolCollector, WaitingProposalsCollector

MULTIPROCESS_FOLDER = "PROMETHEUS_MULTIPROC_DIR"
NO_STORE = {"Cache-Control": "no-store"}
# Seconds: a list page takes tens of milliseconds, an export or a PDF seconds.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

# No `_created` series: a counter's start is the process's (process_start_time_seconds).
disable_created_metrics()  # type: ignore[no-untyped-call]

# The request figures live in a registry of their own (never prometheus-client's global one), made once per
# process; in multiprocess mode their values go to the folder's files instead and are read back from there.
REQUEST_REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "dtks_http_requests",
    "Requests answered, by method, route template and status class.",
    ["method", "route", "status_class"],
    registry=REQUEST_REGISTRY,
)
LATENCY = Histogram(
    "dtks_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response, by route template.",
    ["route"],
    buckets=LATENCY_BUCKETS,
    registry=REQUEST_REGISTRY,
)


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count one request (console/request_log.py calls it when the response is done)."""
    REQUESTS.labels(method if method in METHODS else "OTHER", route, f"{status // 100}xx").inc()
    LATENCY.labels(route).observe(seconds)


class _RequestFigures(Collector):
    """This process's request counter and histogram, for a scrape's registry."""

    def collect(self):  # type: ignore[no-untyped-def]
        return REQUEST_REGISTRY.collect()


class ConsoleMetrics:
    """What one app shows at /metrics: the request figures plus the app's own collectors."""

    def __init__(self, app: Starlette, engine: Engine) -> None:
        self.app_collectors: list[Collector] = [
            InFlightCollector(app),
            PoolCollector(engine),
            WaitingProposalsCollector(engine),
        ]

    def exposition(self) -> bytes:
        registry = CollectorRegistry(auto_describe=False)
        folder = os.environ.get(MULTIPROCESS_FOLDER)
        if folder:
            MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
        else:
            registry.register(_RequestFigures())
            ProcessCollector(registry=registry)
        for collector in self.app_collectors:
            registry.register(collector)
        return generate_latest(registry)


def bearer_token(authorization: str) -> str | None:
    scheme, _, token = authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def metrics_page(request: Request) -> Response:
    given = bearer_token(request.headers.get("authorization", ""))
    if given is None:
        return PlainTextResponse(
            "Butuh token metrik (Authorization: Bearer).",
            status_code=401,
            headers={**NO_STORE, "WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    expected: str = request.app.state.settings.metrics_token
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return PlainTextResponse("Token metrik salah.", status_code=403, headers=NO_STORE)
    metrics: ConsoleMetrics = request.app.state.metrics
    body = await anyio.to_thread.run_sync(metrics.exposition)  # the waiting proposals may read the database
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers=NO_STORE)
