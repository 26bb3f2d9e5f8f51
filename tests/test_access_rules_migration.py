"""After a bare `alembic upgrade head` the console works: the migration seeds the access rules of an empty table.

Before issue 9 only `python -m console migrate` seeded policy_rule; a database built with plain alembic
left every page refused, with nothing saying why. Both paths are tried on an empty database, and a table
that already holds rules (an administrator's) is left as it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.config import Config
from sqlalchemy import Engine, func, insert, select

from alembic import command
from console.app import create_app
from console.cli import main
from console.database import make_engine, make_session_factory
from console.settings import Settings
from models import PolicyRule, Role
from policies.rules import read_seed
from tests.conftest import log_in, settings_for
from tests.console_client import ConsoleClient
from tests.factories import make_user

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET = "m" * 48
BEFORE_THE_SEED = "c11b53d3aa39"
THE_SEED = "5eed9a11c0de"
RANKING_RULES = "b1d3f5a7c9e2"  # adds the DTSEN ranking page's rules to a table seeded before them


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings)
    try:
        yield engine
    finally:
        engine.dispose()


def _settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path, secret_key=SECRET)


def _rules(engine: Engine) -> set[tuple[str, str, str]]:
    with make_session_factory(engine)() as session:
        return {
            tuple(row) for row in session.execute(select(PolicyRule.subject, PolicyRule.resource, PolicyRule.action))
        }


def _console_lets_the_admin_in(settings: Settings, engine: Engine) -> None:
    with make_session_factory(engine)() as session:
        make_user(session, Role.ADMIN, None, username="admin_alembic")
        session.commit()
    with ConsoleClient(create_app(settings)) as client:
        log_in(client, "admin_alembic")
        for path in ("/admin/user/list", "/admin/policy-rule/list", "/admin/audit-entry/list"):
            response = client.get(path)
            assert response.status_code == 200, path
        assert "admin_alembic" in client.get("/admin/user/list").text


def test_a_bare_alembic_upgrade_head_seeds_the_rules_and_the_console_works(
    empty_database_url: str, tmp_path: Path
) -> None:
    environment = {**os.environ, "DATABASE_URL": empty_database_url, "ENVIRONMENT": "test", "SECRET_KEY": SECRET}
    environment.pop("MIGRATION_DATABASE_URL", None)

    finished = subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert finished.returncode == 0, finished.stderr
    settings = _settings(empty_database_url, tmp_path)
    with _engine(settings) as engine:
        assert _rules(engine) == set(read_seed())
        _console_lets_the_admin_in(settings, engine)


def test_the_migrate_command_on_an_empty_database_seeds_the_same_rules(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", SECRET)

    assert main(["migrate"]) == 0

    settings = _settings(empty_database_url, tmp_path)
    with _engine(settings) as engine:
        assert _rules(engine) == set(read_seed())
        _console_lets_the_admin_in(settings, engine)


def test_the_migration_leaves_a_table_that_already_holds_rules_as_it_is(
    empty_database_url: str, tmp_path: Path, alembic_config_for: Callable[[str], Config]
) -> None:
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, BEFORE_THE_SEED)
    settings = _settings(empty_database_url, tmp_path)
    with _engine(settings) as engine:
        with engine.begin() as connection:  # plain SQL: the write path's audit row needs the head's audit table
            connection.execute(insert(PolicyRule.__table__).values(subject="admin", resource="*", action="*"))

        command.upgrade(config, THE_SEED)

        assert _rules(engine) == {("admin", "*", "*")}
        with make_session_factory(engine)() as session:
            assert session.scalar(select(func.count()).select_from(PolicyRule)) == 1


def test_the_dtsen_rules_reach_a_deployment_seeded_before_them(
    empty_database_url: str, tmp_path: Path, alembic_config_for: Callable[[str], Config]
) -> None:
    """A table seeded (or written by an admin) before revisions b1d3f5a7c9e2, d5f7a9b1c3e6, e7a9c1d3f5b8,
    a8c0e2f4b6d9 and b2d4f6a8c0e1 gets the ranking, programme, usul/sanggah, window, regent's review and pendamping
    PKH rules it lacks, and nothing else; the seed file holds the same rules, so a fresh deployment and an upgraded
    one agree."""
    config = alembic_config_for(empty_database_url)
    command.upgrade(config, BEFORE_THE_SEED)
    settings = _settings(empty_database_url, tmp_path)
    added = (
        "ranking",
        "programme",
        "programme-band",
        "programme-membership",
        "programme-review",
        "resident-request",
        "proposal-window",
        "pendamping-village",
        "office-profile",  # issue 13: the office profiles documents print from
        "office-signer",
    )
    ranking = {
        rule
        for rule in read_seed()
        if rule[1] in added or rule[1:] == ("decree", "action:review") or rule[0] == Role.PENDAMPING_PKH.value
    }
    pages = {resource for role, resource, _ in ranking if role != Role.PENDAMPING_PKH.value}
    assert pages == {*added, "decree"}, "policies/policy.csv grants every page added"
    with _engine(settings) as engine:
        with engine.begin() as connection:
            connection.execute(insert(PolicyRule.__table__).values(subject="admin", resource="*", action="*"))
            connection.execute(
                insert(PolicyRule.__table__).values(subject="pusdatin", resource="ranking", action="read")
            )

        command.upgrade(config, "head")

        assert _rules(engine) == {("admin", "*", "*"), *ranking}
