"""Which role migrations run as, which role gets the app's grants, and the grants themselves (no server needed).

The grants applied on a real PostgreSQL server, and what they stop: tests/test_database_roles.py.
"""

from __future__ import annotations

import pytest

from console.cli import main
from console.settings import Settings
from database.roles import app_role_of, grant_statements

APP_URL = "postgresql://dtks_app:rahasia@db.example:5432/dtks"
OWNER_URL = "postgresql://dtks_owner:rahasia@db.example:5432/dtks"


def _settings(database_url: str, migration_database_url: str = "") -> Settings:
    return Settings(_env_file=None, database_url=database_url, migration_database_url=migration_database_url)


def test_migrations_run_on_the_owners_url_and_grant_the_user_of_the_apps_url() -> None:
    settings = _settings(APP_URL, OWNER_URL)

    assert settings.owner_database_url == "postgresql+psycopg://dtks_owner:rahasia@db.example:5432/dtks"
    assert settings.database_url == "postgresql+psycopg://dtks_app:rahasia@db.example:5432/dtks"
    assert app_role_of(settings) == "dtks_app"


@pytest.mark.parametrize(
    ("database_url", "migration_database_url"),
    [
        (APP_URL, ""),
        (APP_URL, APP_URL.replace("rahasia", "lain")),
        ("sqlite:///var/dtks.sqlite3", OWNER_URL),
    ],
    ids=["one-url", "the-same-user-twice", "sqlite"],
)
def test_one_role_for_everything_grants_nothing(database_url: str, migration_database_url: str) -> None:
    settings = _settings(database_url, migration_database_url)

    assert app_role_of(settings) is None
    assert settings.owner_database_url == (settings.migration_database_url or settings.database_url)


def test_the_grants_leave_the_trail_append_only_and_alembic_version_read_only() -> None:
    statements = grant_statements("public", ["household", "audit_entry", "alembic_version"], 'dtks"app')

    assert statements == [
        'GRANT USAGE ON SCHEMA "public" TO "dtks""app"',
        'REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "dtks""app"',
        'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "public" FROM "dtks""app"',
        'GRANT SELECT ON "public"."alembic_version" TO "dtks""app"',
        'GRANT SELECT, INSERT ON "public"."audit_entry" TO "dtks""app"',
        'GRANT SELECT, INSERT, UPDATE, DELETE ON "public"."household" TO "dtks""app"',
        'GRANT USAGE ON ALL SEQUENCES IN SCHEMA "public" TO "dtks""app"',
    ]


def test_grant_app_role_on_sqlite_says_it_is_for_postgresql_only(
    monkeypatch: pytest.MonkeyPatch, database_url: str, engine: object, capsys: pytest.CaptureFixture[str]
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("on PostgreSQL the command is tried for real in tests/test_database_roles.py")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    monkeypatch.setenv("SECRET_KEY", "g" * 48)

    assert main(["grant-app-role", "dtks_app"]) == 2
    assert capsys.readouterr().err.strip() == "Peran aplikasi hanya berlaku untuk PostgreSQL."
