"""How the tables would lie on a distributed engine (Citus, docs/SCALING.md): the one place that says it.

Every table belongs to exactly one of three kinds, and tests/models/test_distribution.py holds the schema to the
rules that keep the move possible:

- **by regency**: the register and everything hung on it, distributed by the regency code, so one district
  office's day is one node's work;
- **reference**: few rows read everywhere, copied to every node (regions, accounts, access rules, step targets,
  PMT models, decrees: a ministry decree links proposals of every regency);
- **by own key**: distributed by their own key and joined to no table distributed by regency: the national
  numbers' lookup tables (models/national_numbers.py), login sessions and attempts, the tallies' transaction
  marks.

The schema does not meet every rule yet. What is still missing is listed below, item by item, and the test
checks both ways: a new gap fails it, and so does a closed gap still listed here, so the list is always the
work left (docs/SCALING.md, "Where the schema stands today", gives the order).
"""

from __future__ import annotations

REGENCY_COLUMN = "regency_code"

BY_REGENCY = frozenset(
    {
        "audit_entry",
        "certificate",
        "certificate_approval",
        "complaint",
        "decree_annex_row",
        "decree_proposal",
        "household",
        "household_period",
        "household_tally",
        "meeting",
        "meeting_decision",
        "meeting_participant",
        "member",
        "pmt_result",
        "proposal",
        "proposal_history",
        "proposal_tally",
        "tally_delta",
        "visit",
    }
)
REFERENCE = frozenset(
    {"decree", "pmt_model", "pmt_weight", "policy_rule", "policy_state", "region", "step_target", "user_account"}
)
BY_OWN_KEY = {
    "household_kk": "no_kk",
    "login_attempt": "id",
    "member_nik": "nik",
    "tally_pending": "xact",
    "user_session": "token_hash",
}

# Gaps still open. Rows a child holds without a region code of its own (its parent's is reached by a join):
WITHOUT_REGION_CODE = frozenset({"decree_proposal"})
# Foreign keys between two tables distributed by regency that do not carry the regency code yet (table.column):
FOREIGN_KEYS_WITHOUT_REGENCY = frozenset(
    {
        "certificate.household_id",
        "certificate_approval.certificate_id",
        "decree_annex_row.proposal_id",
        "decree_proposal.proposal_id",
        "household_period.household_id",
        "meeting_decision.meeting_id",
        "meeting_decision.proposal_id",
        "meeting_participant.meeting_id",
        "member.household_id",
        "pmt_result.household_id",
        "proposal.household_id",
        "proposal_history.proposal_id",
        "visit.household_id",
        "visit.proposal_id",
    }
)
# Tables distributed by regency whose primary key or a unique constraint or index leaves the regency code out:
UNIQUE_WITHOUT_REGENCY = frozenset(BY_REGENCY)


def kind_of(table: str) -> str:
    """'by regency', 'reference' or 'by own key'; KeyError for a table no one has placed yet."""
    if table in BY_REGENCY:
        return "by regency"
    if table in REFERENCE:
        return "reference"
    if table in BY_OWN_KEY:
        return "by own key"
    raise KeyError(f"{table} is not placed in models/distribution.py")
