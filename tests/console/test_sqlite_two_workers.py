"""The embedded SQLite database under the documented two-worker command: 20 officials writing at once lose nothing.

bench/sqlite_workers.py seeds the demo regency into an SQLite file of its own, serves it with `uvicorn --factory
console.app:create_app --workers 2` and lets 20 officials, each logged in on a session of its own, move
proposals, create households, import BNBA sheets and export the household list together; then reads the
database back. Every answer must be the expected one (no 503 "sibuk", no "database is locked" in the server's
log), every write must be stored with its audit row. The figures are printed into the run's output.

SQLite only: under TEST_DATABASE_URL the test is skipped, PostgreSQL's concurrency is `python -m bench.load`'s.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.sqlite_workers import run

WRITERS = 20
WORKERS = 2
PORT = 8414  # its own: bench/sqlite_workers.py's default is 8413, bench/load's 8301


@pytest.mark.skipif(bool(os.environ.get("TEST_DATABASE_URL", "").strip()), reason="the SQLite file, two workers")
def test_two_workers_on_one_sqlite_file_take_twenty_concurrent_writers_without_an_error_or_a_lost_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    figures = run(
        tmp_path / "dtks.sqlite3", writers=WRITERS, rounds=10, households_count=60, workers=WORKERS, port=PORT
    )

    with capsys.disabled():
        print("\n" + "\n".join(figures.lines(WRITERS, 0, WORKERS)))
    assert figures.errors == []
    assert figures.missing == []
    assert figures.writes == 180  # 70 transitions, 50 households, 20 imports, 40 exports
    assert figures.requests == 330
