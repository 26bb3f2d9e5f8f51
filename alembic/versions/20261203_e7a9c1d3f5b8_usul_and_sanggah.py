"""Usul and sanggah (DTSEN's participatory path): residents' requests and their evidence (models/resident_request.py).

Revision ID: e7a9c1d3f5b8
Revises: d5f7a9b1c3e6
Create Date: 2026-12-03 14:30:00.000000

Both tables are kept by regency; on PostgreSQL their primary keys, the unique complaint link and their links to
`household`, `proposal`, `complaint` and each other carry the regency code (models/distribution.py; a link that
is set to NULL clears only its own column). The access rules of the usul/sanggah pages and of each step of the
flow (models/resident_request_flow.py) are added to a deployment seeded before them.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "e7a9c1d3f5b8"
down_revision: str | Sequence[str] | None = "d5f7a9b1c3e6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REGENCY_OF_REGION = "regency_code = substr(region_code, 1, 5)"  # frozen from models/base.py
RECORDERS = ("operator_desa", "operator_dinsos", "petugas_layanan", "admin")
READERS = ("tksk", "kabid", "kepala_dinas", "sekretaris", "operator_provinsi", "pusdatin")
STEPS = (
    ("operator_dinsos", "send_to_field"),
    ("tksk", "record_check"),
    ("operator_dinsos", "grant"),
    ("operator_dinsos", "refuse"),
    ("operator_dinsos", "answer"),
    ("petugas_layanan", "answer"),
)
RULES = (
    *((role, "resident-request", action) for role in RECORDERS for action in ("list", "details", "create", "edit")),
    *((role, "resident-request", action) for role in READERS for action in ("list", "details")),
    *((role, "resident-request", f"action:{action}") for role, action in STEPS),
)


def _link(table: str, column: str, parent: str, ondelete: str, regency: tuple[str, ...]) -> sa.ForeignKeyConstraint:
    rule = f"SET NULL ({column})" if regency and ondelete == "SET NULL" else ondelete
    return sa.ForeignKeyConstraint(
        [column, *regency],
        [f"{parent}.id", *(f"{parent}.{name}" for name in regency)],
        name=op.f(f"fk_{table}_{column}_{parent}"),
        ondelete=rule,
    )


def _regency_code(table: str) -> sa.Column:
    check = sa.CheckConstraint(REGENCY_OF_REGION, name=op.f(f"ck_{table}_regency_of_region"))
    return sa.Column("regency_code", sa.String(length=5), check, nullable=False)


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


def upgrade() -> None:
    regency = ("regency_code",) if op.get_bind().dialect.name == "postgresql" else ()
    table = "resident_request"
    op.create_table(
        table,
        # autoincrement said: with the regency code in PostgreSQL's primary key, id would get no SERIAL otherwise.
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", _enum("requestkind", "usul", "sanggah"), nullable=False),
        sa.Column(
            "channel",
            _enum("requestchannel", "datang_langsung", "cek_bansos", "telepon", "surat", "email", "media_sosial"),
            nullable=False,
        ),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("dispute", _enum("dispute", "salah_masuk", "salah_keluar", "data_salah"), nullable=True),
        sa.Column("resident_name", sa.String(length=120), nullable=False),
        sa.Column("resident_contact", sa.String(length=120), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column(
            "status",
            _enum("requeststatus", "dicatat", "cek_lapangan", "sudah_dicek", "dikabulkan", "ditolak", "dijawab"),
            nullable=False,
        ),
        sa.Column("field_finding", sa.Text(), nullable=False),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _regency_code(table),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.current_timestamp(), nullable=False),
        sa.CheckConstraint("kind <> 'sanggah' OR dispute IS NOT NULL", name=op.f(f"ck_{table}_sanggah_names_dispute")),
        _link(table, "complaint_id", "complaint", "SET NULL", regency),
        _link(table, "household_id", "household", "RESTRICT", regency),
        _link(table, "proposal_id", "proposal", "SET NULL", regency),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f(f"fk_{table}_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", *regency, name=op.f(f"pk_{table}")),
        sa.UniqueConstraint("complaint_id", *regency, name=op.f(f"uq_{table}_complaint_id")),
    )
    op.create_index(op.f(f"ix_{table}_household_id"), table, ["household_id"], unique=False)
    op.create_index(op.f(f"ix_{table}_region_code"), table, ["region_code"], unique=False)
    table = "request_evidence"
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("file_path", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        _regency_code(table),
        _link(table, "request_id", "resident_request", "CASCADE", regency),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f(f"fk_{table}_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", *regency, name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_region_code"), table, ["region_code"], unique=False)
    op.create_index(op.f(f"ix_{table}_request_id"), table, ["request_id"], unique=False)
    _add_rules()


def _add_rules() -> None:
    connection = op.get_bind()
    if not connection.execute(sa.text("SELECT 1 FROM policy_rule LIMIT 1")).first():
        return  # an empty table is seeded whole from policies/policy.csv, these rules included
    for role, resource, action in RULES:
        values = {"role": role, "resource": resource, "action": action}
        where = "ptype = 'p' AND subject = :role AND resource = :resource AND action = :action"
        if not connection.execute(sa.text(f"SELECT 1 FROM policy_rule WHERE {where}"), values).first():
            connection.execute(
                sa.text(
                    "INSERT INTO policy_rule (ptype, subject, resource, action) VALUES ('p', :role, :resource, :action)"
                ),
                values,
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
    op.drop_table("request_evidence")
    op.drop_table("resident_request")
