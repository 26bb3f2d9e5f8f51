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

Every table distributed by regency carries the regency code as a plain column (models/base.RegencyScoped keeps
it; a decree's link copies its proposal's; the tallies' triggers write it), and on PostgreSQL every key of those
tables includes it (`keep_regency_in_keys`, below). The gap lists below say what is still missing, item by item
(nothing, today), and the test checks both ways: a new gap fails it, and so does a closed gap still listed here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import DDL, ForeignKeyConstraint, Index, MetaData, Table, UniqueConstraint, event

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
        "programme_membership",
        "programme_review",
        "proposal",
        "proposal_history",
        "proposal_resubmission",
        "proposal_tally",
        "ranking_result",
        "request_evidence",
        "resident_request",
        "tally_delta",
        "visit",
    }
)
REFERENCE = frozenset(
    {
        "decree",
        "decree_review",
        "office_profile",
        "office_signer",
        "pendamping_village",
        "pmt_model",
        "pmt_weight",
        "policy_rule",
        "programme",
        "programme_band",
        "policy_state",
        "proposal_window",
        "ranking_import",
        "region",
        "seed_record",
        "step_target",
        "user_account",
    }
)
BY_OWN_KEY = {
    "household_kk": "no_kk",
    "login_attempt": "id",
    "member_nik": "nik",
    "tally_pending": "xact",
    "user_session": "token_hash",
}

# Gaps still open: none. Tables distributed by regency without the regency code column (the tallies were the last,
# alembic e5a7c9d1f3b5):
WITHOUT_REGENCY_CODE: frozenset[str] = frozenset()
# Foreign keys between two tables distributed by regency that do not carry the regency code (table.column), on
# PostgreSQL (SQLite keeps its single-column links, see below):
FOREIGN_KEYS_WITHOUT_REGENCY: frozenset[str] = frozenset()
# Tables distributed by regency whose primary key or a unique constraint or index leaves the regency code out, on
# PostgreSQL:
UNIQUE_WITHOUT_REGENCY: frozenset[str] = frozenset()


def kind_of(table: str) -> str:
    """'by regency', 'reference' or 'by own key'; KeyError for a table no one has placed yet."""
    if table in BY_REGENCY:
        return "by regency"
    if table in REFERENCE:
        return "reference"
    if table in BY_OWN_KEY:
        return "by own key"
    raise KeyError(f"{table} is not placed in models/distribution.py")


# --- PostgreSQL's keys for tables distributed by regency ------------------------------------------
#
# Citus accepts a primary key, unique constraint or foreign key between distributed tables only when it includes
# the distribution column. PostgreSQL therefore gets, for every table keyed by regency, its primary key and unique
# keys with `regency_code` added and its links to other such tables on (<parent>_id, regency_code); SQLite, never
# distributed, keeps the single-column keys its first schema made (changing them there would rebuild every table).
# The ORM's relationships are configured on the single-column links before the PostgreSQL twins are added, so they
# keep joining and loading on the id; `id` stays the ORM's identity (URLs, session.get).

KEYED_BY_REGENCY = BY_REGENCY - WITHOUT_REGENCY_CODE


def _on(dialect: str, item: Any) -> Any:
    item.info["only_dialect"] = dialect
    return item.ddl_if(dialect=dialect)


def postgresql_primary_key(table: Table) -> tuple[str, ...]:
    """The primary key PostgreSQL gives a table: with the regency code for a table kept by regency."""
    columns = tuple(column.name for column in table.primary_key.columns)
    return (*columns, REGENCY_COLUMN) if table.name in KEYED_BY_REGENCY else columns


def _keep_regency_in_keys(table: Table) -> None:
    primary_key = ", ".join(postgresql_primary_key(table))
    name = table.primary_key.name
    swap = f"ALTER TABLE {table.name} DROP CONSTRAINT {name}, ADD CONSTRAINT {name} PRIMARY KEY ({primary_key})"
    event.listen(table, "after_create", DDL(swap).execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]
    for constraint in list(table.constraints):
        if not isinstance(constraint, UniqueConstraint | ForeignKeyConstraint):
            continue
        columns = [column.name for column in constraint.columns]
        if isinstance(constraint, UniqueConstraint) and constraint.info.get("only_dialect") is None:
            _on("sqlite", constraint)
            table.append_constraint(_on("postgresql", UniqueConstraint(*columns, REGENCY_COLUMN, name=constraint.name)))
        elif isinstance(constraint, ForeignKeyConstraint) and constraint.referred_table.name in KEYED_BY_REGENCY:
            (column,) = columns
            parent = constraint.referred_table
            ondelete = f"SET NULL ({column})" if constraint.ondelete == "SET NULL" else constraint.ondelete
            _on("sqlite", constraint)
            link = ForeignKeyConstraint(
                [column, REGENCY_COLUMN],
                [parent.c.id, parent.c[REGENCY_COLUMN]],
                ondelete=ondelete,
                name=constraint.name,
            )
            table.append_constraint(_on("postgresql", link))
    for index in list(table.indexes):
        if index.unique and index.info.get("only_dialect") is None:
            _on("sqlite", index)
            regency = table.c[REGENCY_COLUMN]
            _on("postgresql", Index(index.name, *index.expressions, regency, unique=True, **index.dialect_kwargs))


def keep_regency_in_keys(metadata: MetaData) -> None:
    """Give every table kept by regency its PostgreSQL keys (see above); run once, after the mappers are set up."""
    for name in sorted(KEYED_BY_REGENCY):
        _keep_regency_in_keys(metadata.tables[name])
