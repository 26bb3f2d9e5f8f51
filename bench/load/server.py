"""The console under test: `uvicorn --factory console.app:create_app --workers N` on loopback, started and stopped."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO

HOST = "127.0.0.1"
PORT = 8301
READY_TIMEOUT_SECONDS = 60


def server_environment(base: dict[str, str], url: str, extra: dict[str, str]) -> dict[str, str]:
    """A test environment: one SECRET_KEY for every worker (a cookie signed by one is read by the other)."""
    return {
        **base,
        "DATABASE_URL": url,
        "ENVIRONMENT": "test",  # not production: its cookies are Secure, which a client on plain http never sends back
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": HOST,
        **extra,
    }


def _wait_until_ready(process: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn ended with {process.returncode} before serving")
        try:
            with urllib.request.urlopen(f"{base}/admin/login", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the console did not answer on {base} within {READY_TIMEOUT_SECONDS} s")


def uvicorn_command(workers: int, port: int, *, access_log: bool = False) -> list[str]:
    """The documented multi-worker command (docs/DEPLOYMENT.md), on loopback; no access log by default: it costs CPU."""
    return [
        sys.executable, "-m", "uvicorn", "--factory", "console.app:create_app", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", *([] if access_log else ["--no-access-log"]),
    ]  # fmt: skip


@contextmanager
def running(
    command: Sequence[str], environment: dict[str, str], base: str, output: IO[bytes] | None = None
) -> Iterator[str]:
    """Run a server `command` until the block ends, once `base` answers; yields `base`. `output`: what it logs."""
    process = subprocess.Popen(
        command, env=environment, start_new_session=True, stdout=output, stderr=subprocess.STDOUT if output else None
    )
    try:
        _wait_until_ready(process, base)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # uvicorn's supervisor and its workers: our own process group
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def serving(
    environment: dict[str, str],
    workers: int,
    *,
    port: int = PORT,
    access_log: bool = False,
    output: IO[bytes] | None = None,
) -> Iterator[str]:
    """Serve the console with `workers` processes until the block ends; yields its base URL.

    Tests start it on a port of their own (`port`), so a test run and a load run never meet, and may keep what
    the server logs (`output`: its stdout and stderr together).
    """
    with running(uvicorn_command(workers, port, access_log=access_log), environment, f"http://{HOST}:{port}", output):
        yield f"http://{HOST}:{port}"
