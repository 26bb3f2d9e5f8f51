"""PostgreSQL: a signed decree's links and annex rows are guarded once per statement, not once per row.

Revision ID: d3f5a7b9c1e3
Revises: c9e1a3b5d7f9
Create Date: 2026-12-03 06:40:00.000000

The finality rule for `decree_proposal` (alembic 3f1e2d4c5b6a) and `decree_annex_row` (8d2c6b1a9e47) is
unchanged: a link may not be added to, moved from or taken out of a decree signed before this transaction, and a
signed decree's annex row is never changed nor deleted (an unsigned decree's may be deleted). It ran as a row
trigger, one query of the decree per row: the SK Penetapan of a million proposals writes a million links and
about four million annex rows, and the annex took 27 s instead of 12 s at 100,000 households with the triggers
on (docs/BENCHMARKS.md). Here the same checks run once per statement over its transition tables, as the period
tables' rule already does, with the same messages (console/errors.py reads their markers). SQLite keeps its row
triggers (it has no statement triggers).
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d3f5a7b9c1e3"
down_revision: str | Sequence[str] | None = "c9e1a3b5d7f9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen from 3f1e2d4c5b6a and 8d2c6b1a9e47.
DECREE_FIXED = "SK yang sudah ditandatangani beserta lampirannya tidak dapat diubah [finality:decree]"
ANNEX_FIXED = "Lampiran SK yang sudah ditandatangani tidak dapat diubah [finality:decree]"
EVENTS = {  # event -> its transition tables
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _raise(message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = '{message}';"


def _signed_before(rows: str) -> str:
    """Whether a row of `rows` names a decree signed before this transaction (finality_decree_signed)."""
    return (
        f"EXISTS (SELECT 1 FROM (SELECT DISTINCT decree_id FROM {rows}) r JOIN decree d ON d.id = r.decree_id "
        "WHERE d.signed_at IS NOT NULL AND NOT finality_written_here(d.xmin))"
    )


def _when(events: str, condition: str, message: str) -> str:
    # Nested: PL/pgSQL plans an IF's whole condition, and a transition table the event lacks does not exist.
    return f"IF TG_OP IN ({events}) THEN IF {condition} THEN {_raise(message)} END IF; END IF;"


def _signed_ever(rows: str) -> str:
    """Whether a row of `rows` names a signed decree, signed by this transaction or before."""
    return (
        f"EXISTS (SELECT 1 FROM (SELECT DISTINCT decree_id FROM {rows}) r JOIN decree d ON d.id = r.decree_id "
        "WHERE d.signed_at IS NOT NULL)"
    )


LINKS = f"""CREATE FUNCTION finality_decree_links() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    {_when("'UPDATE', 'DELETE'", _signed_before("old_rows"), DECREE_FIXED)}
    {_when("'INSERT', 'UPDATE'", _signed_before("new_rows"), DECREE_FIXED)}
    RETURN NULL; END $$"""
ANNEX_ROWS = f"""CREATE FUNCTION finality_annex_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
    {_when("'INSERT'", _signed_before("new_rows"), ANNEX_FIXED)}
    {_when("'UPDATE'", "EXISTS (SELECT 1 FROM new_rows)", ANNEX_FIXED)}
    {_when("'DELETE'", _signed_ever("old_rows"), ANNEX_FIXED)}
    RETURN NULL; END $$"""
# table -> (row trigger and its function, as 3f1e2d4c5b6a / 8d2c6b1a9e47 made them; the statement function)
TABLES = {
    "decree_proposal": ("finality_annex_decree_proposal", "finality_annex", "finality_decree_links"),
    "decree_annex_row": ("finality_annex_row_decree_annex_row", "finality_annex_row", "finality_annex_rows"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(LINKS)
    op.execute(ANNEX_ROWS)
    for table, (row_trigger, _row_function, function) in TABLES.items():
        op.execute(f"DROP TRIGGER {row_trigger} ON {table}")
        for event, tables in EVENTS.items():
            op.execute(
                f"CREATE TRIGGER {function}_{table}_{event} AFTER {event.upper()} ON {table} "
                f"REFERENCING {tables} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (row_trigger, row_function, function) in TABLES.items():
        for event in EVENTS:
            op.execute(f"DROP TRIGGER {function}_{table}_{event} ON {table}")
        op.execute(
            f"CREATE TRIGGER {row_trigger} BEFORE INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {row_function}()"
        )
        op.execute(f"DROP FUNCTION {function}()")
