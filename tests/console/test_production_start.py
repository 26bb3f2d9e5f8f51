"""Production starts safe: outside ENVIRONMENT=development nothing seeds demo accounts or demo data.

`run` (console/cli.py prepare_to_serve, what `make run` does before serving) on an empty database builds
the schema, the access rules and the regions, says that no demo was made and how to create the first
admin; `seed-demo` refuses with exit 2. Catalogue: issue 9, "Production footguns".
"""

from __future__ import annotations

import io

import pytest
from sqlalchemy import Engine, create_engine, func, inspect, select
from sqlalchemy.orm import Session

from console.cli import main, prepare_to_serve
from console.database import make_session_factory
from console.serving import FIRST_ADMIN
from console.settings import Settings
from demo import DEMO_USER_NAMES
from models import Household, PolicyRule, Region, User
from policies.rules import read_seed

SECRET = "p" * 48


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch, empty_database_url: str) -> Settings:
    """ENVIRONMENT=production against a brand-new empty database (its .env ignored: the environment wins)."""
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    monkeypatch.setenv("ALLOWED_HOSTS", "dtks.bimakota.go.id")
    return Settings()


def _counts(database_url: str) -> dict[str, int]:
    engine: Engine = create_engine(Settings(_env_file=None, database_url=database_url).database_url)
    try:
        with make_session_factory(engine)() as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (User, Household, PolicyRule, Region)
            }
    finally:
        engine.dispose()


def test_run_in_production_on_an_empty_database_creates_no_demo_account_and_no_demo_household(
    production: Settings, empty_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    prepare_to_serve(production)

    counts = _counts(empty_database_url)
    assert (counts["user_account"], counts["household"]) == (0, 0)
    assert counts["policy_rule"] == len(set(read_seed()))
    assert counts["region"] == 91_599  # reference data, not demo: every Kemendagri region
    out = capsys.readouterr().out
    assert "ENVIRONMENT=production: tidak ada data demo atau akun demo yang dibuat." in out
    assert FIRST_ADMIN in out
    assert "python -m console create-user --role admin" in out
    assert "http://127.0.0.1:8000/admin/" in out
    assert not any(f"  {name} " in out for name in DEMO_USER_NAMES)
    assert "demo-dtks-2026" not in out


def test_the_first_admin_made_as_run_says_is_the_only_account_and_run_stops_asking(
    production: Settings,
    empty_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prepare_to_serve(production)
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("sawah-hijau-di-bima-2026\n"))
    arguments = ["--role", "admin", "--username", "admin_dinsos", "--full-name", "Admin Dinsos", "--password-stdin"]

    assert main(["create-user", *arguments]) == 0
    prepare_to_serve(production)

    out = capsys.readouterr().out
    assert "tidak ada data demo" in out and "create-user" not in out
    assert _counts(empty_database_url)["user_account"] == 1


def test_seed_demo_outside_development_refuses_with_exit_2_and_creates_nothing(
    production: Settings, empty_database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["seed-demo"]) == 2

    assert "Data demo hanya dibuat dengan ENVIRONMENT=development (sekarang: production)" in capsys.readouterr().err
    engine = create_engine(Settings(_env_file=None, database_url=empty_database_url).database_url)
    try:
        assert inspect(engine).get_table_names() == []  # refused before even building the schema
    finally:
        engine.dispose()


def test_seed_demo_under_environment_test_refuses_too(
    monkeypatch: pytest.MonkeyPatch, database_url: str, regions: frozenset[str], db_session: Session
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", SECRET)
    monkeypatch.setenv("DATABASE_URL", database_url)

    assert main(["seed-demo"]) == 2

    assert db_session.scalar(select(func.count()).select_from(User)) == 0
    assert db_session.scalar(select(func.count()).select_from(Household)) == 0
