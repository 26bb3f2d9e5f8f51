"""DTSEN: the BPS ranking files imported per period and each family's ranking result (models/ranking.py).

Revision ID: b1d3f5a7c9e2
Revises: a7c9e1b3d5f7
Create Date: 2026-12-03 13:10:00.000000

`ranking_import` (a reference table: one row per imported file, period and importer's region, named by the file's
SHA-256, so the same file is recognised) and `ranking_result` (kept by regency: one row per family per period, its
desil when ranked, else the Dukcapil matching's refusal). On PostgreSQL the primary key, the unique key and the
link to the household carry the regency code, as every table kept by regency (models/distribution.py); the scope
indexes cover the region code (alembic e8a0c2d4f6b8). The access rules the ranking pages need are added to a
deployment whose rules were seeded already (a fresh one gets them from policies/policy.csv); an admin who removed
one later keeps it removed, since only a missing rule of this list is added, and only here.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b1d3f5a7c9e2"
down_revision: str | Sequence[str] | None = "a7c9e1b3d5f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen from models/periods.py period_check and models/base.py (a migration never imports the models).
_DIGITS = ", ".join(f"'{digit}'" for digit in "0123456789")
PERIOD_CHECK = (
    "period IS NULL OR (length(period) = 7 AND "
    + " AND ".join(f"substr(period, {position}, 1) IN ({_DIGITS})" for position in range(1, 5))
    + " AND substr(period, 5, 3) IN ('-01', '-04', '-07', '-10'))"
)
REGENCY_OF_REGION = "regency_code = substr(region_code, 1, 5)"
TIERS = {"province": 2, "regency": 5, "kecamatan": 8}
STATUSES = ("diperingkat", "nik_tidak_ditemukan", "nik_tidak_aktif", "nik_ganda")
RULES = (
    ("pusdatin", "ranking", "import"),
    ("pusdatin", "ranking", "read"),
    ("operator_dinsos", "ranking", "import"),
    ("operator_dinsos", "ranking", "read"),
    ("kabid", "ranking", "read"),
    ("kepala_dinas", "ranking", "read"),
    ("operator_provinsi", "ranking", "read"),
    ("admin", "ranking", "read"),
)


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "ranking_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("scope_code", sa.String(length=13), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("ranked", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.Column("unknown", sa.Integer(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("imported_by_name", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(PERIOD_CHECK, name=op.f("ck_ranking_import_period_shape")),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user_account.id"],
            name=op.f("fk_ranking_import_imported_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_import")),
        sa.UniqueConstraint(
            "period", "scope_code", "file_sha256", name=op.f("uq_ranking_import_period_scope_code_file_sha256")
        ),
    )
    op.create_index(op.f("ix_ranking_import_period"), "ranking_import", ["period"], unique=False)

    regency = ("regency_code",) if postgresql else ()
    op.create_table(
        "ranking_result",
        # autoincrement said: with the regency code in PostgreSQL's primary key, id would get no SERIAL otherwise.
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column(
            "status",
            sa.Enum(*STATUSES, name="rankingstatus", native_enum=False, create_constraint=True, length=19),
            nullable=False,
        ),
        sa.Column("desil", sa.SmallInteger(), nullable=True),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "regency_code",
            sa.String(length=5),
            sa.CheckConstraint(REGENCY_OF_REGION, name=op.f("ck_ranking_result_regency_of_region")),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(status = 'diperingkat') = (desil IS NOT NULL)", name=op.f("ck_ranking_result_desil_when_ranked")
        ),
        sa.CheckConstraint(PERIOD_CHECK, name=op.f("ck_ranking_result_period_shape")),
        sa.CheckConstraint("desil IS NULL OR desil BETWEEN 1 AND 10", name=op.f("ck_ranking_result_desil_range")),
        sa.ForeignKeyConstraint(
            ["household_id", *regency],
            ["household.id", *(f"household.{name}" for name in regency)],
            name=op.f("fk_ranking_result_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["ranking_import.id"],
            name=op.f("fk_ranking_result_import_id_ranking_import"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", *regency, name=op.f("pk_ranking_result")),
        sa.UniqueConstraint("household_id", "period", *regency, name=op.f("uq_ranking_result_household_id_period")),
    )
    for column in ("household_id", "import_id", "period", "region_code"):
        op.create_index(op.f(f"ix_ranking_result_{column}"), "ranking_result", [column], unique=False)
    include = " INCLUDE (region_code)" if postgresql else ""
    for tier, length in TIERS.items():
        op.execute(
            f"CREATE INDEX ix_ranking_result_{tier}_scope ON ranking_result (substr(region_code, 1, {length}), id)"
            f"{include}"
        )
    _add_rules()


def _add_rules() -> None:
    """The ranking rules, each added only where the rules were seeded and it is missing."""
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT 1 FROM policy_rule LIMIT 1")).first():
        return  # an empty table is seeded whole from policies/policy.csv, these rules included
    for role, resource, action in RULES:
        found = connection.execute(
            sa.text(
                "SELECT 1 FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource AND action = :action"
            ),
            {"role": role, "resource": resource, "action": action},
        ).first()
        if not found:
            connection.execute(
                sa.text(
                    "INSERT INTO policy_rule (ptype, subject, resource, action) VALUES ('p', :role, :resource, :action)"
                ),
                {"role": role, "resource": resource, "action": action},
            )


def downgrade() -> None:
    connection = op.get_bind()
    for role, resource, action in RULES:
        connection.execute(
            sa.text(
                "DELETE FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource AND action = :action"
            ),
            {"role": role, "resource": resource, "action": action},
        )
    op.drop_table("ranking_result")
    op.drop_index(op.f("ix_ranking_import_period"), table_name="ranking_import")
    op.drop_table("ranking_import")
