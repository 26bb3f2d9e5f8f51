"""A certificate's parafs carry the certificate's region code, as every other child row of the register does.

Revision ID: a3b5c7d9e1f2
Revises: f2a4c6e8b0d1
Create Date: 2026-12-03 01:00:00.000000

Rule 1 of docs/SCALING.md: a child row carries its parent's region code itself, never only reachable through a
join, so a scope filter or a distributed engine (Citus, by regency) finds it without the parent. The column is
filled from the certificates here and kept by models/scope_sync.py from then on. SQLite adds a NOT NULL column
only with a default, so both engines add it with '' and fill it; PostgreSQL then drops the default (SQLite would
have to rebuild the table to drop it; no writer leaves it to the default, scope_sync fills it on every insert).
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a3b5c7d9e1f2"
down_revision: str | Sequence[str] | None = "f2a4c6e8b0d1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "certificate_approval", sa.Column("region_code", sa.String(length=13), nullable=False, server_default="")
    )
    op.execute(
        "UPDATE certificate_approval SET region_code = "
        "(SELECT c.region_code FROM certificate c WHERE c.id = certificate_approval.certificate_id)"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("certificate_approval", "region_code", server_default=None)
    op.create_index(op.f("ix_certificate_approval_region_code"), "certificate_approval", ["region_code"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_certificate_approval_region_code"), table_name="certificate_approval")
    # Both engines drop a column in place (SQLite since 3.35): no table rebuild, whose DROP TABLE would cascade.
    op.execute("ALTER TABLE certificate_approval DROP COLUMN region_code")
