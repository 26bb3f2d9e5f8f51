"""The figures /metrics reads when it is scraped (console/metrics.py): in-flight requests, the pool, the queues.

Each collector reads what is already kept elsewhere, so each rule stays in one place: the in-flight count is
load shedding's own (console/load_shedding.py), the pool's figures SQLAlchemy's, the waiting proposals the
tallies the database keeps (models/tally.py) on their province rows, the cheapest complete count: at most one
row per province and status, whatever the number of households. That read is kept WAITING_SECONDS (a scrape
every 15 s reads the database at most once in that time), and a failed read leaves the figure out of that
scrape (logged) rather than failing the others.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from threading import Lock

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, true
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import QueuePool
from starlette.applications import Starlette

from chain.worklist import SIDE_ACTIONS
from console.load_shedding import LoadSheddingMiddleware
from models.proposal import FINAL_STATUSES, ProposalStatus
from models.region_codes import RegionLevel
from models.tally import ProposalTally, tally_rows
from models.workflow import TRANSITIONS

LOG = logging.getLogger(__name__)
WAITING_SECONDS = 10.0


def _step(status: ProposalStatus) -> str:
    """The roles that take a proposal on from `status` (its main arrows, not the side ones), joined by '+'."""
    roles = {role.value for t in TRANSITIONS if t.source == status and t.action not in SIDE_ACTIONS for role in t.roles}
    return "+".join(sorted(roles)) or "-"


WAITING_STATUSES = tuple(status for status in ProposalStatus if status not in FINAL_STATUSES)
STEPS = {status: _step(status) for status in WAITING_STATUSES}


def load_shedding_of(app: Starlette) -> LoadSheddingMiddleware | None:
    """The app's load-shedding middleware, found down its built middleware stack (None before the first call)."""
    layer: object = app.middleware_stack
    while layer is not None:
        if isinstance(layer, LoadSheddingMiddleware):
            return layer
        layer = getattr(layer, "app", None)
    return None


class InFlightCollector(Collector):
    """Requests being served now in this worker, its limit, and those shed since it started."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily | CounterMetricFamily]:
        shedding = load_shedding_of(self.app)
        if shedding is None:
            return
        pid = [str(os.getpid())]
        figures = (
            ("dtks_http_requests_in_flight", "Requests being served now by this worker.", shedding.in_flight),
            ("dtks_http_requests_in_flight_limit", "MAX_REQUESTS_IN_FLIGHT of this worker.", shedding.max_in_flight),
        )
        for name, documentation, value in figures:
            gauge = GaugeMetricFamily(name, documentation, labels=["pid"])
            gauge.add_metric(pid, value)
            yield gauge
        shed = CounterMetricFamily("dtks_http_requests_shed", "Requests answered 503 by load shedding.", labels=["pid"])
        shed.add_metric(pid, shedding.shed)
        yield shed


class PoolCollector(Collector):
    """The database pool of this worker: its size, connections checked out and in, overflow in use."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[GaugeMetricFamily]:
        pool = self.engine.pool
        if not isinstance(pool, QueuePool):  # an in-memory SQLite database: one connection, nothing to watch
            return
        pid = [str(os.getpid())]
        figures = (
            ("size", "Connections the pool keeps (pool_size).", pool.size()),
            ("checked_out", "Connections in use by requests now.", pool.checkedout()),
            ("checked_in", "Idle connections in the pool.", pool.checkedin()),
            ("overflow", "Connections beyond pool_size open now (negative: not all opened yet).", pool.overflow()),
        )
        for name, documentation, value in figures:
            gauge = GaugeMetricFamily(f"dtks_database_pool_{name}", documentation, labels=["pid"])
            gauge.add_metric(pid, value)
            yield gauge


class WaitingProposalsCollector(Collector):
    """Proposals in each status that is not final, nationally, read from the tallies (kept WAITING_SECONDS)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.lock = Lock()
        self.read_at = -WAITING_SECONDS
        self.counts: dict[ProposalStatus, int] | None = None

    def _read(self) -> dict[ProposalStatus, int] | None:
        stmt = tally_rows(ProposalTally, RegionLevel.PROVINCE, true(), ProposalTally.status)
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(stmt).all()
        except SQLAlchemyError as error:
            LOG.warning("Metrics: proposal tallies not read: %s", type(error).__name__)
            return None
        return {ProposalStatus(status): int(count) for status, count in rows}

    def waiting(self) -> dict[ProposalStatus, int] | None:
        with self.lock:  # one read at a time: concurrent scrapes share it
            if time.monotonic() - self.read_at >= WAITING_SECONDS:
                self.counts = self._read()
                self.read_at = time.monotonic()
            return self.counts

    def collect(self) -> Iterator[GaugeMetricFamily]:
        counts = self.waiting()
        if counts is None:
            return
        gauge = GaugeMetricFamily(
            "dtks_proposals_waiting",
            "Proposals in a status that is not final, and the roles whose step it is.",
            labels=["status", "step"],
        )
        for status in WAITING_STATUSES:
            gauge.add_metric([status.value, STEPS[status]], counts.get(status, 0))
        yield gauge
