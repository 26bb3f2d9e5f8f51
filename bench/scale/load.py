"""The list page under load: 32 connections at once for 15 s against each server, one after the other.

Each connection is a thread with its own keep-alive connection (on the console, its own logged-in official of
the regency: 32 sessions) that requests the regency's household list p1 again as soon as the previous answer
is read. Loopback only; bounded in time (no request starts after the window, the ones running are waited for).
An error is any answer but 200, or a request that fails or times out (60 s).
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass

import httpx2 as httpx

from bench.scale.browser import Browser
from bench.scale.servers import Servers
from models.user import Role

CONNECTIONS = 32
SECONDS = 15.0
PATH = "/admin/household/list"


@dataclass(frozen=True)
class LoadResult:
    """One server's window: requests finished, errors among them, the window's length and every latency."""

    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return (self.requests - self.errors) / self.seconds

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")

    def line(self, label: str) -> str:
        return (
            f"| {label} | {self.per_second:.1f} | {statistics.median(self.latencies_ms):.0f} | "
            f"{self.percentile(0.99):.0f} | {self.errors} of {self.requests} |"
        )


def _hammer(browsers: list[Browser]) -> LoadResult:
    """Every browser requests PATH in a loop, from one common start, until the window closes."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = threading.Barrier(len(browsers) + 1)
    window: list[float] = []

    def connection(browser: Browser) -> None:
        start.wait()
        while time.perf_counter() < window[0]:
            began = time.perf_counter()
            try:
                ok = browser.get(PATH).status_code == 200
            except httpx.HTTPError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - began) * 1000)
                errors[0] += not ok

    threads = [threading.Thread(target=connection, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    window.append(began + SECONDS)
    start.wait()
    for thread in threads:
        thread.join()
    return LoadResult(len(latencies), errors[0], time.perf_counter() - began, latencies)


def run_load(servers: Servers) -> tuple[LoadResult, LoadResult]:
    """The console's figures, then vanilla's (each server alone on the machine while it is measured)."""
    officials = [Browser(servers.console).log_in(Role.OPERATOR_DINSOS.value) for _ in range(CONNECTIONS)]
    plain = [Browser(servers.vanilla) for _ in range(CONNECTIONS)]
    try:
        for browser in [*officials, *plain]:
            browser.get(PATH)  # connect and warm up outside the window
        return _hammer(officials), _hammer(plain)
    finally:
        for browser in [*officials, *plain]:
            browser.close()


def table(project: LoadResult, vanilla: LoadResult) -> str:
    lines = [
        f"| {CONNECTIONS} connections, {SECONDS:.0f} s, household list p1 | req/s | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|",
        project.line("project (regency 52.72)"),
        vanilla.line("vanilla sqladmin"),
    ]
    lines.append(f"\nratio of req/s, project / vanilla: {project.per_second / vanilla.per_second:.2f}x")
    return "\n".join(lines)
