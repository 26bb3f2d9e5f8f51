"""bench/load/locustfile.py still matches the console: every simulated official's tasks, run by locust for a few
seconds against the real app on loopback (demo accounts, a small demo regency), answer without a 5xx, a refusal
or a missing page. Not a timing test: how fast is measured by `python -m bench.load` (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from argon2 import PasswordHasher
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from bench.load import setup
from bench.load.figures import read_answers, status_class

LOCUSTFILE = Path(__file__).resolve().parent.parent / "bench" / "load" / "locustfile.py"
# One simulated official of each class (locust gives every class one before weighing the rest).
USERS = 7
# Long enough for every official's tour of its tasks (BENCH_LOAD_TOUR) on a slow shared machine with coverage
# tracing the in-process server: at 6 s the last tasks of a tour were sometimes never reached.
SECONDS = 15


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(app: Starlette) -> Iterator[str]:
    """The real app served by uvicorn on a free loopback port, for the length of one test."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 15 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _task_names() -> set[str]:
    """The request names the locustfile's tasks send ("GET household list", ...), read from its source."""
    tree = ast.parse(LOCUSTFILE.read_text(encoding="utf-8"))
    names = set()
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef) and any(
            isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "task"
            for decorator in function.decorator_list
        ):
            names |= {
                node.value
                for node in ast.walk(function)
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value[:4] in ("GET ", "POST")
            }
    return names


@pytest.fixture
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real argon2id at its lowest cost for the demo accounts made here: the logins would otherwise spend most of
    the seconds on 64 MiB checks three at a time (what a login costs is bench.load's to measure)."""
    monkeypatch.setattr("models.user._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_every_tiers_tasks_run_against_the_console_without_a_server_error_or_a_refusal(
    cheap_argon2: None, served: str, database_url: str, demo_seeder: Callable[[str, int], Session], tmp_path: Path
) -> None:
    demo_seeder("52.72", 30)
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps(setup.sample(database_url)), encoding="utf-8")
    out = tmp_path / "answers.jsonl"
    environment = {
        **setup.base_environment(),
        "BENCH_LOAD_OUT": str(out),
        "BENCH_LOAD_SAMPLE": str(sample),
        "BENCH_LOAD_PAUSE": "0.05,0.2",
        "BENCH_LOAD_TOUR": "1",  # every task of every official once, then at random
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary", "--loglevel", "WARNING",
        "-u", str(USERS), "-r", str(USERS), "-t", f"{SECONDS}s", "--stop-timeout", "5", "--host", served,
    ]  # fmt: skip
    finished = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=90, cwd=os.getcwd())
    answers = read_answers(out)
    unexpected = sorted(
        {(answer.name, answer.status) for answer in answers if status_class(answer.status) != "2xx/3xx"}
    )
    assert unexpected == [], finished.stderr[-2000:]
    logins = [answer for answer in answers if answer.name == "POST login"]
    assert len(logins) == USERS and {answer.status for answer in logins} == {302}
    missing = _task_names() - {answer.name for answer in answers}
    assert missing == set(), f"tasks that never ran: {sorted(missing)}"
