"""PostgreSQL: a ranking result of a period whose SK Penetapan is signed is fixed, as the PMT results are.

Revision ID: f1b3d5e7a9c2
Revises: e7a9c1d3f5b8
Create Date: 2026-12-03 15:00:00.000000

The statement triggers of alembic 3f1e2d4c5b6a (`finality_period_rows()`, over the transition tables) guard
`pmt_result` and `household_period`; `ranking_result` gets the same three, so no INSERT, UPDATE or DELETE the app's
role sends can touch a result of a determined period (models/finality_rows.py says the same on every flush). SQLite
keeps the flush guard alone for period rows, as it does for the other two tables.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "f1b3d5e7a9c2"
down_revision: str | Sequence[str] | None = "e7a9c1d3f5b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "ranking_result"
REFERENCES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event, reference in REFERENCES.items():
        op.execute(
            f"CREATE TRIGGER finality_period_rows_{TABLE}_{event} AFTER {event.upper()} ON {TABLE} "
            f"REFERENCING {reference} FOR EACH STATEMENT EXECUTE FUNCTION finality_period_rows()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for event in REFERENCES:
        op.execute(f"DROP TRIGGER finality_period_rows_{TABLE}_{event} ON {TABLE}")
