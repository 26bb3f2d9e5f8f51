"""The console's engine and session factory, built from the settings (nothing connects at import time).

`make_session_factory` is the one way to a session that writes: the app, the CLI, the demo seeder, the
benchmarks and the tests open their sessions from it, and it attaches the write path (chain/write_path.py:
the guards and the audit trail, in their order). A `Session(engine)` built by hand has none of them.
"""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from chain.write_path import install_write_path
from console.settings import Settings
from database import engine as bare


def make_engine(settings: Settings) -> Engine:
    return bare.make_engine(
        settings.database_url,
        echo=settings.sql_echo,
        pool_timeout=settings.database_pool_timeout,
        transaction_pooling=settings.database_transaction_pooling,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return install_write_path(sessionmaker(bind=engine, expire_on_commit=False))
