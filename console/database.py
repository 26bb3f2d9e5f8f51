"""Engine and session factory built from the settings (nothing connects at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

import chain.audit  # noqa: F401 - registers the audit trail's Session events (every session is audited)
from console.settings import Settings


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Foreign keys are off by default in SQLite; WAL lets readers work while one writer writes.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(settings: Settings) -> Engine:
    url = settings.database_url
    if settings.is_sqlite and ":memory:" not in url and url != "sqlite://":
        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
    # hide_parameters: a database error's text (logged by whoever catches it) and SQL echo never carry the
    # statement's values, which are NIKs and No. KKs on every register write (console/log_privacy.py).
    engine = create_engine(url, echo=settings.sql_echo, pool_pre_ping=not settings.is_sqlite, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _configure_sqlite)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
