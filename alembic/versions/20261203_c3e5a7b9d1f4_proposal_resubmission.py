"""The loop back to the village: a rejected proposal linked to the draft that proposes its family again.

Revision ID: c3e5a7b9d1f4
Revises: b1d3f5a7c9e2
Create Date: 2026-12-03 13:20:00.000000

`proposal_resubmission` (models/resubmission.py), kept by regency: a rejected proposal is proposed again at most
once, a draft resubmits at most one. On PostgreSQL its primary key, unique keys and both links to `proposal` carry
the regency code, as every table kept by regency (models/distribution.py). A link table, not a column of
`proposal`: the proposal's finality triggers compare its content columns one by one (alembic a7c9e1b3d5f7), and a
link written once, beside the row, needs none of them.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c3e5a7b9d1f4"
down_revision: str | Sequence[str] | None = "b1d3f5a7c9e2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGENCY_OF_REGION = "regency_code = substr(region_code, 1, 5)"  # frozen from models/base.py


def upgrade() -> None:
    regency = ("regency_code",) if op.get_bind().dialect.name == "postgresql" else ()
    op.create_table(
        "proposal_resubmission",
        # autoincrement said: with the regency code in PostgreSQL's primary key, id would get no SERIAL otherwise.
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rejected_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "regency_code",
            sa.String(length=5),
            sa.CheckConstraint(REGENCY_OF_REGION, name=op.f("ck_proposal_resubmission_regency_of_region")),
            nullable=False,
        ),
        *(
            sa.ForeignKeyConstraint(
                [column, *regency],
                ["proposal.id", *(f"proposal.{name}" for name in regency)],
                name=op.f(f"fk_proposal_resubmission_{column}_proposal"),
                ondelete="CASCADE",
            )
            for column in ("rejected_id", "proposal_id")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_proposal_resubmission_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", *regency, name=op.f("pk_proposal_resubmission")),
        sa.UniqueConstraint("rejected_id", *regency, name=op.f("uq_proposal_resubmission_rejected_id")),
        sa.UniqueConstraint("proposal_id", *regency, name=op.f("uq_proposal_resubmission_proposal_id")),
    )
    op.create_index(
        op.f("ix_proposal_resubmission_region_code"), "proposal_resubmission", ["region_code"], unique=False
    )


def downgrade() -> None:
    op.drop_table("proposal_resubmission")
