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
from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def serving(environment: dict[str, str], workers: int, *, port: int = PORT, access_log: bool = False) -> Iterator[str]:
    """Serve the console until the block ends; yields its base URL. No access log by default: its lines cost CPU.

    Tests start it on a port of their own (`port`), so a test run and a load run never meet.
    """
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "console.app:create_app", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", *([] if access_log else ["--no-access-log"]),
    ]  # fmt: skip
    process = subprocess.Popen(command, env=environment, start_new_session=True)
    base = f"http://{HOST}:{port}"
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
