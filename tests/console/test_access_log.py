"""Query strings stay out of access logs whatever server starts the app: the app installs the filter itself.

Before issue 9 only `python -m console run` installed it, so `uvicorn --factory console.app:create_app` (or
gunicorn with uvicorn's worker) logged `?search=<NIK>` verbatim. Here a real uvicorn process serves the app.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from starlette.applications import Starlette

from console.access_log import DropQueryStrings

PROJECT_DIR = Path(__file__).resolve().parents[2]
NIK = "5272014107850003"
STARTUP_SECONDS = 40
SHUTDOWN_SECONDS = 15


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(server: subprocess.Popen[str], base: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"uvicorn exited with {server.returncode}: {server.stdout.read() if server.stdout else ''}")
        try:
            httpx.get(f"{base}/admin/statics/css/main.css", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    pytest.fail(f"uvicorn did not answer within {STARTUP_SECONDS} s")


def _stop(server: subprocess.Popen[str]) -> str:
    server.send_signal(signal.SIGINT)
    try:
        output, _ = server.communicate(timeout=SHUTDOWN_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        output, _ = server.communicate()
    return output


def test_uvicorn_factory_logs_requests_without_their_query_strings(
    database_url: str, engine: object, regions: frozenset[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # This test's own HTTP client logs the URLs it requests, NIK included: its records are not the console's.
    monkeypatch.setattr(logging.getLogger("httpx2"), "disabled", True)
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "ENVIRONMENT": "test",
        "SECRET_KEY": "a" * 48,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "console.app:create_app"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        command, cwd=PROJECT_DIR, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(server, base)
        statuses = [
            httpx.get(f"{base}/admin/login?search={NIK}", timeout=10).status_code,
            httpx.get(f"{base}/admin/household/list?search={NIK}&page=2", timeout=10).status_code,
            httpx.get(f"{base}/?nik={NIK}", timeout=10).status_code,
        ]
    finally:
        output = _stop(server)

    assert statuses == [200, 302, 307]  # the list redirects to the login page, / to the console
    assert '"GET /admin/login HTTP/1.1" 200' in output, output
    assert '"GET /admin/household/list HTTP/1.1" 302' in output, output
    assert '"GET / HTTP/1.1" 307' in output, output
    assert NIK not in output and "search=" not in output and "nik=" not in output, output


def test_gunicorns_access_records_lose_the_query_string_too(app: Starlette) -> None:
    # gunicorn is not installed here; its access logger hands a dict of atoms to logging (glogging.Logger.access).
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("gunicorn.access")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        atoms = {"h": "10.0.0.1", "r": f"GET /admin/login?search={NIK} HTTP/1.1", "s": "200", "q": f"search={NIK}"}
        logger.info('%(h)s "%(r)s" %(s)s q=%(q)s', atoms)
    finally:
        logger.removeHandler(handler)

    assert records == ['10.0.0.1 "GET /admin/login HTTP/1.1" 200 q=']
    assert sum(isinstance(existing, DropQueryStrings) for existing in logger.filters) == 1
