"""Indexes that serve a scoped list at every tier, and a trigram index on the head's name.

Revision ID: d6f8b0c2e4a6
Revises: c5e7a9b1d3f2
Create Date: 2026-12-02 16:30:00.000000

A province's, regency's or kecamatan's list asked `code. <= region_code < code/` and sorted by id: the planner
either sorted every row of the region or walked the primary key backwards discarding the other regions' rows
(500,758 rows discarded for one regency's first page of 1,000,000 households), and which of the two it chose
moved with its statistics sample. The scope condition now compares the region code's prefix of the tier's
length (models/region.within_region), and each scoped table gets one (prefix, id) index per tier above the
village (models/base.scope_indexes), so a page reads its rows from an index in order on both engines.
The household list's name search (ILIKE on head_name) gets the trigram index the member's name already has.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "d6f8b0c2e4a6"
down_revision: str | Sequence[str] | None = "c5e7a9b1d3f2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the scoped tables (models/ uses scope_indexes on each) and the tiers' code lengths.
SCOPED_TABLES = (
    "household",
    "member",
    "proposal",
    "visit",
    "audit_entry",
    "pmt_result",
    "household_period",
    "meeting",
    "certificate",
    "complaint",
    "decree",
)
TIERS = {"province": 2, "regency": 5, "kecamatan": 8}


def upgrade() -> None:
    for table in SCOPED_TABLES:
        for tier, length in TIERS.items():
            op.execute(f"CREATE INDEX ix_{table}_{tier}_scope ON {table} (substr(region_code, 1, {length}), id)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_household_head_name_trgm ON household USING gin (head_name gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_household_head_name_trgm")
    for table in SCOPED_TABLES:
        for tier in TIERS:
            op.execute(f"DROP INDEX ix_{table}_{tier}_scope")
