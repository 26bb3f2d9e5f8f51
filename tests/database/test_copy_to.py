"""`copy-to` (database/copy.py): a demo register on SQLite copied into a new PostgreSQL database, table for table.

The source is an SQLite file of the test's own, built by the migrations and seeded with the demo; the target a
`dtks_test_<hex>` database made for the test on the PostgreSQL server of TEST_DATABASE_URL or, in the SQLite run,
on the machine's own (127.0.0.1:5432, as .ci/run has it); the tests skip only when no PostgreSQL server answers.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from lokal import wilayah
from sqlalchemy import URL, Engine, create_engine, insert, make_url, select, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from alembic import command
from console.cli import main
from console.database import make_session_factory
from database.engine import make_engine
from database.snapshot import TableSnapshot, database_snapshot
from models import AuditEntry, Household, HouseholdTally, Region
from tests.conftest import TEST_DATABASE_PREFIX, _region_row, _region_tree, _run_on_server, _server_url, alembic_config
from tests.factories import make_household
from tests.tally_recount import assert_tallies_match

LOCAL_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _postgresql_server() -> URL | None:
    """TEST_DATABASE_URL's server, else the machine's own when it answers: copy-to always copies into PostgreSQL."""
    server = _server_url()
    if server is not None:
        return server
    probe = create_engine(LOCAL_SERVER, poolclass=NullPool, connect_args={"connect_timeout": 3})
    try:
        with probe.connect():
            return make_url(LOCAL_SERVER)
    except OperationalError:
        return None
    finally:
        probe.dispose()


SERVER = _postgresql_server()
pytestmark = pytest.mark.skipif(SERVER is None, reason="copy-to copies into PostgreSQL: no server at 127.0.0.1:5432")


@pytest.fixture
def sqlite_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An SQLite file at the newest revision holding the demo of Kota Bima (a few households); its URL."""
    from demo import seed_demo

    url = f"sqlite:///{tmp_path / 'sumber.sqlite3'}"
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    rows = [_region_row(region) for region in [*wilayah.list_wilayah(), *_region_tree("52")]]
    monkeypatch.setattr("demo.seeding.regions_loaded", lambda session: True)
    with make_session_factory(engine)() as session:
        session.execute(insert(Region), sorted(rows, key=lambda row: (row["level"], row["code"])))
        seed_demo(session, regency_code="52.72", households=15)
        session.commit()
    engine.dispose()
    yield url


@pytest.fixture
def target() -> Iterator[Engine]:
    """A new, empty PostgreSQL database of the test's own (only it is dropped afterwards)."""
    assert SERVER is not None
    name = TEST_DATABASE_PREFIX + secrets.token_hex(6)
    _run_on_server(SERVER, f'CREATE DATABASE "{name}"')
    engine = make_engine(SERVER.set(database=name).render_as_string(hide_password=False))
    try:
        yield engine
    finally:
        engine.dispose()
        _run_on_server(SERVER, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _snapshot(engine: Engine) -> dict[str, TableSnapshot]:
    with engine.connect() as connection:
        return dict(database_snapshot(connection))


def _copy_to(monkeypatch: pytest.MonkeyPatch, source_url: str, target: Engine) -> int:
    monkeypatch.setenv("DATABASE_URL", source_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("MIGRATION_DATABASE_URL", raising=False)
    return main(["copy-to", target.url.render_as_string(hide_password=False)])


def test_copy_to_postgresql_gives_equal_counts_and_checksums_in_every_table(
    sqlite_demo: str, target: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _copy_to(monkeypatch, sqlite_demo, target) == 0

    assert "semua cocok" in capsys.readouterr().out
    source = make_engine(sqlite_demo)
    try:
        expected = _snapshot(source)
    finally:
        source.dispose()
    found = _snapshot(target)
    assert found == expected
    assert {"household", "member", "audit_entry", "household_tally", "proposal_tally", "member_nik"} <= set(found)
    assert all(found[name].rows > 0 for name in ("household", "proposal", "audit_entry", "household_tally"))


def test_after_the_copy_the_tallies_agree_with_the_register_and_the_triggers_count_again(
    sqlite_demo: str, target: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _copy_to(monkeypatch, sqlite_demo, target) == 0

    with make_session_factory(target)() as session:
        assert_tallies_match(session)
        largest = session.scalar(select(Household.id).order_by(Household.id.desc()).limit(1))
        added = make_household(session, region_code="52.72.01.1001")  # the sequence continues after the copied ids
        session.commit()
        assert largest is not None and added.id == largest + 1
        assert_tallies_match(session)  # the tally triggers are on again
        assert session.scalar(select(HouseholdTally.households).where(HouseholdTally.region_code == "52.72.01.1001"))
    with pytest.raises(DBAPIError, match="append-only"), target.begin() as connection:  # the trail's trigger too
        connection.execute(text(f"UPDATE {AuditEntry.__tablename__} SET actor_name = 'diubah'"))


def test_copy_to_a_database_that_is_not_empty_refuses_and_changes_nothing(
    sqlite_demo: str, target: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _copy_to(monkeypatch, sqlite_demo, target) == 0
    before = _snapshot(target)
    capsys.readouterr()

    assert _copy_to(monkeypatch, sqlite_demo, target) == 2

    assert "tidak kosong" in capsys.readouterr().err
    assert _snapshot(target) == before
