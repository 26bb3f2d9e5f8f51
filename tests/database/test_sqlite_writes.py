"""SQLite's read-then-write trap, and why the console's writes never meet it (database/engine.py, chain/store.py).

A deferred transaction that has read and then writes after another connection committed fails at once with
"database is locked": the busy timeout is not consulted for a read lock's upgrade. The engine leaves Python's
sqlite3 its own transaction handling, which begins a transaction only at the first INSERT, UPDATE or DELETE:
a read before it runs on its own, holds no lock and no snapshot (as PostgreSQL's READ COMMITTED reads), so the
write that follows takes the write lock afresh, waiting up to the busy timeout. A write that depends on what
it read begins with `begin_write` (BEGIN IMMEDIATE: the write lock first), so a second such writer waits for
the first and then reads its result.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from chain.store import begin_write
from database.engine import make_engine

BUSY_TIMEOUT_MS = 5000
COUNTER = text("SELECT writer FROM tally WHERE id = 1")
ADD_ONE = text("UPDATE tally SET writer = :value WHERE id = 1")


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """A WAL database with one table, its row 1 a counter at "0"."""
    path = tmp_path / "dtks.sqlite3"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE tally (id INTEGER PRIMARY KEY, writer TEXT NOT NULL)")
        setup.execute("INSERT INTO tally (id, writer) VALUES (1, '0')")
    return path


@pytest.fixture
def file_engine(path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _raw(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return connection


def _counter(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(connection.execute(COUNTER).scalar_one())


def test_a_deferred_transaction_that_read_cannot_write_after_another_commit_although_the_busy_timeout_is_long(
    path: Path,
) -> None:
    first, second = _raw(path), _raw(path)
    first.execute("BEGIN")  # deferred, SQLite's default
    first.execute("SELECT count(*) FROM tally").fetchone()  # the read: a snapshot
    second.execute("INSERT INTO tally (writer) VALUES ('second')")  # another writer commits meanwhile

    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        first.execute("INSERT INTO tally (writer) VALUES ('first')")
    waited = time.monotonic() - started

    first.execute("ROLLBACK")
    assert waited < BUSY_TIMEOUT_MS / 1000 / 10  # no wait at all: retrying inside the transaction cannot help
    first.close()
    second.close()


def test_through_the_engine_the_same_read_then_write_succeeds(file_engine: Engine, path: Path) -> None:
    other = _raw(path)
    with file_engine.begin() as first:
        first.execute(text("SELECT count(*) FROM tally")).scalar_one()  # runs on its own: no lock, no snapshot
        other.execute("INSERT INTO tally (writer) VALUES ('second')")  # another writer commits meanwhile
        first.execute(text("INSERT INTO tally (writer) VALUES ('first')"))  # the transaction begins here
    other.close()

    with file_engine.connect() as connection:
        stored = connection.execute(text("SELECT writer FROM tally WHERE id > 1 ORDER BY id")).scalars().all()
    assert stored == ["second", "first"]


def test_a_writer_waits_for_the_writer_holding_the_lock_and_a_reader_waits_for_nobody(file_engine: Engine) -> None:
    seen: list[str] = []
    finished: dict[str, float] = {}

    def read() -> None:
        seen.append(_counter(file_engine))
        finished["reader"] = time.monotonic()

    def write() -> None:
        with file_engine.begin() as connection:
            connection.execute(text("INSERT INTO tally (writer) VALUES ('second')"))
        finished["writer"] = time.monotonic()

    with file_engine.begin() as first:
        first.execute(ADD_ONE, {"value": "1"})  # the write lock, held until the block ends
        threads = [threading.Thread(target=read), threading.Thread(target=write)]
        for thread in threads:
            thread.start()
        time.sleep(0.3)
        committed_at = time.monotonic()
    for thread in threads:
        thread.join(timeout=10)

    assert seen == ["0"]  # WAL: the reader saw the last commit, at once
    assert finished["reader"] < committed_at < finished["writer"]  # the writer waited (busy timeout), then wrote
    assert _counter(file_engine) == "1"


def _add_one(engine: Engine, *, lock_first: bool, read: threading.Event, go_on: threading.Event) -> None:
    with Session(engine) as session:
        if lock_first:
            begin_write(session)
        seen = int(session.execute(COUNTER).scalar_one())
        read.set()
        go_on.wait(timeout=5)
        session.execute(ADD_ONE, {"value": str(seen + 1)})
        session.commit()


def _adding_one(engine: Engine, lock_first: bool, read: threading.Event, go_on: threading.Event) -> threading.Thread:
    return threading.Thread(
        target=_add_one, args=(engine,), kwargs={"lock_first": lock_first, "read": read, "go_on": go_on}
    )


@pytest.mark.parametrize(("lock_first", "counted"), [(False, "1"), (True, "2")], ids=["read first", "begin_write"])
def test_only_begin_write_serialises_two_writers_adding_one_to_what_they_read(
    file_engine: Engine, lock_first: bool, counted: str
) -> None:
    first_read, first_go_on, second_read, never = (threading.Event() for _event in range(4))
    first = _adding_one(file_engine, lock_first, first_read, first_go_on)
    first.start()
    assert first_read.wait(timeout=5)
    second = _adding_one(file_engine, lock_first, second_read, never)
    never.set()  # the second goes straight on to its write
    second.start()
    # Without the lock first the second reads the same 0 and commits 1 before the first writes; with it the
    # second waits at its BEGIN IMMEDIATE until the first has committed, then reads 1.
    assert second_read.wait(timeout=1) is not lock_first
    if not lock_first:
        second.join(timeout=5)
    first_go_on.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert _counter(file_engine) == counted  # "1": an update lost, as PostgreSQL's READ COMMITTED would lose it


def test_twenty_threads_adding_one_through_begin_write_lose_no_update(file_engine: Engine) -> None:
    errors: list[BaseException] = []

    def add_five() -> None:
        for _round in range(5):
            try:
                with Session(file_engine) as session:
                    begin_write(session)
                    seen = int(session.execute(COUNTER).scalar_one())
                    session.execute(ADD_ONE, {"value": str(seen + 1)})
                    session.commit()
            except BaseException as error:  # noqa: BLE001 (asserted below)
                errors.append(error)

    threads = [threading.Thread(target=add_five) for _thread in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert _counter(file_engine) == "100"
