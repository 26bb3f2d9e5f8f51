"""The determination period is a quarter in the database too: the CHECKs say what models/periods.py says.

Revision ID: a7c3e5f1d2b4
Revises: 8d2c6b1a9e47
Create Date: 2026-12-02 07:20:00.000000

Until now `household.period` and `decree.period` were checked for their shape only (seven characters, a dash
fifth: `2026-13` passed) while the ministry accepts `TTTT-BB` with the month 01, 04, 07 or 10. The CHECK text
is frozen here (a migration never imports the models); tests/models/test_periods.py checks the live database
against the code's rule. Rows already breaking the new rule stop the upgrade with their count, before
anything changes (PostgreSQL would refuse the constraint anyway; SQLite would not look).

SQLite cannot alter a CHECK, and rebuilding `household` or `decree` (batch mode) would run the implicit
DELETE of DROP TABLE under `PRAGMA foreign_keys=ON` (cascading to members, visits, annex rows) and drop the
finality triggers on `decree`. So the constraint's text is replaced in the stored schema, the procedure
SQLite documents for changes that leave the stored rows as they are (lang_altertable.html, "otheralter"),
after the rows were checked.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a7c3e5f1d2b4"
down_revision: str | Sequence[str] | None = "8d2c6b1a9e47"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("household", "decree")
SHAPE = "period IS NULL OR (length(period) = 7 AND substr(period, 5, 1) = '-')"
_DIGITS = "'0', '1', '2', '3', '4', '5', '6', '7', '8', '9'"
QUARTER = (
    "period IS NULL OR (length(period) = 7 AND "
    + " AND ".join(f"substr(period, {position}, 1) IN ({_DIGITS})" for position in range(1, 5))
    + " AND substr(period, 5, 3) IN ('-01', '-04', '-07', '-10'))"
)


def upgrade() -> None:
    """Upgrade schema."""
    for table in TABLES:
        _refuse_rows_breaking(table, QUARTER)
        _replace_check(table, SHAPE, QUARTER)


def downgrade() -> None:
    """Downgrade schema."""
    for table in TABLES:
        _replace_check(table, QUARTER, SHAPE)


def _refuse_rows_breaking(table: str, rule: str) -> None:
    breaking = op.get_bind().exec_driver_sql(f"SELECT count(*) FROM {table} WHERE NOT ({rule})").scalar_one()
    if breaking:
        raise RuntimeError(
            f"{breaking} baris {table} memakai periode di luar triwulan (bulan 01, 04, 07, 10); "
            "perbaiki periodenya dulu, lalu ulangi migrasi."
        )


def _replace_check(table: str, old: str, new: str) -> None:
    name = f"ck_{table}_period_shape"
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, new)
        return
    _replace_sqlite_check(table, f"CONSTRAINT {name} CHECK ({old})", f"CONSTRAINT {name} CHECK ({new})")


def _replace_sqlite_check(table: str, old: str, new: str) -> None:
    connection = op.get_bind()
    stored = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    sql = stored.scalar_one()
    if sql.count(old) != 1:
        raise RuntimeError(f"Skema tabel {table} tidak memuat CHECK yang diharapkan: {old}")
    version = connection.exec_driver_sql("PRAGMA schema_version").scalar_one()
    connection.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        connection.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql.replace(old, new), table)
        )
        # A new schema version makes every connection read the changed schema again.
        connection.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        connection.exec_driver_sql("PRAGMA writable_schema = OFF")
