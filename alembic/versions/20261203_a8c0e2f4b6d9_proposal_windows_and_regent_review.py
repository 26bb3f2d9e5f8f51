"""Monthly proposal windows per regency and the regent's review of a draft SK list (DTSEN).

Revision ID: a8c0e2f4b6d9
Revises: f1b3d5e7a9c2
Create Date: 2026-12-03 17:30:00.000000

`proposal_window` (models/windows.py): one row per regency and month with the Musdesus and input days and the
date the ranking comes back; deadlines of drafts and of proposals on the Musdes agenda follow them where a regency
keeps them. `decree_review` (models/decree_review.py): the regent's reviews of a draft SK list, written once (the
application's role may insert and read them, never change them: database/roles.py). Both are reference tables
(models/distribution.py). No window is created here: a district fills its year from the Jadwal Usulan page. The
access rules are added to a deployment seeded before them, as alembic d5f7a9b1c3e6 does.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "a8c0e2f4b6d9"
down_revision: str | Sequence[str] | None = "f1b3d5e7a9c2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DISTRICT_READERS = ("kabid", "kepala_dinas", "sekretaris", "operator_provinsi", "pusdatin")
RULES = (
    *(("admin", "proposal-window", action) for action in ("list", "details", "create", "edit", "delete")),
    *(("operator_dinsos", "proposal-window", action) for action in ("list", "details", "create", "edit", "delete")),
    *((role, "proposal-window", action) for role in DISTRICT_READERS for action in ("list", "details")),
    ("operator_dinsos", "decree", "action:review"),
    ("kepala_dinas", "decree", "action:review"),
)


def upgrade() -> None:
    op.create_table(
        "proposal_window",
        sa.Column("regency_code", sa.String(length=5), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("musdes_opens", sa.Date(), nullable=False),
        sa.Column("musdes_closes", sa.Date(), nullable=False),
        sa.Column("input_opens", sa.Date(), nullable=False),
        sa.Column("input_closes", sa.Date(), nullable=False),
        sa.Column("result_date", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(regency_code) = 5", name=op.f("ck_proposal_window_regency_code_shape")),
        sa.CheckConstraint(
            "length(month) = 7 AND substr(month, 5, 1) = '-'", name=op.f("ck_proposal_window_month_shape")
        ),
        sa.CheckConstraint("musdes_opens <= musdes_closes", name=op.f("ck_proposal_window_musdes_order")),
        sa.CheckConstraint("input_opens <= input_closes", name=op.f("ck_proposal_window_input_order")),
        sa.CheckConstraint("result_date >= input_closes", name=op.f("ck_proposal_window_result_after_input")),
        sa.ForeignKeyConstraint(["regency_code"], ["region.code"], name=op.f("fk_proposal_window_regency_code_region")),
        sa.PrimaryKeyConstraint("regency_code", "month", name=op.f("pk_proposal_window")),
    )
    op.create_table(
        "decree_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("decree_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewer_name", sa.String(length=120), nullable=False),
        sa.Column("reviewer_title", sa.String(length=120), nullable=False),
        sa.Column("outcome", sa.Enum("setuju", "perbaikan", name="reviewoutcome", native_enum=False,
                                     create_constraint=True, length=9), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("proposal_count", sa.Integer(), nullable=False),
        sa.Column("list_digest", sa.String(length=64), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["decree_id"], ["decree.id"], name=op.f("fk_decree_review_decree_id_decree"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["user_account.id"],
                                name=op.f("fk_decree_review_recorded_by_id_user_account"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decree_review")),
    )  # fmt: skip
    op.create_index(op.f("ix_decree_review_decree_id"), "decree_review", ["decree_id"], unique=False)
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT 1 FROM policy_rule LIMIT 1")).first():
        return  # an empty table is seeded whole from policies/policy.csv, these rules included
    for role, resource, action in RULES:
        values = {"role": role, "resource": resource, "action": action}
        found = connection.execute(
            sa.text("SELECT 1 FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource "
                    "AND action = :action"),
            values,
        ).first()  # fmt: skip
        if not found:
            connection.execute(
                sa.text("INSERT INTO policy_rule (ptype, subject, resource, action) VALUES ('p', :role, :resource, :action)"),
                values,
            )  # fmt: skip


def downgrade() -> None:
    connection = op.get_bind()
    for role, resource, action in RULES:
        connection.execute(
            sa.text("DELETE FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource "
                    "AND action = :action"),
            {"role": role, "resource": resource, "action": action},
        )  # fmt: skip
    op.drop_index(op.f("ix_decree_review_decree_id"), table_name="decree_review")
    op.drop_table("decree_review")
    op.drop_table("proposal_window")
