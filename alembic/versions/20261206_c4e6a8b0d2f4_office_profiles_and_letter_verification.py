"""Office profiles and signers; the verification code of a signed Surat Keterangan.

Revision ID: c4e6a8b0d2f4
Revises: b2d4f6a8c0e1
Create Date: 2026-12-06 01:20:00.000000

- `office_profile` (models/office.py): the kop, contacts, place of dating and logo of a regency ("52.72"), a
  province ("52") or the ministry (""), and `office_signer`: one signer per duty with name, title, rank and NIP.
  Reference tables (models/distribution.py).
- `certificate.verification_code`: the code printed with a QR on the letter; the public page /verifikasi/<code>
  answers whether the letter is genuine. Letters signed before this revision get a code now (random, as new ones),
  so a reprint carries one; unique within the regency (a table distributed by regency keeps the regency code in
  every unique key, models/distribution.py), and the public code names the regency first ("5272-ABCD-...").
- The access rules are added to a deployment seeded before them, as alembic d5f7a9b1c3e6 does.
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "c4e6a8b0d2f4"
down_revision: str | Sequence[str] | None = "b2d4f6a8c0e1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here (a migration never imports the models): models/certificate.py CODE_ALPHABET.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_READ = ("list", "details")
_ALL = ("list", "details", "create", "edit", "delete")
RULES = (
    *(("admin", resource, action) for resource in ("office-profile", "office-signer") for action in _ALL),
    *((role, resource, action)
      for role in ("operator_dinsos", "kepala_dinas", "operator_provinsi", "pusdatin")
      for resource in ("office-profile", "office-signer")
      for action in _READ),
)  # fmt: skip


def _code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def upgrade() -> None:
    op.create_table(
        "office_profile",
        sa.Column("region_code", sa.String(length=5), nullable=False),
        sa.Column("government_name", sa.String(length=160), nullable=False),
        sa.Column("office_name", sa.String(length=160), nullable=False),
        sa.Column("address", sa.String(length=250), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=120), nullable=False),
        sa.Column("website", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("logo_path", sa.String(length=255), nullable=True),
        sa.Column("logo_sha256", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(region_code) IN (2, 5)", name=op.f("ck_office_profile_office_region_shape")),
        sa.CheckConstraint("logo_path IS NULL OR logo_sha256 IS NOT NULL", name=op.f("ck_office_profile_logo_with_digest")),
        sa.PrimaryKeyConstraint("region_code", name=op.f("pk_office_profile")),
    )  # fmt: skip
    op.create_table(
        "office_signer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=5), nullable=False),
        sa.Column("duty", sa.Enum("kepala_dinas", "kepala_daerah", name="signerduty", native_enum=False,
                                  create_constraint=True, length=13), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("title", sa.String(length=160), nullable=False),
        sa.Column("rank", sa.String(length=80), nullable=False),
        sa.Column("nip", sa.String(length=18), nullable=True),
        sa.CheckConstraint("nip IS NULL OR length(nip) = 18", name=op.f("ck_office_signer_nip_length")),
        sa.ForeignKeyConstraint(["region_code"], ["office_profile.region_code"],
                                name=op.f("fk_office_signer_region_code_office_profile"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_signer")),
        sa.UniqueConstraint("region_code", "duty", name=op.f("uq_office_signer_region_code_duty")),
    )  # fmt: skip
    op.create_index(op.f("ix_office_signer_region_code"), "office_signer", ["region_code"], unique=False)
    op.add_column("certificate", sa.Column("verification_code", sa.String(length=19), nullable=True))
    # PostgreSQL's unique keys of a table kept by regency end with the regency code (models/distribution.py).
    regency = ["regency_code"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_index(
        op.f("uq_certificate_region_code_verification_code"),
        "certificate",
        ["region_code", "verification_code", *regency],
        unique=True,
    )
    connection = op.get_bind()
    signed = connection.execute(sa.text("SELECT id FROM certificate WHERE step = 'ditandatangani'")).scalars().all()
    for pk in signed:
        connection.execute(
            sa.text("UPDATE certificate SET verification_code = :code WHERE id = :id"), {"code": _code(), "id": pk}
        )
    _add_rules()


def downgrade() -> None:
    op.drop_index(op.f("uq_certificate_region_code_verification_code"), "certificate")
    op.drop_column("certificate", "verification_code")
    op.drop_index(op.f("ix_office_signer_region_code"), "office_signer")
    op.drop_table("office_signer")
    op.drop_table("office_profile")
    connection = op.get_bind()
    for role, resource, action in RULES:
        connection.execute(
            sa.text("DELETE FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource "
                    "AND action = :action"),
            {"role": role, "resource": resource, "action": action},
        )  # fmt: skip


def _add_rules() -> None:
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT 1 FROM policy_rule LIMIT 1")).first():
        return  # an empty table is seeded whole from policies/policy.csv, these rules included
    for role, resource, action in RULES:
        found = connection.execute(
            sa.text("SELECT 1 FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource "
                    "AND action = :action"),
            {"role": role, "resource": resource, "action": action},
        ).first()  # fmt: skip
        if not found:
            connection.execute(
                sa.text("INSERT INTO policy_rule (ptype, subject, resource, action) VALUES ('p', :role, :resource, :action)"),
                {"role": role, "resource": resource, "action": action},
            )  # fmt: skip
