"""A scoped list page reads its rows from an index in order: the scope condition spells a tier's prefix of the
region code as the scope indexes do (models/base.scope_indexes, models/region.within_region), on both engines.

An expression index serves a query only when the query spells the expression the same way; a change to one
spelling and not the other would silently bring back the walk over every other region's rows.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, Select, Table, select, text

from database.counting import bounded_count
from models.base import SCOPE_PREFIXES, Base
from policies.scope import Scope

SCOPED_TABLES = sorted(
    table.name for table in Base.metadata.sorted_tables if any(i.name.endswith("_scope") for i in table.indexes)
)
# Regions no test loads rows into: a region the statistics call rare, as a province among 38 is at national scale.
CODES = {"province": "19", "regency": "19.71", "kecamatan": "19.71.01"}


def test_every_tier_above_the_village_has_its_scope_index() -> None:
    assert set(CODES) == set(SCOPE_PREFIXES)
    assert {"household", "member", "proposal", "visit", "audit_entry"} <= set(SCOPED_TABLES)
    for name in SCOPED_TABLES:
        indexes = {index.name for index in Base.metadata.tables[name].indexes}
        assert {f"ix_{name}_{tier}_scope" for tier in SCOPE_PREFIXES} <= indexes, name


def _page(table: Table, code: str) -> Select[Any]:
    return select(table.c.id).where(Scope(code).condition(table.c.region_code)).order_by(table.c.id.desc()).limit(25)


def _plan(engine: Engine, table: Table, statement: Select[Any]) -> str:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # On a near-empty test table every plan costs the same, and the planner may walk the primary key
            # backwards filtering each row: that choice depends on whether autovacuum has analysed the table. The
            # key is dropped for this transaction only (rolled back as the connection closes), so the plan shows
            # whether the scope condition can use its index, whatever the statistics.
            connection.execute(text(f"ALTER TABLE {table.name} DROP CONSTRAINT pk_{table.name} CASCADE"))
            # A small test table is cheaper to scan; forbid that to see which index the condition can use.
            connection.execute(text("SET LOCAL enable_seqscan = off"))
            connection.execute(text("SET LOCAL enable_sort = off"))
            connection.execute(text("SET LOCAL enable_bitmapscan = off"))
        explain = "EXPLAIN " if connection.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        rows = connection.exec_driver_sql(
            explain + str(statement.compile(connection, compile_kwargs={"literal_binds": True}))
        )
        return "\n".join(" ".join(str(value) for value in row) for row in rows)


@pytest.mark.parametrize("name", SCOPED_TABLES)
@pytest.mark.parametrize("tier", sorted(CODES))
def test_a_scoped_page_reads_its_tiers_index_in_order(engine: Engine, name: str, tier: str) -> None:
    table = Base.metadata.tables[name]
    plan = _plan(engine, table, _page(table, CODES[tier]))

    assert f"ix_{name}_{tier}_scope" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan  # the index gives the order: no sort


@pytest.mark.parametrize("name", SCOPED_TABLES)
def test_a_scoped_list_is_counted_from_its_tiers_index_alone(engine: Engine, name: str) -> None:
    """The bounded count reads index entries only: on PostgreSQL the index carries the region code its
    expression names (INCLUDE), or each of the 10,001 entries counted would be checked against its table row."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no INCLUDE; one office's register is counted exactly either way")
    table = Base.metadata.tables[name]
    for tier, code in CODES.items():
        plan = _plan(engine, table, bounded_count(_page(table, code).limit(None)))
        assert f"Index Only Scan using ix_{name}_{tier}_scope" in plan, plan
