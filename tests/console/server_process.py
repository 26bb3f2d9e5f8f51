"""The documented command, `uvicorn --factory console.app:create_app --workers 2`, as a process of the test.

bench/load/server.py keeps uvicorn's INFO lines off (they cost CPU under load); the observability tests read
them, so this one runs uvicorn at INFO with its access log, on a port of the 8431-8439 range, writing stdout and
stderr to `output`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx

from bench.load.server import HOST

STARTUP_SECONDS = 60


@contextmanager
def uvicorn_workers(environment: dict[str, str], output: Path, port: int) -> Iterator[str]:
    """Serve the console with two workers until the block ends; yields its base URL."""
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "console.app:create_app", "--host", HOST,
        "--port", str(port), "--workers", "2", "--log-level", "info",
    ]  # fmt: skip
    with output.open("wb") as sink:
        server = subprocess.Popen(
            command, env=environment, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None and time.monotonic() < deadline, output.read_text(encoding="utf-8")
            try:
                httpx.get(f"{base}/favicon.ico", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # the supervisor and its workers: the process group of their own
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
