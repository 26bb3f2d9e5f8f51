"""Fixtures shared by the console's tests."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette

from console.database import make_session_factory
from models import Role, User
from policies.rules import PolicyStore
from tests.console.session_helpers import OPERATOR, FakeClock, install_clock
from tests.factories import DEFAULT_VILLAGE, make_user


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, regions: frozenset[str]) -> None:
    """The environment a CLI command reads: the test database, a test environment and a usable secret."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)


@pytest.fixture
def clock(app: Starlette) -> FakeClock:
    """The login backend's clock, standing still until the test moves it."""
    return install_clock(app)


@pytest.fixture
def village_operator(db_session: Session) -> User:
    """The operator of DEFAULT_VILLAGE named OPERATOR (committed), whose sessions and logins a test follows."""
    user = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, username=OPERATOR)
    db_session.commit()
    return user


@pytest.fixture
def session_factory(engine: Engine) -> sessionmaker[Session]:
    """The app's session factory on the test database (write path attached), for work in other threads."""
    return make_session_factory(engine)


@pytest.fixture
def policy_store(session_factory: sessionmaker[Session]) -> PolicyStore:
    """The casbin rules as a request's actor reads them, loaded from the test database."""
    store = PolicyStore()
    with session_factory() as session:
        store.refresh(session)
    return store
