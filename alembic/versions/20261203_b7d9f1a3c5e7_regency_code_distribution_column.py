"""Every row kept by regency carries its regency code: the distribution column of docs/SCALING.md.

Revision ID: b7d9f1a3c5e7
Revises: a3b5c7d9e1f2
Create Date: 2026-12-03 02:00:00.000000

Rule 2 of docs/SCALING.md: on a distributed engine (Citus) the register and everything hung on it lie by
regency, and the distribution column must be a plain column with its value in every INSERT (a generated one
cannot route a row). `regency_code` is filled here from each row's region code (a decree's link from its
proposal) and held equal to `substr(region_code, 1, 5)` by a CHECK on both engines; models/base.RegencyScoped
keeps it from then on. The fill is one UPDATE per table with the table's own triggers set aside (they guard
decided records, the audit trail's history and the tallies: none of them concerns a column copied from the row
itself). SQLite adds a NOT NULL column only with a default, and tests a new column's CHECK against the rows
already there, so it adds the column with '' while CHECK constraints are ignored, and fills it at once. The
tallies are not here: their rows are kept per region level by the database's triggers, and keying them by regency
is the next step of SCALING's plan (models/distribution.py lists them as open).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b7d9f1a3c5e7"
down_revision: str | Sequence[str] | None = "a3b5c7d9e1f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (a migration never imports the models): the tables of models/distribution.BY_REGENCY with a region
# code of their own, tallies aside.
TABLES = (
    "audit_entry", "certificate", "certificate_approval", "complaint", "decree_annex_row", "household",
    "household_period", "meeting", "meeting_decision", "meeting_participant", "member", "pmt_result", "proposal",
    "proposal_history", "visit",
)  # fmt: skip
REGENCY_OF_REGION = "regency_code = substr(region_code, 1, 5)"
LINK_FILL = (
    "UPDATE decree_proposal SET regency_code = "
    "(SELECT p.regency_code FROM proposal p WHERE p.id = decree_proposal.proposal_id)"
)


def _with_triggers_aside(table: str, statement: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        op.execute(statement)
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        return
    # SQLite cannot disable a trigger: drop the table's own and create them again, as they were written.
    triggers = op.get_bind().execute(
        sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"), {"table": table}
    )
    kept = list(triggers)
    for name, _sql in kept:
        op.execute(f'DROP TRIGGER "{name}"')
    op.execute(statement)
    for _name, sql in kept:
        op.execute(sql)


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
        _with_triggers_aside(table, f"UPDATE {table} SET regency_code = substr(region_code, 1, 5)")
        if postgresql:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN regency_code SET NOT NULL, ADD {check}")
    if postgresql:
        op.execute("ALTER TABLE decree_proposal ADD COLUMN regency_code VARCHAR(5)")
    else:
        op.execute("ALTER TABLE decree_proposal ADD COLUMN regency_code VARCHAR(5) NOT NULL DEFAULT ''")
    _with_triggers_aside("decree_proposal", LINK_FILL)
    if postgresql:
        op.execute("ALTER TABLE decree_proposal ALTER COLUMN regency_code SET NOT NULL")
    else:
        op.execute("PRAGMA ignore_check_constraints = OFF")


def downgrade() -> None:
    # Both engines drop a column in place (SQLite since 3.35): no table rebuild, whose DROP TABLE would cascade.
    for table in (*TABLES, "decree_proposal"):
        op.execute(f"ALTER TABLE {table} DROP COLUMN regency_code")
