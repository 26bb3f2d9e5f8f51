"""The seed items once offered to the database (seed_record), so an upgrade adds only what is new.

Revision ID: e1f3a5c7b9d2
Revises: c4e6a8b0d2f4
Create Date: 2026-12-06 19:10:00.000000

`python -m console upgrade` (database/seed_sync.py) adds the access rules of policies/policy.csv and the step
targets' defaults that have no row in `seed_record`, and records them. This revision records, as already offered,
the seed of the release it ships with: the rules of alembic/seeds/policy_e1f3a5c7b9d2.csv (policies/policy.csv as
it was at this revision, frozen: a later release's new rules must stay new) and the twelve step targets c11b53d3aa39
seeded. So a rule of that seed an administrator removed stays removed, and a step target edited keeps its edit; a
database that never synced a rule of that seed keeps lacking it (`sync-policies` adds it, listing it).
Downgrade drops the record only; the rules and step targets stay as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from alembic import op
from policies.rules import read_seed

# revision identifiers, used by Alembic.
revision: str = "e1f3a5c7b9d2"
down_revision: str | Sequence[str] | None = "c4e6a8b0d2f4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FROZEN_RULES = Path(__file__).resolve().parent.parent / "seeds" / "policy_e1f3a5c7b9d2.csv"
# The statuses of c11b53d3aa39's DEFAULT_TARGETS (frozen: a migration never imports another).
STEP_TARGETS = (
    "draft", "in_musdes", "agreed", "visited", "verified", "submitted",
    "returned", "accepted", "in_decree", "ratified", "forwarded", "received",
)  # fmt: skip


def upgrade() -> None:
    seed_record = op.create_table(
        "seed_record",
        sa.Column("kind", sa.Enum("policy_rule", "step_target", name="seedkind", native_enum=False,
                                  create_constraint=True, length=11), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key", name=op.f("pk_seed_record")),
    )  # fmt: skip
    now = datetime.now(UTC)
    rules = dict.fromkeys(",".join(rule) for rule in read_seed(FROZEN_RULES))
    op.bulk_insert(
        seed_record,
        [{"kind": "policy_rule", "key": key, "recorded_at": now} for key in rules]
        + [{"kind": "step_target", "key": status, "recorded_at": now} for status in STEP_TARGETS],
    )


def downgrade() -> None:
    op.drop_table("seed_record")
