"""Where the database is: the URL keys read the same by the migrations (DatabaseSettings) and the console."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from console.settings import Settings
from database.settings import DEFAULT_DATABASE_URL, DatabaseSettings

APP = "postgresql+psycopg://dtks_app@db.example:5432/dtks"
OWNER = "postgresql+psycopg://dtks_owner@db.example:5432/dtks"


@pytest.mark.parametrize("settings_class", [DatabaseSettings, Settings], ids=["migrations", "console"])
@pytest.mark.parametrize(
    ("database_url", "migration_database_url", "expected_app", "expected_owner"),
    [
        ("", "", DEFAULT_DATABASE_URL, DEFAULT_DATABASE_URL),
        ("postgresql://dtks_app@db.example:5432/dtks", "", APP, APP),
        ("postgres://dtks_app@db.example:5432/dtks", "postgresql://dtks_owner@db.example:5432/dtks", APP, OWNER),
        ("sqlite:///var/lain.sqlite3", "   ", "sqlite:///var/lain.sqlite3", "sqlite:///var/lain.sqlite3"),
    ],
    ids=["nothing-set-is-the-embedded-sqlite", "one-url-does-everything", "two-urls-two-roles", "blank-owner-url"],
)
def test_both_settings_derive_the_app_and_owner_urls_alike_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    settings_class: type[BaseSettings],
    database_url: str,
    migration_database_url: str,
    expected_app: str,
    expected_owner: str,
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("MIGRATION_DATABASE_URL", migration_database_url)

    settings = settings_class(_env_file=None)

    assert isinstance(settings, DatabaseSettings)
    assert (settings.database_url, settings.owner_database_url) == (expected_app, expected_owner)


def test_the_migrations_need_no_secret_key_where_the_console_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ENVIRONMENT", "production")
    monkeypatch.setenv("SECRET_KEY", "")
    monkeypatch.setenv("MIGRATION_DATABASE_URL", "postgresql://dtks_owner@db.example:5432/dtks")

    assert DatabaseSettings(_env_file=None).owner_database_url == OWNER
    with pytest.raises(ValidationError, match="SECRET_KEY kosong"):
        Settings(_env_file=None)
