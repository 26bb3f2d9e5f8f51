"""The app's own PostgreSQL role: the privileges the console needs and nothing else, granted after each upgrade.

Two roles (README, "Running on PostgreSQL"): the owner owns the schema and runs the migrations
(MIGRATION_DATABASE_URL); the app connects as a role that owns nothing (DATABASE_URL). PostgreSQL lets only
a table's owner ALTER it (DISABLE TRIGGER included), DROP it or drop its triggers, so the app's role cannot
switch off the audit trail's or the finality rule's triggers, whatever SQL it is made to run; TRUNCATE
and UPDATE/DELETE on the trail are privileges it is never given.

Why grants recomputed after every upgrade, not `ALTER DEFAULT PRIVILEGES`: default privileges can only say
"every new table gets X", so an append-only table added by a later migration would silently get UPDATE and
DELETE. Here one list says which tables are append-only or read-only; everything is revoked and granted
again from it after each `alembic upgrade` (alembic/env.py, in the migration's own transaction), so a table
that moves into the list loses what it had. `python -m console grant-app-role ROLE` does the same by hand.
Outside console/ (package database/), so the migrations grant without importing the web layer.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, make_url, text

from database.settings import DatabaseSettings

# Written, never rewritten (the triggers refuse it too): the app may only add rows. The trail, and a signed
# SK's kept annex (models/decree_annex.py: copied in the signing transaction, final with its decree).
APPEND_ONLY_TABLES = frozenset({"audit_entry", "decree_annex_row", "decree_review"})
# Read, never written by the app: alembic's bookkeeping (the app may read which revision it runs on, never move
# it), and the tallies (models/tally.py), written only by their triggers, whose functions run as the owner
# (SECURITY DEFINER, revision c5e7a9b1d3f2): the console cannot write a count the register does not back. The
# national numbers' lookup tables likewise (revision f2a4c6e8b0d1): the console cannot free a NIK held elsewhere.
# The seed record (revision e1f3a5c7b9d2) is written by `python -m console upgrade`, run as the owner.
READ_ONLY_TABLES = frozenset(
    {
        "alembic_version",
        "household_kk",
        "household_tally",
        "member_nik",
        "proposal_tally",
        "seed_record",
        "tally_delta",
        "tally_pending",
    }
)
READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"


class AppRoleProblem(Exception):
    """The role named for the app cannot be given the app's grants (the message says why, in Indonesian)."""


def app_role_of(settings: DatabaseSettings) -> str | None:
    """The app's role when migrations run as another one on PostgreSQL (two URLs, two users), else None."""
    if not settings.migration_database_url:
        return None
    app, owner = make_url(settings.database_url), make_url(settings.migration_database_url)
    if app.get_backend_name() != "postgresql" or not app.username or app.username == owner.username:
        return None
    return app.username


def privileges_of(table: str) -> str:
    if table in READ_ONLY_TABLES:
        return "SELECT"
    if table in APPEND_ONLY_TABLES:
        return "SELECT, INSERT"
    return READ_WRITE


def grant_statements(schema: str, tables: Iterable[str], role: str) -> list[str]:
    """The statements that leave `role` with exactly the app's privileges in `schema` (names quoted)."""
    name = _quoted(role)
    where = _quoted(schema)
    statements = [
        f"GRANT USAGE ON SCHEMA {where} TO {name}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {where} FROM {name}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {where} FROM {name}",
    ]
    statements += [f"GRANT {privileges_of(table)} ON {where}.{_quoted(table)} TO {name}" for table in sorted(tables)]
    # nextval() for the serial primary keys; USAGE gives no UPDATE (setval) on a sequence.
    statements.append(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {where} TO {name}")
    return statements


def grant_app_role(connection: Connection, role: str) -> list[str]:
    """Give `role` the app's privileges on every table of the current schema (run as the owner); the statements."""
    if connection.dialect.name != "postgresql":
        raise AppRoleProblem("Peran aplikasi hanya berlaku untuk PostgreSQL.")
    found = connection.execute(
        text("SELECT rolsuper, rolname = current_user FROM pg_roles WHERE rolname = :role"), {"role": role}
    ).first()
    if found is None:
        raise AppRoleProblem(f"Peran {role} tidak ada di server PostgreSQL ini; buat dulu (lihat README).")
    superuser, is_self = found
    if superuser or is_self:
        raise AppRoleProblem(
            f"Peran {role} adalah superuser atau pemilik skema; aplikasi harus memakai peran lain tanpa hak pemilik."
        )
    schema = connection.execute(text("SELECT current_schema()")).scalar_one()
    tables = connection.execute(
        text("SELECT tablename, tableowner FROM pg_tables WHERE schemaname = :schema"), {"schema": schema}
    ).all()
    owned = sorted(table for table, owner in tables if owner == role)
    if owned:
        raise AppRoleProblem(
            f"Peran {role} memiliki tabel ({', '.join(owned[:5])}); pemiliknya harus peran pemilik skema."
        )
    statements = grant_statements(schema, [table for table, _owner in tables], role)
    for statement in statements:
        connection.execute(text(statement))
    return statements


def _quoted(identifier: str) -> str:
    """A PostgreSQL identifier in double quotes (role and table names come from settings and the catalog)."""
    return '"' + identifier.replace('"', '""') + '"'
