"""NIK and No. KK unique nationally through two lookup tables (member_nik, household_kk), written by the database.

Revision ID: f2a4c6e8b0d1
Revises: e8a0c2d4f6b8
Create Date: 2026-12-03 00:00:00.000000

A distributed engine (Citus, distributed by the regency: docs/SCALING.md) holds a unique index only within one
regency's rows, so the national rule "one NIK, one person; one No. KK, one family" moves from unique indexes on
`member` and `household` to tables keyed by the number (models/national_numbers.py). Triggers on both engines
write them in the same statement as the register row: a NIK already held is refused by `pk_member_nik`.

PostgreSQL drops the two unique constraints for plain lookup indexes. SQLite keeps them: dropping a constraint
there rebuilds the table, whose DROP TABLE would take the member triggers and expression indexes with it; the
lookup tables hold the same rule on both engines.

PostgreSQL's triggers are per statement, reading the statement's rows as transition tables: a bulk insert (the
BNBA import, the scale seeding) writes the lookup rows in one INSERT ... SELECT, not one statement per row. Their
functions are SECURITY DEFINER, owned by the schema's owner, with a fixed search_path, and the app's role may only
read the lookup tables (database/roles.py): the console cannot free a NIK by deleting its lookup row, as it could
never drop the unique index before. A TRUNCATE of the register (the owner's maintenance) empties them too.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "f2a4c6e8b0d1"
down_revision: str | Sequence[str] | None = "e8a0c2d4f6b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# register table, its number column, lookup table, the lookup's id column
LOOKUPS = (("member", "nik", "member_nik", "member_id"), ("household", "no_kk", "household_kk", "household_id"))
REGENCY = "substr({row}.region_code, 1, 5)"


def _definer(schema: str) -> str:
    return f'SECURITY DEFINER SET search_path = "{schema}", pg_temp'


def _postgresql(schema: str, table: str, number: str, lookup: str, owner: str) -> list[str]:
    moved = f"(a.{number}, {REGENCY.format(row='a')}) IS DISTINCT FROM (b.{number}, {REGENCY.format(row='b')})"
    return [
        f"""CREATE FUNCTION {lookup}_added() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$ BEGIN
    INSERT INTO {lookup} ({number}, {owner}, regency_code)
        SELECT a.{number}, a.id, {REGENCY.format(row="a")} FROM added a;
    RETURN NULL;
END $$""",
        f"""CREATE FUNCTION {lookup}_changed() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$ BEGIN
    DELETE FROM {lookup} l USING old_rows b JOIN new_rows a ON a.id = b.id
        WHERE l.{number} = b.{number} AND l.{owner} = b.id AND {moved};
    INSERT INTO {lookup} ({number}, {owner}, regency_code)
        SELECT a.{number}, a.id, {REGENCY.format(row="a")} FROM old_rows b JOIN new_rows a ON a.id = b.id WHERE {moved};
    RETURN NULL;
END $$""",
        f"""CREATE FUNCTION {lookup}_removed() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$ BEGIN
    DELETE FROM {lookup} l USING removed r WHERE l.{number} = r.{number} AND l.{owner} = r.id;
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER {lookup}_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION {lookup}_added()""",
        f"""CREATE TRIGGER {lookup}_update AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {lookup}_changed()""",
        f"""CREATE TRIGGER {lookup}_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION {lookup}_removed()""",
        f"""CREATE FUNCTION {lookup}_emptied() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$ BEGIN
    DELETE FROM {lookup};
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER {lookup}_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {lookup}_emptied()""",
    ]


def _sqlite(table: str, number: str, lookup: str, owner: str) -> list[str]:
    add = (
        f"INSERT INTO {lookup} ({number}, {owner}, regency_code) "
        f"VALUES (NEW.{number}, NEW.id, {REGENCY.format(row='NEW')});"
    )
    remove = f"DELETE FROM {lookup} WHERE {number} = OLD.{number} AND {owner} = OLD.id;"
    moved = f"OLD.{number} <> NEW.{number} OR {REGENCY.format(row='OLD')} <> {REGENCY.format(row='NEW')}"
    return [
        f"CREATE TRIGGER {lookup}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"""CREATE TRIGGER {lookup}_update AFTER UPDATE OF {number}, region_code ON {table} WHEN {moved}
    BEGIN {remove} {add} END""",
        f"CREATE TRIGGER {lookup}_delete AFTER DELETE ON {table} BEGIN {remove} END",
    ]


def upgrade() -> None:
    bind = op.get_bind()
    postgresql = bind.dialect.name == "postgresql"
    schema = bind.execute(sa.text("SELECT current_schema()")).scalar_one() if postgresql else ""
    for table, number, lookup, owner in LOOKUPS:
        op.create_table(
            lookup,
            sa.Column(number, sa.String(length=16), nullable=False),
            sa.Column(owner, sa.Integer(), nullable=False),
            sa.Column("regency_code", sa.String(length=5), nullable=False),
            sa.PrimaryKeyConstraint(number, name=op.f(f"pk_{lookup}")),
        )
        op.execute(
            f"INSERT INTO {lookup} ({number}, {owner}, regency_code) "
            f"SELECT {number}, id, {REGENCY.format(row=table)} FROM {table}"
        )
        if postgresql:
            op.drop_constraint(f"uq_{table}_{number}", table, type_="unique")
            op.create_index(op.f(f"ix_{table}_{number}"), table, [number], unique=False)
        names = (table, number, lookup, owner)
        for statement in _postgresql(schema, *names) if postgresql else _sqlite(*names):
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table, number, lookup, _owner in LOOKUPS:
        for event in ("insert", "update", "delete", "truncate") if postgresql else ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {lookup}_{event} ON {table}" if postgresql else f"DROP TRIGGER {lookup}_{event}")
        if postgresql:
            for function in ("added", "changed", "removed", "emptied"):
                op.execute(f"DROP FUNCTION {lookup}_{function}()")
            op.drop_index(op.f(f"ix_{table}_{number}"), table_name=table)
            op.create_unique_constraint(op.f(f"uq_{table}_{number}"), table, [number])
        op.drop_table(lookup)
