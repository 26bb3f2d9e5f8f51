"""On PostgreSQL, every key of a table kept by regency includes the regency code, as Citus requires.

Revision ID: c9e1a3b5d7f9
Revises: b7d9f1a3c5e7
Create Date: 2026-12-03 02:30:00.000000

Rule 2 of docs/SCALING.md: a distributed engine accepts a primary key, a unique key or a foreign key between two
distributed tables only when it includes the distribution column. PostgreSQL's primary keys become
(id, regency_code), its unique keys gain the regency code, and every link between two tables kept by regency
becomes (<parent>_id, regency_code) -> parent (id, regency_code), with its ON DELETE rule (a SET NULL link clears
only the parent's id: PostgreSQL 15's column list). The ids stay unique on their own (one sequence per table);
the ORM keeps `id` as identity. The names stay, so console/errors.py reads a refusal as before.

SQLite is never distributed and keeps its single-column keys (changing a key there rebuilds the table, with its
triggers and expression indexes): this revision does nothing on it. Frozen here, as models/distribution.py
derives them from the models.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c9e1a3b5d7f9"
down_revision: str | Sequence[str] | None = "b7d9f1a3c5e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRIMARY_KEYS = {
    **{
        table: ("id",)
        for table in (
            "audit_entry", "certificate", "certificate_approval", "complaint", "decree_annex_row", "household",
            "household_period", "meeting", "meeting_decision", "meeting_participant", "member", "pmt_result",
            "proposal", "proposal_history", "visit",
        )
    },
    "decree_proposal": ("decree_id", "proposal_id"),
}  # fmt: skip
# (table, column, parent, ON DELETE)
LINKS = (
    ("certificate", "household_id", "household", "SET NULL"),
    ("certificate_approval", "certificate_id", "certificate", "CASCADE"),
    ("decree_annex_row", "proposal_id", "proposal", "RESTRICT"),
    ("decree_proposal", "proposal_id", "proposal", "RESTRICT"),
    ("household_period", "household_id", "household", "CASCADE"),
    ("meeting_decision", "meeting_id", "meeting", "CASCADE"),
    ("meeting_decision", "proposal_id", "proposal", "CASCADE"),
    ("meeting_participant", "meeting_id", "meeting", "CASCADE"),
    ("member", "household_id", "household", "CASCADE"),
    ("pmt_result", "household_id", "household", "CASCADE"),
    ("proposal", "household_id", "household", "RESTRICT"),
    ("proposal_history", "proposal_id", "proposal", "CASCADE"),
    ("visit", "household_id", "household", "CASCADE"),
    ("visit", "proposal_id", "proposal", "SET NULL"),
)
UNIQUE = (
    ("certificate", ("region_code", "year", "sequence")),
    ("certificate_approval", ("certificate_id", "step")),
    ("decree_annex_row", ("decree_id", "position")),
    ("household_period", ("household_id", "period")),
    ("meeting_decision", ("meeting_id", "proposal_id")),
    ("pmt_result", ("household_id", "period")),
)
ONE_HEAD = "uq_member_one_head_per_household"
HEAD_ONLY = "WHERE family_relation = 'kepala_keluarga'"


def _keys(with_regency: bool) -> None:
    extra = ("regency_code",) if with_regency else ()
    for table, column, parent, _ondelete in LINKS:
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT fk_{table}_{column}_{parent}")
    for table, columns in PRIMARY_KEYS.items():
        key = ", ".join((*columns, *extra))
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}, ADD CONSTRAINT pk_{table} PRIMARY KEY ({key})")
    for table, columns in UNIQUE:
        name = f"uq_{table}_{'_'.join(columns)}"
        key = ", ".join((*columns, *extra))
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} UNIQUE ({key})")
    op.execute(f"DROP INDEX {ONE_HEAD}")
    op.execute(f"CREATE UNIQUE INDEX {ONE_HEAD} ON member ({', '.join(('household_id', *extra))}) {HEAD_ONLY}")
    for table, column, parent, ondelete in LINKS:
        if with_regency:
            columns, referred = f"{column}, regency_code", "id, regency_code"
            rule = f"SET NULL ({column})" if ondelete == "SET NULL" else ondelete
        else:
            columns, referred, rule = column, "id", ondelete
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{column}_{parent} FOREIGN KEY ({columns}) "
            f"REFERENCES {parent} ({referred}) ON DELETE {rule}"
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _keys(with_regency=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _keys(with_regency=False)
