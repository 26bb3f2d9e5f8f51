"""The two servers under test, each one uvicorn worker on loopback: the console and the vanilla baseline.

The console runs as it would in production (ENVIRONMENT=production, a random SECRET_KEY, ALLOWED_HOSTS the
loopback address), built by its own factory with DATABASE_URL on the scale database. Both servers run without an
access log, so neither pays for a log line the other does not write. Their output goes to a log file under the
run's temporary folder, printed when a server fails to start.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx

from bench.scale.vanilla import URL_VARIABLE
from console.settings import PROJECT_DIR

HOST = "127.0.0.1"
CONSOLE_PORT = 8201
VANILLA_PORT = 8202
READY_WITHIN = 90.0  # seconds


@dataclass(frozen=True)
class Servers:
    console: str  # base URLs
    vanilla: str


def _port_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex((HOST, port)) != 0


@contextmanager
def _uvicorn(factory: str, port: int, environment: dict[str, str], log: Path, ready_path: str) -> Iterator[str]:
    if not _port_free(port):
        raise SystemExit(f"port {port} on {HOST} is in use: stop what listens there, or the benchmark cannot start")
    command = [sys.executable, "-m", "uvicorn", "--factory", factory, "--host", HOST, "--port", str(port)]
    command += ["--no-access-log", "--log-level", "warning"]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env={**os.environ, **environment}, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://{HOST}:{port}"
    try:
        _wait_until_ready(process, base + ready_path, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + READY_WITHIN
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server for {url} exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server for {url} not ready after {READY_WITHIN:.0f} s:\n{log.read_text(errors='replace')}")


@contextmanager
def running_servers(project_url: str, vanilla_url: str, log_dir: Path) -> Iterator[Servers]:
    """Both servers started and answering; stopped on leaving, whatever happened."""
    console_environment = {
        "DATABASE_URL": project_url,
        "MIGRATION_DATABASE_URL": "",
        "ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": HOST,
        "SQL_ECHO": "false",
    }
    with ExitStack() as stack:
        console = stack.enter_context(
            _uvicorn(
                "console.app:create_app", CONSOLE_PORT, console_environment, log_dir / "console.log", "/admin/login"
            )
        )
        vanilla = stack.enter_context(
            _uvicorn(
                "bench.scale.vanilla:create_app",
                VANILLA_PORT,
                {URL_VARIABLE: vanilla_url},
                log_dir / "vanilla.log",
                "/admin/household/list",
            )
        )
        print(f"console on {console}, vanilla sqladmin on {vanilla} (one uvicorn worker each; logs in {log_dir})")
        yield Servers(console, vanilla)
