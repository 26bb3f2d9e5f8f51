"""Seed the casbin access rules when policy_rule is empty, so a bare `alembic upgrade head` gives a console that works

Before this, only `python -m console migrate` seeded the rules; a database built with plain alembic had an
empty policy_rule and the console refused every page without saying why (issue 9). The rules come from
policies/policy.csv as it is at upgrade time, and only into an empty table: rules an administrator edited
are never touched, and rules a later release adds reach an existing database through `sync-policies`.

Revision ID: 5eed9a11c0de
Revises: c11b53d3aa39
Create Date: 2026-12-01 09:00:00.000000

"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op
from policies.rules import read_seed

# revision identifiers, used by Alembic.
revision: str = "5eed9a11c0de"
down_revision: str | Sequence[str] | None = "c11b53d3aa39"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The columns this migration writes, as they are at this revision (not the model, which may change later).
policy_rule = sa.table(
    "policy_rule",
    sa.column("ptype", sa.String),
    sa.column("subject", sa.String),
    sa.column("resource", sa.String),
    sa.column("action", sa.String),
)


def upgrade() -> None:
    held = op.get_bind().execute(sa.select(sa.func.count()).select_from(policy_rule)).scalar_one()
    if held:
        return
    rules = dict.fromkeys(read_seed())  # the unique constraint allows each rule once
    op.bulk_insert(
        policy_rule,
        [
            {"ptype": "p", "subject": subject, "resource": resource, "action": action}
            for subject, resource, action in rules
        ],
    )


def downgrade() -> None:
    # The rules stay: an administrator may have edited them since; the table itself goes with 67809650fbf9.
    pass
