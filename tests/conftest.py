"""The shared test harness: a real database built by the real migrations, real regions, clean tables.

SQLite (a file in a session tmp dir) by default; PostgreSQL when TEST_DATABASE_URL names a server, in
which case the harness creates its own `dtks_test_<hex>` database there and drops it at the end.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.config import Config
from lokal import wilayah
from sqlalchemy import Connection, Engine, create_engine, delete, insert, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from alembic import command
from console.app import create_app
from console.database import make_engine, make_session_factory
from console.settings import Settings
from models import Base, PolicyRule, PolicyState, Region, Role, StepTarget
from policies.rules import seed_rules_if_empty
from tests import distributed_joins
from tests.console_client import ConsoleClient, own_origin, read_csrf_token
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.log_scan import LogLines, LogScan

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEST_DATABASE_PREFIX = "dtks_test_"
# Provinces whose whole tree is loaded: NTB (Kota Bima 52.72) and Sulawesi Selatan (Bulukumba 73.02).
LOADED_PROVINCES = ("52", "73")
# Reference data loaded once per session and kept between tests.
# Seeded by the migrations and kept between tests; a test that commits a change to one of them undoes it.
KEPT_TABLES = {
    Region.__tablename__,
    PolicyRule.__tablename__,
    PolicyState.__tablename__,
    StepTarget.__tablename__,
    "programme",
    "programme_band",
}


# --- the log of the whole run: no identity number in it (tests/log_scan.py) --------------------------

LOG_SCAN = LogScan()


def pytest_configure(config: pytest.Config) -> None:
    LOG_SCAN.install()
    distributed_joins.install()


def pytest_runtest_call(item: pytest.Item) -> None:
    LOG_SCAN.reattach()


def pytest_runtest_teardown(item: pytest.Item) -> None:
    LOG_SCAN.reattach()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if LOG_SCAN.leaked and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if LOG_SCAN.leaked:
        terminalreporter.section("identity numbers in the log", red=True)
    for line in LOG_SCAN.report() if LOG_SCAN.leaked else LOG_SCAN.report()[:1]:
        terminalreporter.write_line(line)


@pytest.fixture
def private_temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The process's temporary folder (tempfile.tempdir), for this test only: whatever lands there is the test's."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def log_lines() -> Iterator[LogLines]:
    """Every record logged during the test, formatted as a server would write it (tracebacks included)."""
    handler = LogLines()
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)


# --- databases -----------------------------------------------------------------------------------


def _server_url() -> URL | None:
    """The PostgreSQL server to test on (TEST_DATABASE_URL), with the psycopg 3 driver; None for SQLite."""
    raw = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not raw:
        return None
    url = make_url(raw)
    if url.get_backend_name() != "postgresql":
        raise pytest.UsageError(f"TEST_DATABASE_URL must name a PostgreSQL server, not {url.drivername}")
    return url.set(drivername="postgresql+psycopg")


def _render(url: URL) -> str:
    return url.render_as_string(hide_password=False)


def _run_on_server(server: URL, statement: str) -> None:
    # CREATE/DROP DATABASE cannot run inside a transaction block.
    admin = create_engine(_render(server), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


@contextmanager
def fresh_database(tmp_dir: Path) -> Iterator[str]:
    """A brand-new empty database of the engine under test, removed afterwards; yields its URL.

    On PostgreSQL only a database this function created (`dtks_test_<random hex>`) is ever dropped.
    """
    server = _server_url()
    if server is None:
        yield f"sqlite:///{tmp_dir / 'dtks_test.sqlite3'}"
        return
    name = TEST_DATABASE_PREFIX + secrets.token_hex(6)
    _run_on_server(server, f'CREATE DATABASE "{name}"')
    try:
        yield _render(server.set(database=name))
    finally:
        _run_on_server(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def alembic_config(database_url: str) -> Config:
    """The project's alembic configuration aimed at `database_url` (alembic/env.py reads both attributes)."""
    config = Config(str(PROJECT_DIR / "alembic.ini"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The session's own database (SQLite file or fresh PostgreSQL database), as a SQLAlchemy URL string."""
    with fresh_database(tmp_path_factory.mktemp("database")) as url:
        yield url


@pytest.fixture(scope="session")
def alembic_config_for() -> Callable[[str], Config]:
    """Builds the project's alembic configuration for a given database URL."""
    return alembic_config


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    """Another brand-new, empty database of the same engine, for tests that build a schema themselves."""
    with fresh_database(tmp_path) as url:
        yield url


def settings_for(database_url: str, upload_dir: Path, **changes: object) -> Settings:
    """Settings of a test environment on `database_url`: a random secret, `upload_dir`, TestClient's host and the
    loopback address tests/browser/ serves the app on, then `changes`; a developer's .env is ignored."""
    values: dict[str, object] = {
        "environment": "test",
        "secret_key": secrets.token_urlsafe(36),  # 48 characters
        "allowed_hosts": ["testserver", "127.0.0.1"],
        **changes,
    }
    return Settings(_env_file=None, database_url=database_url, upload_dir=upload_dir, **values)


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Test settings on the session database, with a tmp upload dir."""
    return settings_for(database_url, tmp_path_factory.mktemp("uploads"))


@pytest.fixture(scope="session")
def engine(settings: Settings, database_url: str) -> Iterator[Engine]:
    """The engine of the session database, whose schema was built by `alembic upgrade head`."""
    command.upgrade(alembic_config(database_url), "head")
    engine = make_engine(settings)
    with make_session_factory(engine).begin() as session:
        seed_rules_if_empty(session)
    yield engine
    engine.dispose()


# --- reference data ------------------------------------------------------------------------------


def _region_tree(code: str) -> Iterator[wilayah.Wilayah]:
    """Every region below `code` (list_wilayah gives direct children only)."""
    for child in wilayah.list_wilayah(code):
        yield child
        if child.level < 4:
            yield from _region_tree(child.code)


def _region_row(region: wilayah.Wilayah) -> dict[str, object]:
    parent = region.code.rsplit(".", 1)[0] if "." in region.code else None
    return {"code": region.code, "name": region.name, "level": region.level, "parent_code": parent}


@pytest.fixture(scope="session")
def regions(engine: Engine) -> frozenset[str]:
    """All 38 provinces plus every region of NTB (52) and Sulawesi Selatan (73), loaded once; their codes."""
    loaded = list(wilayah.list_wilayah())
    for province in LOADED_PROVINCES:
        loaded.extend(_region_tree(province))
    rows = sorted((_region_row(region) for region in loaded), key=lambda row: (row["level"], row["code"]))
    with make_session_factory(engine).begin() as session:
        session.execute(insert(Region), rows)
    return frozenset(row["code"] for row in rows)


# --- per-test state ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def joins_on_the_regency_code() -> Iterator[None]:
    """Rule 3 of docs/SCALING.md over every statement the console sends during the test (tests/distributed_joins.py)."""
    list(distributed_joins.taken())
    yield
    found = sorted(set(distributed_joins.taken()))
    assert not found, "joins between tables kept by regency without the regency code:\n" + "\n".join(found)


@pytest.fixture(autouse=True)
def clean_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a test that used the database, delete every row of every table except `region`.

    Autouse, but a no-op for tests that never asked for the engine (pure rule tests stay database-free).
    Set up before, so torn down after, the test's sessions; tests may therefore commit freely.
    """
    if "engine" not in request.fixturenames:
        yield
        return
    engine: Engine = request.getfixturevalue("engine")
    yield
    with engine.begin() as connection, _append_only_suspended(connection):
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEPT_TABLES:
                connection.execute(delete(table))


@contextmanager
def _append_only_suspended(connection: Connection) -> Iterator[None]:
    """Let the test clean-up empty every table although triggers refuse some DELETEs (only for this transaction).

    The audit trail is append-only and decided records are final (alembic revision 3f1e2d4c5b6a): PostgreSQL
    skips the triggers for this transaction (replica role); SQLite has those triggers dropped and created again.
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        yield
        return
    triggers = connection.execute(
        text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (tbl_name = 'audit_entry' OR name LIKE 'finality\\_%' ESCAPE '\\')"
        )
    ).all()
    for name, _sql in triggers:
        connection.execute(text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        connection.execute(text(sql))


@pytest.fixture
def db_session(engine: Engine, regions: frozenset[str]) -> Iterator[Session]:
    """A session on the test database (regions loaded); closed, rolling back anything uncommitted, after."""
    session = make_session_factory(engine)()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def demo_seeder(db_session: Session, monkeypatch: pytest.MonkeyPatch) -> Callable[[str, int], Session]:
    """Seeds the demo of a regency with that many households on the test database, committed; gives the session."""
    from demo import seed_demo

    # The harness loads NTB and Sulawesi Selatan only; seed_demo would otherwise load the whole country.
    monkeypatch.setattr("demo.seeding.regions_loaded", lambda session: True)

    def seed(regency_code: str, households: int) -> Session:
        seed_demo(db_session, regency_code=regency_code, households=households)
        db_session.commit()
        return db_session

    return seed


@pytest.fixture
def count_rows(db_session: Session) -> Callable[[str], int]:
    """Number of rows in a table, read through the test's session."""

    def count(table_name: str) -> int:
        return db_session.execute(text(f"SELECT count(*) FROM {table_name}")).scalar_one()

    return count


# --- the console ---------------------------------------------------------------------------------


@pytest.fixture
def app(settings: Settings, engine: Engine, regions: frozenset[str]) -> Starlette:
    """The real application (create_app) on the test database, regions loaded."""
    return create_app(settings)


@pytest.fixture
def client(app: Starlette) -> Iterator[ConsoleClient]:
    """An anonymous browser-like client (CSRF token and Origin on its posts); server errors raise in the test."""
    with ConsoleClient(app, base_url="http://testserver") as test_client:
        yield test_client


def log_in(client: TestClient, username: str, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the login form, as a browser does (works with a plain TestClient too)."""
    token = read_csrf_token(client.get("/admin/login").text)
    response = client.post(
        "/admin/login",
        data={"username": username, "password": password, "csrf_token": token},
        headers={"Origin": own_origin(client)},
        follow_redirects=False,
    )
    assert response.status_code == 302, f"login of {username} failed: {response.status_code}"


@pytest.fixture
def admin_client(client: TestClient, db_session: Session) -> TestClient:
    """A client logged in as a national administrator."""
    make_user(db_session, Role.ADMIN, None, username="admin_uji")
    db_session.commit()
    log_in(client, "admin_uji")
    return client
