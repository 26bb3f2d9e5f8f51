"""Alembic environment on a bare engine; `compare_type` so column type changes are seen.

The URL and the engine come from database/ (DatabaseSettings: MIGRATION_DATABASE_URL, else DATABASE_URL,
else the embedded SQLite file, from the environment and `.env` as the console reads them), never from
`console`: a migration builds no web settings, no session factory and none of its hooks (the guards and
the audit trail of chain/write_path.py), and needs no SECRET_KEY. tests/test_migrations.py runs this file
with `console` made unimportable.
"""

from __future__ import annotations

import warnings
from logging.config import fileConfig
from typing import Any

import models
from alembic import context
from database.engine import make_engine
from database.roles import app_role_of, grant_app_role
from database.settings import DatabaseSettings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = models.Base.metadata


def _database_url() -> str:
    # Tests and the CLI pass the URL explicitly; otherwise the settings decide: the owner's
    # MIGRATION_DATABASE_URL when there is one, else DATABASE_URL (one role does everything).
    given: str | None = config.attributes.get("database_url")
    return given or DatabaseSettings().owner_database_url


def _app_role() -> str | None:
    """The app's PostgreSQL role to re-grant after upgrading (database/roles.py), if it has its own."""
    if "database_url" in config.attributes:
        role: str | None = config.attributes.get("app_role")
        return role
    return app_role_of(DatabaseSettings())


def _belongs_to_dialect(dialect_name: str) -> Any:
    """Skip objects declared for another engine (the PostgreSQL-only trigram index on SQLite), and on SQLite the
    indexes on expressions (the scope prefixes, models/base.scope_indexes), which its reflection cannot read:
    SQLite compares every other object, PostgreSQL all of them."""

    def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        info = getattr(obj, "info", {})
        if dialect_name == "sqlite" and info.get("expression"):
            return False
        only = info.get("only_dialect")
        return only is None or only == dialect_name

    return include_object


def run_migrations_offline() -> None:
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Read as the console reads it (psycopg 3 driver for a plain postgresql:// URL, SQL_ECHO honoured).
    settings = DatabaseSettings(database_url=_database_url())
    engine = make_engine(settings.database_url, echo=settings.sql_echo)
    with engine.connect() as connection, warnings.catch_warnings():
        # SQLite's reflection skips an index on an expression with this warning; include_object leaves them out.
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified expression-based index")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=_belongs_to_dialect(connection.dialect.name),
        )
        with context.begin_transaction():
            context.run_migrations()
            role = _app_role()
            if role:
                # In the migration's transaction: new tables are never visible to the app without their grants.
                grant_app_role(connection, role)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
