"""A bare engine for a database URL: the connection settings every user of the database shares.

The console (console/database.py), the migrations (alembic/env.py) and the command line build their engine
here. Nothing connects before the first statement. An engine carries no session hooks: the write path's
guards and audit trail sit on the session factory (chain/write_path.py), so a migration runs without them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url

POOL_RECYCLE_SECONDS = 1800  # below the idle time-outs of firewalls and PgBouncer's server_idle_timeout


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while one writer writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # Python's sqlite3 keeps its own transaction handling, on purpose (not SQLAlchemy's recipe of
    # `isolation_level = None` and a BEGIN of our own): it begins a transaction at the first INSERT, UPDATE or
    # DELETE, so a read before it holds no snapshot (it sees the last commit, as PostgreSQL's READ COMMITTED) and
    # the write then waits for the lock, up to the busy timeout, instead of failing at once with "database is
    # locked" as a deferred transaction that read first does. A write that depends on what it read takes the
    # lock first (chain/store.begin_write). Why not BEGIN IMMEDIATE for every transaction: docs/BENCHMARKS.md,
    # "SQLite under two workers"; the trap and the serialisation: tests/database/test_sqlite_writes.py.


def make_engine(
    url: str, *, echo: bool = False, pool_timeout: float | None = None, transaction_pooling: bool = False
) -> Engine:
    """An engine on `url`; an SQLite file's folder is created when missing.

    `pool_timeout`: seconds a checkout waits for a free connection before SQLAlchemy's TimeoutError (default 30;
    an in-memory SQLite database has a single connection and no such wait).
    `transaction_pooling`: PostgreSQL reached through a pooler in transaction mode (PgBouncer before 1.21, as
    Debian 12 ships it), which hands each transaction to whichever server connection is free: psycopg must not
    prepare statements (it does after a statement's fifth run), since the next transaction would not find them.
    """
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    in_memory = is_sqlite and (":memory:" in url or url == "sqlite://")
    if is_sqlite and not in_memory:
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a database error's text (logged by whoever catches it) and SQL echo never carry the
    # statement's values, which are NIKs and No. KKs on every register write (console/log_privacy.py).
    # No ping before every checkout (one more round trip per transaction, six per list page): a server
    # connection is replaced after POOL_RECYCLE_SECONDS instead, and one the server has closed meanwhile
    # (a restart, a killed backend) fails its request once, invalidates the pool, and the next checkout
    # connects afresh (the console answers that one request with 503, "coba lagi": console/load_shedding.py).
    options: dict[str, Any] = {} if is_sqlite else {"pool_recycle": POOL_RECYCLE_SECONDS}
    if pool_timeout is not None and not in_memory:
        options["pool_timeout"] = pool_timeout
    if transaction_pooling and not is_sqlite:
        options["connect_args"] = {"prepare_threshold": None}
    engine = create_engine(url, echo=echo, hide_parameters=True, **options)
    if is_sqlite:
        event.listen(engine, "connect", _configure_sqlite)
    return engine
