"""The scope indexes carry region_code on PostgreSQL, so a scoped list is counted from the index alone.

Revision ID: e8a0c2d4f6b8
Revises: d6f8b0c2e4a6
Create Date: 2026-12-02 19:30:00.000000

A list's count reads up to 10,001 rows of its scope (database/counting.py). PostgreSQL answers that from an
index without visiting the table only when the index holds every column the query names, and the condition
`substr(region_code, 1, n) = code` names region_code: with the (prefix, id) indexes of d6f8b0c2e4a6 each of the
10,001 entries was checked against its table row. On 1,000,000 households with 4,000,000 members, a regency's
member list spent most of its ~250 ms there (docs/BENCHMARKS.md). The indexes are rebuilt with
`INCLUDE (region_code)`. SQLite has no INCLUDE; its indexes stay as they are.
"""

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "e8a0c2d4f6b8"
down_revision: str | Sequence[str] | None = "d6f8b0c2e4a6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here, as in d6f8b0c2e4a6: the scoped tables and the tiers' code lengths.
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


def _rebuild(include: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SCOPED_TABLES:
        for tier, length in TIERS.items():
            op.execute(f"DROP INDEX ix_{table}_{tier}_scope")
            op.execute(
                f"CREATE INDEX ix_{table}_{tier}_scope ON {table} (substr(region_code, 1, {length}), id){include}"
            )


def upgrade() -> None:
    _rebuild(" INCLUDE (region_code)")


def downgrade() -> None:
    _rebuild("")
