"""The tallies carry the regency code too, and PostgreSQL's keys of them include it: the last tables kept by regency.

Revision ID: e5a7c9d1f3b5
Revises: d3f5a7b9c1e3
Create Date: 2026-12-03 07:00:00.000000

`household_tally`, `proposal_tally` and `tally_delta` (alembic c5e7a9b1d3f2) get `regency_code`, a plain NOT NULL
column held to `substr(region_code, 1, 5)` by the CHECK every table kept by regency has (models/base.RegencyScoped):
a regency's, kecamatan's or village's row carries its regency, a province's row its province code (rule 4 of
docs/SCALING.md: a row of no single regency). The triggers that write them name it; the counts, their levels and
what the dashboard reads are unchanged. On PostgreSQL the primary keys become (..., regency_code), and the tally
functions' upserts and the commit's fold key on it (rule 2). SQLite keeps its primary keys (never distributed).

The trigger code below is that of c5e7a9b1d3f2 with the regency code as a parameter, so the downgrade restores
the earlier functions and triggers exactly; frozen here, as a migration never imports the models.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "e5a7c9d1f3b5"
down_revision: str | Sequence[str] | None = "d3f5a7b9c1e3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# models/region_codes.py CODE_LENGTH, frozen here: level -> length of that level's code.
LEVELS = ((1, 2), (2, 5), (3, 8), (4, 13))
LEVEL_ROWS = " UNION ALL ".join(f"SELECT {level} AS level, {length} AS length" for level, length in LEVELS)
REGENCY_OF_REGION = "regency_code = substr(region_code, 1, 5)"
TABLES = ("household_tally", "proposal_tally", "tally_delta")
PRIMARY_KEYS = {
    "household_tally": ("level", "region_code", "dtks_status", "desil", "period"),
    "proposal_tally": ("level", "region_code", "status"),
    "tally_delta": ("id",),
}


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


@dataclass(frozen=True)
class Shape:
    """Which schema the trigger code writes for: with the regency code (this revision) or without (the one before);
    `keyed`: PostgreSQL's keys include it."""

    regency: bool
    keyed: bool

    def columns(self, counted: Counted) -> str:
        return f"level, region_code, {'regency_code, ' if self.regency else ''}{counted.key_names()}"

    def regency_of(self, region_code: str) -> str:
        return f"substr({region_code}, 1, 5), " if self.regency else ""

    def conflict(self, counted: Counted) -> str:
        return f"(level, region_code, {counted.key_names()}{', regency_code' if self.keyed else ''})"

    def key_positions(self, counted: Counted) -> str:
        return ", ".join(str(position) for position in range(1, len(counted.keys) + 3 + int(self.regency)))


def _grouped(shape: Shape, counted: Counted, source: str, count: str, having: str = "") -> str:
    """SELECT the tally rows of the rows in `source` (aliased r), `count` each, grouped per level and key, in key
    order (concurrent writers then take the tally rows' locks in one order)."""
    keys = shape.key_positions(counted)
    values = counted.key_values("r", named=True)
    level_code = "substr(r.region_code, 1, l.length)"
    regency = f"substr({level_code}, 1, 5) AS regency_code, " if shape.regency else ""
    return (
        f"SELECT l.level, {level_code} AS region_code, {regency}{values}, {count} AS n"
        f" FROM {source} CROSS JOIN ({LEVEL_ROWS}) AS l GROUP BY {keys} {having} ORDER BY {keys}"
    )


def _upsert(shape: Shape, counted: Counted, rows: str, target: str = "t") -> str:
    return (
        f"INSERT INTO {counted.tally} AS {target} ({shape.columns(counted)}, {counted.count}) {rows}"
        f" ON CONFLICT {shape.conflict(counted)} DO UPDATE SET {counted.count} = {target}.{counted.count} + "
        f"EXCLUDED.{counted.count}"
    )


def _deltas(shape: Shape, counted: Counted, grouped: str) -> str:
    """Append the grouped rows as this transaction's deltas and, if there were any, mark it for the fold at commit."""
    regency = ("regency_code, ", "g.regency_code, ") if shape.regency else ("", "")
    return (
        f"EXECUTE $sql$INSERT INTO tally_delta (xact, tally, level, region_code, {regency[0]}status, desil, period,"
        f" count) SELECT txid_current(), '{counted.tally}', g.level, g.region_code, {regency[1]}{counted.as_delta},"
        f" g.n FROM ({grouped}) g$sql$;"
        "\n        GET DIAGNOSTICS written = ROW_COUNT;"
        "\n        IF written > 0 THEN"
        "\n            INSERT INTO tally_pending (xact) VALUES (txid_current()) ON CONFLICT DO NOTHING;"
        "\n        END IF"
    )


def _fold(shape: Shape, counted: Counted) -> str:
    keys = shape.key_positions(counted)
    regency = "regency_code, " if shape.regency else ""
    return (
        f"WITH moved AS (DELETE FROM tally_delta WHERE xact = NEW.xact AND tally = '{counted.tally}' RETURNING *) "
        + _upsert(
            shape,
            counted,
            f"SELECT level, region_code, {regency}{counted.from_delta}, sum(count) FROM moved"
            f" GROUP BY {keys} HAVING sum(count) <> 0 ORDER BY {keys}",
        )
    )


def _definer(schema: str) -> str:
    return f'SECURITY DEFINER SET search_path = "{schema}", pg_temp'


def _postgresql_functions(shape: Shape, schema: str) -> list[str]:
    """The tally functions of c5e7a9b1d3f2 in `shape`, replacing those in place (the triggers stay)."""
    statements = []
    for counted in COUNTED:
        columns = ", ".join(counted.watched)
        moved = f"(SELECT {columns}, 1 AS delta FROM new_rows UNION ALL SELECT {columns}, -1 FROM old_rows) AS r"
        inserted = _deltas(shape, counted, _grouped(shape, counted, "new_rows r", "count(*)"))
        updated = _deltas(shape, counted, _grouped(shape, counted, moved, "sum(r.delta)", "HAVING sum(r.delta) <> 0"))
        deleted = _deltas(shape, counted, _grouped(shape, counted, "old_rows r", "-count(*)"))
        statements.append(
            f"""CREATE OR REPLACE FUNCTION {counted.tally}_rows() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$
DECLARE written bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {inserted};
    ELSIF TG_OP = 'UPDATE' THEN
        {updated};
    ELSIF TG_OP = 'DELETE' THEN
        {deleted};
    ELSE
        DELETE FROM tally_delta WHERE xact = txid_current() AND tally = '{counted.tally}';
        DELETE FROM {counted.tally};
    END IF;
    RETURN NULL;
END $$"""
        )
    folds = ";\n    ".join(_fold(shape, counted) for counted in COUNTED)
    statements.append(
        f"""CREATE OR REPLACE FUNCTION tally_fold() RETURNS trigger LANGUAGE plpgsql {_definer(schema)} AS $$ BEGIN
    {folds};
    DELETE FROM tally_pending WHERE xact = NEW.xact;
    RETURN NULL;
END $$"""
    )
    return statements


def _sqlite_triggers(shape: Shape) -> list[str]:
    statements = []
    for counted in COUNTED:
        name, tally, count = counted.table, counted.tally, counted.count
        level_code = "substr(NEW.region_code, 1, l.length)"
        # WHERE true: SQLite's upsert after a SELECT needs a WHERE to parse unambiguously.
        add = (
            f"INSERT INTO {tally} ({shape.columns(counted)}, {count})"
            f" SELECT l.level, {level_code}, {shape.regency_of(level_code)}{counted.key_values('NEW')}, 1"
            f" FROM ({LEVEL_ROWS}) AS l WHERE true"
            f" ON CONFLICT {shape.conflict(counted)} DO UPDATE SET {count} = {count} + 1"
        )
        keys = " AND ".join(f"{column} = {expression.format(r='OLD')}" for column, expression in counted.keys)
        subtract = "\n".join(
            f"        UPDATE {tally} SET {count} = {count} - 1 WHERE level = {level}"
            f" AND region_code = substr(OLD.region_code, 1, {length}) AND {keys};"
            for level, length in LEVELS
        )
        changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in counted.watched)
        statements += [
            f"DROP TRIGGER {tally}_insert",
            f"DROP TRIGGER {tally}_delete",
            f"DROP TRIGGER {tally}_update",
            f"CREATE TRIGGER {tally}_insert AFTER INSERT ON {name} BEGIN\n        {add};\n    END",
            f"CREATE TRIGGER {tally}_delete AFTER DELETE ON {name} BEGIN\n{subtract}\n    END",
            f"""CREATE TRIGGER {tally}_update AFTER UPDATE OF {", ".join(counted.watched)} ON {name}
    WHEN {changed}
    BEGIN
{subtract}
        {add};
    END""",
        ]
    return statements


def _primary_keys(with_regency: bool) -> None:
    for table, columns in PRIMARY_KEYS.items():
        key = ", ".join((*columns, *(("regency_code",) if with_regency else ())))
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if not postgresql:
        op.execute("PRAGMA ignore_check_constraints = ON")
    for table in TABLES:
        check = f"CONSTRAINT ck_{table}_regency_of_region CHECK ({REGENCY_OF_REGION})"
        if postgresql:
            op.execute(f"ALTER TABLE {table} ADD COLUMN regency_code VARCHAR(5)")
        else:
            op.execute(f"ALTER TABLE {table} ADD COLUMN regency_code VARCHAR(5) NOT NULL DEFAULT '' {check}")
        op.execute(f"UPDATE {table} SET regency_code = substr(region_code, 1, 5)")
        if postgresql:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN regency_code SET NOT NULL, ADD {check}")
    if postgresql:
        _primary_keys(with_regency=True)
        schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
        for statement in _postgresql_functions(Shape(regency=True, keyed=True), schema):
            op.execute(statement)
    else:
        op.execute("PRAGMA ignore_check_constraints = OFF")
        for statement in _sqlite_triggers(Shape(regency=True, keyed=False)):
            op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    if postgresql:
        schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
        for statement in _postgresql_functions(Shape(regency=False, keyed=False), schema):
            op.execute(statement)
        _primary_keys(with_regency=False)
    else:
        for statement in _sqlite_triggers(Shape(regency=False, keyed=False)):
            op.execute(statement)
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} DROP COLUMN regency_code")
