"""Alembic environment wired to the console settings; `compare_type` so column type changes are seen."""

from __future__ import annotations

from logging.config import fileConfig

import models
from alembic import context
from console.database import make_engine
from console.database_roles import app_role_of, grant_app_role
from console.settings import Settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = models.Base.metadata


def _database_url() -> str:
    # Tests and the CLI pass the URL explicitly; otherwise the settings decide: the owner's
    # MIGRATION_DATABASE_URL when there is one, else DATABASE_URL (one role does everything).
    return config.attributes.get("database_url") or Settings().owner_database_url


def _app_role() -> str | None:
    """The app's PostgreSQL role to re-grant after upgrading (console/database_roles.py), if it has its own."""
    if "database_url" in config.attributes:
        return config.attributes.get("app_role")
    return app_role_of(Settings())


def _belongs_to_dialect(dialect_name: str):
    """Skip objects declared for another engine (the PostgreSQL-only trigram index on SQLite)."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:  # noqa: ANN001
        only = getattr(obj, "info", {}).get("only_dialect")
        return only is None or only == dialect_name

    return include_object


def run_migrations_offline() -> None:
    context.configure(url=_database_url(), target_metadata=target_metadata, literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(Settings(database_url=_database_url()))
    with engine.connect() as connection:
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
