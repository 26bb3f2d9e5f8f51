"""Where the database is: DATABASE_URL and MIGRATION_DATABASE_URL, read as the console reads them.

`DatabaseSettings` holds only the keys a migration needs, so alembic/env.py reads the same environment
and `.env` as the console without building the console's settings (which refuse a placeholder SECRET_KEY
outside development: the schema owner's shell need not hold the app's secret). console/settings.py's
`Settings` extends it, so the app, the CLI and the migrations can never derive the URLs differently.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
ENV_FILE = PROJECT_DIR / ".env"
# The embedded default: one SQLite file in the project folder, so `make run` needs no database server.
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_DIR / 'var' / 'dtks.sqlite3'}"


class DatabaseSettings(BaseSettings):
    """The database keys of the settings; `.env.example` documents each."""

    model_config = SettingsConfigDict(env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore")

    # The app's connection (in production a role that owns nothing); migrations use the owner's URL when given.
    database_url: str = DEFAULT_DATABASE_URL
    migration_database_url: str = ""
    sql_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return with_psycopg(value) if value.strip() else DEFAULT_DATABASE_URL

    @field_validator("migration_database_url")
    @classmethod
    def _normalise_migration_url(cls, value: str) -> str:
        return with_psycopg(value) if value.strip() else ""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def owner_database_url(self) -> str:
        """The URL migrations run on: MIGRATION_DATABASE_URL, or DATABASE_URL when one role does everything."""
        return self.migration_database_url or self.database_url


def with_psycopg(url: str) -> str:
    """The URL with the psycopg 3 driver we install (plain postgresql:// would ask for psycopg2)."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url
