"""Programmes by desil band (DTSEN): programmes, their bands per period, memberships and the suspension review.

Revision ID: d5f7a9b1c3e6
Revises: c3e5a7b9d1f4
Create Date: 2026-12-03 14:00:00.000000

`programme` and `programme_band` are reference tables; `programme_membership` and `programme_review` are kept by
regency, and on PostgreSQL their keys and their links to `household` and to each other carry the regency code
(models/distribution.py). The national programmes are seeded with the bands public reporting gives for 2025 (PKH
desil 1-4; Sembako/BPNT and PBI-JK desil 1-5), from 2025-04, the first quarter after Inpres 4/2025; KIP and BST
have no band until an admin enters one. The programme pages' access rules are added to a deployment seeded before
them, as alembic b1d3f5a7c9e2 does for the ranking rules.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d5f7a9b1c3e6"
down_revision: str | Sequence[str] | None = "c3e5a7b9d1f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen from models/periods.py and models/base.py (a migration never imports the models).
_DIGITS = ", ".join(f"'{digit}'" for digit in "0123456789")


def _period_check(column: str) -> str:
    year = " AND ".join(f"substr({column}, {position}, 1) IN ({_DIGITS})" for position in range(1, 5))
    return f"{column} IS NULL OR (length({column}) = 7 AND {year} AND substr({column}, 5, 3) IN ('-01', '-04', '-07', '-10'))"


REGENCY_OF_REGION = "regency_code = substr(region_code, 1, 5)"
PROGRAMMES = (
    ("PKH", "Program Keluarga Harapan"),
    ("SEMBAKO", "Program Sembako / BPNT"),
    ("PBI-JK", "Penerima Bantuan Iuran Jaminan Kesehatan"),
    ("KIP", "Program Indonesia Pintar (KIP)"),
    ("BST", "Bantuan Sosial Tunai"),
)
BANDS = (
    ("PKH", 1, 4, "Pemberitaan 2025: PKH desil 1-4"),
    ("SEMBAKO", 1, 5, "Pemberitaan 2025: Sembako/BPNT desil 1-5"),
    ("PBI-JK", 1, 5, "Pemberitaan 2025: PBI-JK desil 1-5"),
)
FIRST_BAND_PERIOD = "2025-04"
READERS = ("kabid", "kepala_dinas", "sekretaris", "operator_provinsi", "pusdatin")
RULES = (
    *(("admin", resource, action) for resource in ("programme", "programme-band")
      for action in ("list", "details", "create", "edit", "delete")),
    *(("admin", "programme-membership", action) for action in ("list", "details", "create", "edit")),
    ("admin", "programme-review", "list"),
    ("operator_dinsos", "programme", "list"),
    ("operator_dinsos", "programme", "details"),
    ("operator_dinsos", "programme-band", "list"),
    ("operator_dinsos", "programme-band", "details"),
    *(("operator_dinsos", "programme-membership", action) for action in ("list", "details", "create", "edit")),
    ("operator_dinsos", "programme-review", "list"),
    ("operator_dinsos", "programme-review", "decide"),
    *((role, resource, action) for role in READERS
      for resource in ("programme", "programme-band", "programme-membership")
      for action in ("list", "details")),
    *((role, "programme-review", "list") for role in READERS),
)  # fmt: skip


def _timestamps() -> tuple[sa.Column, sa.Column]:
    return (
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
    )


def _regency_code(table: str) -> sa.Column:
    return sa.Column(
        "regency_code",
        sa.String(length=5),
        sa.CheckConstraint(REGENCY_OF_REGION, name=op.f(f"ck_{table}_regency_of_region")),
        nullable=False,
    )


def upgrade() -> None:
    regency = ("regency_code",) if op.get_bind().dialect.name == "postgresql" else ()
    op.create_table(
        "programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("owner_code", sa.String(length=13), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme")),
        sa.UniqueConstraint("code", name=op.f("uq_programme_code")),
    )
    op.create_table(
        "programme_band",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("effective_period", sa.String(length=7), nullable=False),
        sa.Column("min_desil", sa.SmallInteger(), nullable=False),
        sa.Column("max_desil", sa.SmallInteger(), nullable=False),
        sa.Column("basis", sa.String(length=200), nullable=False),
        *_timestamps(),
        sa.CheckConstraint(_period_check("effective_period"), name=op.f("ck_programme_band_period_shape")),
        sa.CheckConstraint("min_desil <= max_desil", name=op.f("ck_programme_band_band_order")),
        sa.CheckConstraint(
            "min_desil BETWEEN 1 AND 10 AND max_desil BETWEEN 1 AND 10", name=op.f("ck_programme_band_desil_range")
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_band_programme_id_programme"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_band")),
        sa.UniqueConstraint(
            "programme_id", "effective_period", name=op.f("uq_programme_band_programme_id_effective_period")
        ),
    )
    op.create_index(op.f("ix_programme_band_programme_id"), "programme_band", ["programme_id"], unique=False)
    op.create_table(
        "programme_membership",
        # autoincrement said: with the regency code in PostgreSQL's primary key, id would get no SERIAL otherwise.
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "aktif",
                "ditangguhkan",
                "dihentikan",
                name="membershipstatus",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column(
            "source",
            sa.Enum("dicatat", "diimpor", name="membershipsource", native_enum=False, create_constraint=True, length=7),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        _regency_code("programme_membership"),
        *_timestamps(),
        sa.CheckConstraint(_period_check("period"), name=op.f("ck_programme_membership_period_shape")),
        sa.ForeignKeyConstraint(
            ["household_id", *regency],
            ["household.id", *(f"household.{name}" for name in regency)],
            name=op.f("fk_programme_membership_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programme.id"],
            name=op.f("fk_programme_membership_programme_id_programme"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", *regency, name=op.f("pk_programme_membership")),
        sa.UniqueConstraint(
            "household_id",
            "programme_id",
            "period",
            *regency,
            name=op.f("uq_programme_membership_household_id_programme_id_period"),
        ),
    )
    for column in ("household_id", "period", "programme_id", "region_code"):
        op.create_index(op.f(f"ix_programme_membership_{column}"), "programme_membership", [column], unique=False)
    op.create_table(
        "programme_review",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.Column("desil", sa.SmallInteger(), nullable=True),
        sa.Column("min_desil", sa.SmallInteger(), nullable=False),
        sa.Column("max_desil", sa.SmallInteger(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "lanjut",
                "tangguhkan",
                "hentikan",
                name="reviewdecision",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),  # fmt: skip
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_name", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        _regency_code("programme_review"),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_programme_review_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["membership_id", *regency],
            ["programme_membership.id", *(f"programme_membership.{name}" for name in regency)],
            name=op.f("fk_programme_review_membership_id_programme_membership"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", *regency, name=op.f("pk_programme_review")),
        sa.UniqueConstraint("membership_id", *regency, name=op.f("uq_programme_review_membership_id")),
    )
    op.create_index(op.f("ix_programme_review_region_code"), "programme_review", ["region_code"], unique=False)
    _seed()


def _seed() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    ids: dict[str, int] = {}
    for code, name in PROGRAMMES:
        connection.execute(
            sa.text(
                "INSERT INTO programme (code, name, owner_code, is_active, created_at, updated_at) "
                "VALUES (:code, :name, '', :active, :now, :now)"
            ),
            {"code": code, "name": name, "active": True, "now": now},
        )
        ids[code] = connection.execute(
            sa.text("SELECT id FROM programme WHERE code = :code"), {"code": code}
        ).scalar_one()
    for code, low, high, basis in BANDS:
        connection.execute(
            sa.text(
                "INSERT INTO programme_band (programme_id, effective_period, min_desil, max_desil, basis, created_at, "
                "updated_at) VALUES (:programme, :period, :low, :high, :basis, :now, :now)"
            ),
            {"programme": ids[code], "period": FIRST_BAND_PERIOD, "low": low, "high": high, "basis": basis, "now": now},
        )
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
    for table in ("programme_review", "programme_membership", "programme_band", "programme"):
        op.drop_table(table)
