"""Tallies per region: household and proposal counts kept by triggers, so the dashboard and recap do not rescan.

Revision ID: c5e7a9b1d3f2
Revises: b4d2e6f8a1c3
Create Date: 2026-12-02 16:00:00.000000

`household_tally` counts households per (level, region, DTKS status, desil, period) and `proposal_tally`
proposals per (level, region, status), one row per region at each of the four levels of the tree (models/
tally.py), so a national dashboard reads the provinces' rows. Triggers on `household` and `proposal` add and
subtract in the changing transaction on both engines, whatever writes; the tables are filled from the rows
already there. Rows falling to 0 are kept.

PostgreSQL: statement triggers over the statement's transition tables append the statement's grouped changes
to `tally_delta` (a bulk insert, update or delete of 100,000 households is one grouped insert, not 400,000 row
upserts); a deferred constraint trigger on `tally_pending` (one row per writing transaction) sums them into the
tallies once, at commit. Updating the tallies in place on every statement was tried first: a transaction of
many single-row statements (an ORM flush, the SK Penetapan deciding one proposal after another) updates the
same province row again and again, and PostgreSQL walks the chain of versions the transaction has left of that
row on each update, so each statement cost more than the one before (3,000 single-row inserts: 3.9 s, the
fourth 3,000: 16.7 s; one UPDATE of 100,000 households through row triggers ran over 90 s before it was
stopped). The fold also holds the tally rows' locks only while the transaction commits. The functions are
SECURITY DEFINER, owned by the schema's owner, with a fixed search_path: the app's role may only read these
tables (database/roles.py), so the console cannot write a count the register does not back. A TRUNCATE (the
owner's maintenance; the app's role may not) empties the tally with the table.
SQLite: row triggers, one upsert per level (INSERT ... ON CONFLICT DO UPDATE), plain decrements on delete.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c5e7a9b1d3f2"
down_revision: str | Sequence[str] | None = "b4d2e6f8a1c3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models/region_codes.py CODE_LENGTH, frozen here: level -> length of that level's code.
LEVELS = ((1, 2), (2, 5), (3, 8), (4, 13))
LEVEL_ROWS = " UNION ALL ".join(f"SELECT {level} AS level, {length} AS length" for level, length in LEVELS)
DTKS_STATUSES = ("belum_terdaftar", "diusulkan", "terdaftar", "dikeluarkan")
PROPOSAL_STATUSES = (
    "draft",
    "in_musdes",
    "agreed",
    "rejected_musdes",
    "visited",
    "verified",
    "not_eligible",
    "submitted",
    "accepted",
    "returned",
    "in_decree",
    "ratified",
    "forwarded",
    "received",
    "rejected_ministry",
    "determined",
    "not_determined",
)


@dataclass(frozen=True)
class Counted:
    """One counted table: its tally, the tally's count column, and the key columns as SQL of a row `{r}`."""

    table: str
    tally: str
    count: str
    keys: tuple[tuple[str, str], ...]  # (tally column, expression over the counted row {r})
    watched: tuple[str, ...]  # the counted table's columns the keys read
    as_delta: str  # tally_delta's (status, desil, period) from the keys
    from_delta: str  # the keys from tally_delta's columns

    def key_names(self) -> str:
        return ", ".join(name for name, _ in self.keys)

    def key_values(self, row: str, named: bool = False) -> str:
        return ", ".join(expression.format(r=row) + (f" AS {name}" if named else "") for name, expression in self.keys)

    def conflict(self) -> str:
        return f"(level, region_code, {self.key_names()})"


HOUSEHOLD = Counted(
    "household",
    "household_tally",
    "households",
    (("dtks_status", "{r}.dtks_status"), ("desil", "COALESCE({r}.desil, 0)"), ("period", "COALESCE({r}.period, '')")),
    ("region_code", "dtks_status", "desil", "period"),
    "g.dtks_status, g.desil, g.period",
    "status, desil, period",
)
PROPOSAL = Counted(
    "proposal",
    "proposal_tally",
    "proposals",
    (("status", "{r}.status"),),
    ("region_code", "status"),
    "g.status, 0, ''",
    "status",
)
COUNTED = (HOUSEHOLD, PROPOSAL)


def _grouped(counted: Counted, source: str, count: str, having: str = "") -> str:
    """SELECT the tally rows of the rows in `source` (aliased r), `count` each, grouped per level and key.

    In key order: concurrent writers then take the tally rows' locks in one order (no deadlock between them).
    """
    keys = ", ".join(str(position) for position in range(1, len(counted.keys) + 3))
    values = counted.key_values("r", named=True)
    return (
        f"SELECT l.level, substr(r.region_code, 1, l.length) AS region_code, {values}, {count} AS n"
        f" FROM {source} CROSS JOIN ({LEVEL_ROWS}) AS l GROUP BY {keys} {having} ORDER BY {keys}"
    )


def _upsert(counted: Counted, rows: str, target: str = "t") -> str:
    return (
        f"INSERT INTO {counted.tally} AS {target} (level, region_code, {counted.key_names()}, {counted.count}) {rows}"
        f" ON CONFLICT {counted.conflict()} DO UPDATE SET {counted.count} = {target}.{counted.count} + EXCLUDED.{counted.count}"
    )


def _fill(counted: Counted) -> str:
    columns = f"level, region_code, {counted.key_names()}, {counted.count}"
    return f"INSERT INTO {counted.tally} ({columns}) {_grouped(counted, f'{counted.table} r', 'count(*)')}"


def _changed(counted: Counted) -> str:
    return " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in counted.watched)


def _deltas(counted: Counted, grouped: str) -> str:
    """Append the grouped rows as this transaction's deltas and, if there were any, mark it for the fold at commit.

    An update that changes no counted column (most edits, the head-name triggers' updates) nets to no row.
    """
    # EXECUTE: planned for each statement's transition tables. A plan cached from a 100,000-row statement kept
    # costing the single-row statements after it ~9 ms each (measured), the size of the first one's hash table.
    return (
        "EXECUTE $sql$INSERT INTO tally_delta (xact, tally, level, region_code, status, desil, period, count)"
        f" SELECT txid_current(), '{counted.tally}', g.level, g.region_code, {counted.as_delta}, g.n"
        f" FROM ({grouped}) g$sql$;"
        "\n        GET DIAGNOSTICS written = ROW_COUNT;"
        "\n        IF written > 0 THEN"
        "\n            INSERT INTO tally_pending (xact) VALUES (txid_current()) ON CONFLICT DO NOTHING;"
        "\n        END IF"
    )


def _fold(counted: Counted) -> str:
    keys = ", ".join(str(position) for position in range(1, len(counted.keys) + 3))
    return (
        f"WITH moved AS (DELETE FROM tally_delta WHERE xact = NEW.xact AND tally = '{counted.tally}' RETURNING *) "
        + _upsert(
            counted,
            f"SELECT level, region_code, {counted.from_delta}, sum(count) FROM moved"
            f" GROUP BY {keys} HAVING sum(count) <> 0 ORDER BY {keys}",
        )
    )


def _postgresql(counted: Counted, schema: str) -> list[str]:
    name, tally = counted.table, counted.tally
    columns = ", ".join(counted.watched)
    moved = f"(SELECT {columns}, 1 AS delta FROM new_rows UNION ALL SELECT {columns}, -1 FROM old_rows) AS r"
    return [
        f"""CREATE FUNCTION {tally}_rows() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$
DECLARE written bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_deltas(counted, _grouped(counted, "new_rows r", "count(*)"))};
    ELSIF TG_OP = 'UPDATE' THEN
        {_deltas(counted, _grouped(counted, moved, "sum(r.delta)", "HAVING sum(r.delta) <> 0"))};
    ELSIF TG_OP = 'DELETE' THEN
        {_deltas(counted, _grouped(counted, "old_rows r", "-count(*)"))};
    ELSE
        DELETE FROM tally_delta WHERE xact = txid_current() AND tally = '{tally}';
        DELETE FROM {tally};
    END IF;
    RETURN NULL;
END $$""",
        f"""CREATE TRIGGER {tally}_insert AFTER INSERT ON {name} REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {tally}_rows()""",
        f"""CREATE TRIGGER {tally}_update AFTER UPDATE ON {name} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {tally}_rows()""",
        f"""CREATE TRIGGER {tally}_delete AFTER DELETE ON {name} REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION {tally}_rows()""",
        f"CREATE TRIGGER {tally}_truncate AFTER TRUNCATE ON {name} FOR EACH STATEMENT EXECUTE FUNCTION {tally}_rows()",
    ]


def _definer(schema: str) -> str:
    return f'SECURITY DEFINER SET search_path = "{schema}", pg_temp'


def _postgresql_fold(schema: str) -> list[str]:
    """The deferred trigger that sums a transaction's deltas into the tallies once, as it commits."""
    folds = ";\n    ".join(_fold(counted) for counted in COUNTED)
    return [
        f"""CREATE FUNCTION tally_fold() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$ BEGIN
    {folds};
    DELETE FROM tally_pending WHERE xact = NEW.xact;
    RETURN NULL;
END $$""",
        """CREATE CONSTRAINT TRIGGER tally_fold AFTER INSERT ON tally_pending DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION tally_fold()""",
    ]


def _sqlite(counted: Counted) -> list[str]:
    name, tally, count = counted.table, counted.tally, counted.count
    # WHERE true: SQLite's upsert after a SELECT needs a WHERE to parse unambiguously.
    add = (
        f"INSERT INTO {tally} (level, region_code, {counted.key_names()}, {count})"
        f" SELECT l.level, substr(NEW.region_code, 1, l.length), {counted.key_values('NEW')}, 1"
        f" FROM ({LEVEL_ROWS}) AS l WHERE true"
        f" ON CONFLICT {counted.conflict()} DO UPDATE SET {count} = {count} + 1"
    )
    keys = " AND ".join(f"{column} = {expression.format(r='OLD')}" for column, expression in counted.keys)
    subtract = "\n".join(
        f"        UPDATE {tally} SET {count} = {count} - 1 WHERE level = {level}"
        f" AND region_code = substr(OLD.region_code, 1, {length}) AND {keys};"
        for level, length in LEVELS
    )
    return [
        f"CREATE TRIGGER {tally}_insert AFTER INSERT ON {name} BEGIN\n        {add};\n    END",
        f"CREATE TRIGGER {tally}_delete AFTER DELETE ON {name} BEGIN\n{subtract}\n    END",
        f"""CREATE TRIGGER {tally}_update AFTER UPDATE OF {", ".join(counted.watched)} ON {name}
    WHEN {_changed(counted)}
    BEGIN
{subtract}
        {add};
    END""",
    ]


def upgrade() -> None:
    op.create_table(
        "household_tally",
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column(
            "dtks_status",
            sa.Enum(*DTKS_STATUSES, name="tally_dtks_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("desil", sa.SmallInteger(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.CheckConstraint("desil BETWEEN 0 AND 10", name=op.f("ck_household_tally_desil_range")),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name=op.f("ck_household_tally_level_range")),
        sa.PrimaryKeyConstraint(
            "level", "region_code", "dtks_status", "desil", "period", name=op.f("pk_household_tally")
        ),
    )
    op.create_table(
        "proposal_tally",
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*PROPOSAL_STATUSES, name="tally_proposal_status", native_enum=False, create_constraint=True),
            nullable=False,
        ),
        sa.Column("proposals", sa.Integer(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name=op.f("ck_proposal_tally_level_range")),
        sa.PrimaryKeyConstraint("level", "region_code", "status", name=op.f("pk_proposal_tally")),
    )
    op.create_table(
        "tally_delta",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("xact", sa.BigInteger(), nullable=False),
        sa.Column("tally", sa.String(length=20), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("desil", sa.SmallInteger(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tally_delta")),
    )
    op.create_index(op.f("ix_tally_delta_xact"), "tally_delta", ["xact"], unique=False)
    op.create_table(
        "tally_pending",
        sa.Column("xact", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("xact", name=op.f("pk_tally_pending")),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one() if postgresql else ""
    for statement in _postgresql_fold(schema) if postgresql else []:
        op.execute(statement)
    for counted in COUNTED:
        op.execute(_fill(counted))
        for statement in _postgresql(counted, schema) if postgresql else _sqlite(counted):
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for counted in COUNTED:
        for event in ("insert", "delete", "update", *(("truncate",) if postgresql else ())):
            trigger = f"{counted.tally}_{event}"
            op.execute(f"DROP TRIGGER {trigger} ON {counted.table}" if postgresql else f"DROP TRIGGER {trigger}")
        if postgresql:
            op.execute(f"DROP FUNCTION {counted.tally}_rows()")
    if postgresql:
        op.execute("DROP TRIGGER tally_fold ON tally_pending")
        op.execute("DROP FUNCTION tally_fold()")
    op.drop_table("tally_pending")
    op.drop_index(op.f("ix_tally_delta_xact"), table_name="tally_delta")
    op.drop_table("tally_delta")
    op.drop_table("proposal_tally")
    op.drop_table("household_tally")
