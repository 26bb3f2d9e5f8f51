"""The pendamping PKH role, their assigned villages, and the ground check's variables on the visit (DTSEN).

Revision ID: b2d4f6a8c0e1
Revises: a8c0e2f4b6d9
Create Date: 2026-12-04 18:40:00.000000

- `user_account`: the role `pendamping_pkh`, scoped to a kecamatan. Both CHECKs naming the roles are rewritten
  (frozen here: a migration never imports the models). SQLite cannot alter a CHECK and rebuilding `user_account`
  would run DROP TABLE's implicit DELETE under `PRAGMA foreign_keys=ON` (every table naming an official): the
  constraint's text is replaced in the stored schema, as alembic a7c3e5f1d2b4 does, after the rows were checked.
- `pendamping_village` (models/pendamping.py): the villages assigned to a pendamping, a reference table.
- `visit` gains the ground check's columns (models/ground_check.py), with their CHECKs, by ALTER TABLE ADD
  COLUMN on both engines. PostgreSQL's finality trigger compares whole rows and covers them as they come; SQLite's
  lists its columns (alembic 3f1e2d4c5b6a), so its trigger is rewritten to compare the new ones too.
- The access rules are added to a deployment seeded before them, as alembic d5f7a9b1c3e6 does.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b2d4f6a8c0e1"
down_revision: str | Sequence[str] | None = "a8c0e2f4b6d9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES_BEFORE = ("operator_desa", "kepala_desa", "pendata", "tksk", "operator_dinsos", "kabid", "kepala_dinas",
                "petugas_layanan", "penyuluh", "sekretaris", "operator_provinsi", "pusdatin", "admin")  # fmt: skip
ROLES_AFTER = (*ROLES_BEFORE[:4], "pendamping_pkh", *ROLES_BEFORE[4:])
SCOPE_LENGTH = {"operator_desa": 13, "kepala_desa": 13, "pendata": 13, "tksk": 8, "pendamping_pkh": 8,
                "operator_dinsos": 5, "kabid": 5, "kepala_dinas": 5, "petugas_layanan": 5, "penyuluh": 5,
                "sekretaris": 5, "operator_provinsi": 2, "pusdatin": None, "admin": None}  # fmt: skip

# The visit's new columns: name, type, NOT NULL default (or None), CHECK name and condition.
_MEMBERS = "{column} IS NULL OR {column} BETWEEN 0 AND 30"
VISIT_COLUMNS = (
    ("kind", "VARCHAR(11)", "verval", "visitkind", "kind IN ('verval', 'groundcheck')"),
    ("family_presence", "VARCHAR(15)", None, "familypresence",
     "family_presence IN ('ditemukan', 'pindah', 'meninggal', 'tidak_ditemukan')"),
    ("livelihood", "VARCHAR(12)", None, "livelihood",
     "livelihood IN ('pertanian', 'perkebunan', 'perikanan', 'buruh_harian', 'perdagangan', 'jasa', 'industri', "
     "'pegawai', 'kiriman', 'tidak_ada')"),
    ("income_band", "VARCHAR(9)", None, "incomeband",
     "income_band IN ('lt_500rb', '500rb_1jt', '1jt_2jt', '2jt_3jt', 'gt_3jt')"),
    ("children_out_of_school", "INTEGER", None, "children_out_of_school_range",
     _MEMBERS.format(column="children_out_of_school")),
    ("members_with_disability", "INTEGER", None, "members_with_disability_range",
     _MEMBERS.format(column="members_with_disability")),
    ("members_chronically_ill", "INTEGER", None, "members_chronically_ill_range",
     _MEMBERS.format(column="members_chronically_ill")),
    ("health_cover", "VARCHAR(9)", None, "healthcover", "health_cover IN ('pbi', 'mandiri', 'sebagian', 'tidak_ada')"),
)  # fmt: skip
# What the SQLite visit trigger compares, as the table stands at this revision (tests/models/test_finality_triggers).
VISIT_CONTENT = (
    "id", "household_id", "proposal_id", "region_code", "enumerator_name", "visited_on", "tenure", "floor_area_m2",
    "room_count", "floor_material", "wall_material", "wall_condition", "roof_material", "roof_condition",
    "drinking_water", "lighting", "power_rating", "cooking_fuel", "toilet_facility", "toilet_type", "sewage",
    "assets", "livestock", "programme_cards", "notes", "result", "confirmed_at", "created_at",
    *(column for column, *_ in VISIT_COLUMNS),
)  # fmt: skip
_LAST_COMPARED = "NEW.created_at IS NOT OLD.created_at"

_READ = ("list", "details")
_ALL = ("list", "details", "create", "edit", "delete")
RULES = (
    *(("pendamping_pkh", resource, action)
      for resource in ("household", "member", "proposal", "visit", "meeting", "meeting-participant",
                       "proposal-history", "region", "step-target", "resident-request", "pendamping-village")
      for action in _READ),
    ("pendamping_pkh", "dashboard", "list"),
    ("pendamping_pkh", "visit", "create"),
    ("pendamping_pkh", "visit", "edit"),
    ("pendamping_pkh", "proposal", "action:record_visit"),
    ("pendamping_pkh", "resident-request", "action:record_check"),
    *(("admin", "pendamping-village", action) for action in _ALL),
    *(("operator_dinsos", "pendamping-village", action) for action in _ALL),
    *((role, "pendamping-village", action) for role in ("kabid", "kepala_dinas") for action in _READ),
)  # fmt: skip


def _role_check(roles: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{role}'" for role in roles) + ")"


def _scope_check(roles: Sequence[str]) -> str:
    clauses = []
    for role in roles:
        length = SCOPE_LENGTH[role]
        if length is None:
            clauses.append(f"(role = '{role}' AND scope_region_code IS NULL)")
        else:
            clauses.append(
                f"(role = '{role}' AND scope_region_code IS NOT NULL AND length(scope_region_code) = {length})"
            )
    return " OR ".join(clauses)


def upgrade() -> None:
    """Upgrade schema."""
    _replace_role_checks(ROLES_BEFORE, ROLES_AFTER)
    op.create_table(
        "pendamping_village",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=13), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("(CURRENT_TIMESTAMP)"),
                  nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"], name=op.f("fk_pendamping_village_region_code_region")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], name=op.f("fk_pendamping_village_user_id_user_account"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pendamping_village")),
        sa.UniqueConstraint("user_id", "region_code", name=op.f("uq_pendamping_village_user_id_region_code")),
    )  # fmt: skip
    op.create_index(op.f("ix_pendamping_village_region_code"), "pendamping_village", ["region_code"], unique=False)
    op.create_index(op.f("ix_pendamping_village_user_id"), "pendamping_village", ["user_id"], unique=False)
    connection = op.get_bind()
    for column, kind, default, check, condition in VISIT_COLUMNS:
        not_null = f" NOT NULL DEFAULT '{default}'" if default is not None else ""
        connection.exec_driver_sql(
            f"ALTER TABLE visit ADD COLUMN {column} {kind}{not_null} CONSTRAINT ck_visit_{check} CHECK ({condition})"
        )
    if connection.dialect.name == "sqlite":
        added = "".join(f" OR NEW.{column} IS NOT OLD.{column}" for column, *_ in VISIT_COLUMNS)
        _rewrite_sqlite_trigger("finality_visit_update", _LAST_COMPARED, _LAST_COMPARED + added)
    _add_rules()


def downgrade() -> None:
    """Downgrade schema."""
    connection = op.get_bind()
    left = connection.exec_driver_sql("SELECT count(*) FROM user_account WHERE role = 'pendamping_pkh'").scalar_one()
    if left:
        raise RuntimeError(
            f"{left} pengguna masih berperan pendamping_pkh; ubah perannya atau hapus penggunanya dulu, lalu ulangi."
        )
    for role, resource, action in RULES:
        connection.execute(
            sa.text("DELETE FROM policy_rule WHERE ptype = 'p' AND subject = :role AND resource = :resource "
                    "AND action = :action"),
            {"role": role, "resource": resource, "action": action},
        )  # fmt: skip
    if connection.dialect.name == "sqlite":
        added = "".join(f" OR NEW.{column} IS NOT OLD.{column}" for column, *_ in VISIT_COLUMNS)
        _rewrite_sqlite_trigger("finality_visit_update", _LAST_COMPARED + added, _LAST_COMPARED)
    for column, *_ in reversed(VISIT_COLUMNS):  # SQLite drops a column with its own CHECK, not one a trigger names
        connection.exec_driver_sql(f"ALTER TABLE visit DROP COLUMN {column}")
    op.drop_index(op.f("ix_pendamping_village_user_id"), table_name="pendamping_village")
    op.drop_index(op.f("ix_pendamping_village_region_code"), table_name="pendamping_village")
    op.drop_table("pendamping_village")
    _replace_role_checks(ROLES_AFTER, ROLES_BEFORE)


def _add_rules() -> None:
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


def _replace_role_checks(before: Sequence[str], after: Sequence[str]) -> None:
    for name, old, new in (
        ("ck_user_account_role", _role_check(before), _role_check(after)),
        ("ck_user_account_role_matches_scope_level", _scope_check(before), _scope_check(after)),
    ):
        if op.get_bind().dialect.name != "sqlite":
            op.drop_constraint(op.f(name), "user_account", type_="check")
            op.create_check_constraint(op.f(name), "user_account", new)
        else:
            _replace_sqlite_table_sql(
                "user_account", f"CONSTRAINT {name} CHECK ({old})", f"CONSTRAINT {name} CHECK ({new})"
            )


def _rewrite_sqlite_trigger(name: str, old: str, new: str) -> None:
    connection = op.get_bind()
    sql = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,))
    text = sql.scalar_one()
    if text.count(old) != 1:
        raise RuntimeError(f"Trigger {name} tidak memuat perbandingan yang diharapkan: {old}")
    connection.exec_driver_sql(f"DROP TRIGGER {name}")
    connection.exec_driver_sql(text.replace(old, new))


def _replace_sqlite_table_sql(table: str, old: str, new: str) -> None:
    connection = op.get_bind()
    stored = connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    sql = stored.scalar_one()
    if sql.count(old) != 1:
        raise RuntimeError(f"Skema tabel {table} tidak memuat teks yang diharapkan: {old}")
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
