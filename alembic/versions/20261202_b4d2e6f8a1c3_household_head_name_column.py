"""The head's name on the household row: a real, indexed, sortable column kept in step by the database.

Revision ID: b4d2e6f8a1c3
Revises: a7c3e5f1d2b4
Create Date: 2026-12-02 11:00:00.000000

Until now "Kepala keluarga" on the household list was a Python property over the loaded members: the list
loaded every member of the page's households, and could not be sorted or searched by the head's name. The
column is filled from the members here and kept by triggers on `member` (insert, a change of name, relationship
or household, delete) on both engines, so every writer (forms, the BNBA import, bulk SQL) keeps it right. A
household without a head (only while its first member is being added) holds ''.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "b4d2e6f8a1c3"
down_revision: str | Sequence[str] | None = "a7c3e5f1d2b4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HEAD = "kepala_keluarga"  # models/member.py FamilyRelation.HEAD, frozen here
HEAD_OF = f"COALESCE((SELECT m.name FROM member m WHERE m.household_id = {{id}} AND m.family_relation = '{HEAD}'), '')"

_POSTGRESQL = [
    f"""CREATE FUNCTION household_head_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE household SET head_name = {HEAD_OF.format(id="OLD.household_id")} WHERE id = OLD.household_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        UPDATE household SET head_name = {HEAD_OF.format(id="NEW.household_id")} WHERE id = NEW.household_id;
    END IF;
    RETURN NULL;
END $$""",
    f"""CREATE TRIGGER member_head_name_insert AFTER INSERT ON member FOR EACH ROW
    WHEN (NEW.family_relation = '{HEAD}') EXECUTE FUNCTION household_head_name()""",
    f"""CREATE TRIGGER member_head_name_update AFTER UPDATE OF name, family_relation, household_id ON member
    FOR EACH ROW WHEN (OLD.family_relation = '{HEAD}' OR NEW.family_relation = '{HEAD}')
    EXECUTE FUNCTION household_head_name()""",
    f"""CREATE TRIGGER member_head_name_delete AFTER DELETE ON member FOR EACH ROW
    WHEN (OLD.family_relation = '{HEAD}') EXECUTE FUNCTION household_head_name()""",
]
_SQLITE = [
    f"""CREATE TRIGGER member_head_name_insert AFTER INSERT ON member WHEN NEW.family_relation = '{HEAD}'
    BEGIN UPDATE household SET head_name = NEW.name WHERE id = NEW.household_id; END""",
    f"""CREATE TRIGGER member_head_name_update AFTER UPDATE OF name, family_relation, household_id ON member
    WHEN OLD.family_relation = '{HEAD}' OR NEW.family_relation = '{HEAD}'
    BEGIN
        UPDATE household SET head_name = {HEAD_OF.format(id="OLD.household_id")} WHERE id = OLD.household_id;
        UPDATE household SET head_name = {HEAD_OF.format(id="NEW.household_id")} WHERE id = NEW.household_id;
    END""",
    f"""CREATE TRIGGER member_head_name_delete AFTER DELETE ON member WHEN OLD.family_relation = '{HEAD}'
    BEGIN
        UPDATE household SET head_name = {HEAD_OF.format(id="OLD.household_id")} WHERE id = OLD.household_id;
    END""",
]
TRIGGERS = ("member_head_name_insert", "member_head_name_update", "member_head_name_delete")


def upgrade() -> None:
    op.add_column("household", sa.Column("head_name", sa.String(length=120), nullable=False, server_default=""))
    op.execute(f"UPDATE household SET head_name = {HEAD_OF.format(id='household.id')}")
    op.create_index(op.f("ix_household_head_name"), "household", ["head_name"], unique=False)
    for statement in _POSTGRESQL if op.get_bind().dialect.name == "postgresql" else _SQLITE:
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger in TRIGGERS:
        op.execute(f"DROP TRIGGER {trigger} ON member" if postgresql else f"DROP TRIGGER {trigger}")
    if postgresql:
        op.execute("DROP FUNCTION household_head_name()")
    op.drop_index(op.f("ix_household_head_name"), table_name="household")
    # Both engines drop a column in place (SQLite since 3.35): no table rebuild, whose DROP TABLE would cascade.
    op.execute("ALTER TABLE household DROP COLUMN head_name")
