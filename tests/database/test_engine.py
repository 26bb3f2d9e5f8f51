"""The bare engine (database/engine.py): what every connection gets, and nothing of the session's write path."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from database.engine import make_engine


def test_an_sqlite_engine_creates_its_folder_and_enforces_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "belum-ada" / "dtks.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            pragmas = [connection.execute(text(f"PRAGMA {name}")).scalar() for name in ("foreign_keys", "journal_mode")]
    finally:
        engine.dispose()

    assert path.parent.is_dir()
    assert pragmas == [1, "wal"]


def test_a_bare_engine_hides_statement_values_and_gives_its_sessions_no_hooks(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'dtks.sqlite3'}")
    try:
        with Session(engine) as session:
            assert engine.hide_parameters
            assert len(session.dispatch.before_flush) == len(session.dispatch.do_orm_execute) == 0
    finally:
        engine.dispose()
