"""Whether a database may receive a restore or a copy: it must be empty, so that nothing already there is lost.

Empty means no table, view, sequence or function of our own in its schema, except an `alembic_version` without a
row (what some tools leave in a database made for the console). Objects of an extension (pg_trgm, which the first
migration creates and a DBA may have created already) do not count. `restore` and `copy-to` both refuse any
other database with `TargetNotEmpty`, before they change anything.
"""

from __future__ import annotations

from sqlalchemy import Connection, inspect, text

__all__ = ["TargetNotEmpty", "drop_empty_alembic_version", "refuse_unless_empty"]

VERSION_TABLE = "alembic_version"

_POSTGRESQL_OBJECTS = text(
    """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
    UNION ALL
    SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    """
)


class TargetNotEmpty(Exception):
    """The target database holds data or schema objects; the message says which, in Indonesian."""


def _objects(connection: Connection) -> list[str]:
    if connection.dialect.name == "postgresql":
        return sorted({str(name) for name in connection.execute(_POSTGRESQL_OBJECTS).scalars()})
    found = connection.execute(
        text("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') AND name NOT LIKE 'sqlite_%'")
    ).scalars()
    return sorted(str(name) for name in found)


def refuse_unless_empty(connection: Connection, described: str) -> None:
    """Raise TargetNotEmpty unless the database is empty (module docstring); `described` names it in the message."""
    objects = [name for name in _objects(connection) if name != VERSION_TABLE]
    has_version = VERSION_TABLE in inspect(connection).get_table_names()
    if has_version and connection.execute(text(f"SELECT count(*) FROM {VERSION_TABLE}")).scalar_one():
        objects.insert(0, VERSION_TABLE)
    if objects:
        shown = ", ".join(objects[:5]) + (f" dan {len(objects) - 5} lainnya" if len(objects) > 5 else "")
        raise TargetNotEmpty(
            f"Basis data tujuan {described} tidak kosong ({shown}); tidak ada yang diubah. "
            "Pakai basis data baru yang kosong (PostgreSQL: CREATE DATABASE ... OWNER pemilik skema; "
            "SQLite: berkas yang belum ada)."
        )


def drop_empty_alembic_version(connection: Connection) -> None:
    """Drop an empty `alembic_version` left in an otherwise empty database, so a restore can create its own."""
    if VERSION_TABLE in inspect(connection).get_table_names():
        connection.execute(text(f"DROP TABLE {VERSION_TABLE}"))
