"""How many rows a list holds, without scanning a national table for every page.

A list page needs its count for "1-10 of N" and the page links. Counted exactly, a province's households are
half a million rows read on every page. Here the count is exact when it is cheap: the rows are counted up to
`EXACT_UP_TO` (one index range, stopped at the bound) and, below it, that is the count. Above it, PostgreSQL
gives its planner's estimate for the same query (EXPLAIN, no rows read), marked as an estimate so the page
says "sekitar"; SQLite (one office's register, never national) counts exactly.

The ORDER BY of the list is dropped first: it changes no count, and sorting every matching row just to count
them was most of a national page's time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import Session

EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class RowCount:
    """A list's number of rows; `exact` False when it is the planner's estimate (shown as "sekitar")."""

    rows: int
    exact: bool = True


def count_rows(session: Session, statement: Select[Any], *, exact_up_to: int = EXACT_UP_TO) -> RowCount:
    """The rows `statement` selects: exact up to `exact_up_to`, beyond it exact on SQLite and estimated on
    PostgreSQL (never less than the bound already counted)."""
    unordered = _columns_dropped(statement.order_by(None))
    bounded = session.scalar(bounded_count(statement, exact_up_to)) or 0
    if bounded <= exact_up_to:
        return RowCount(bounded)
    if session.get_bind().dialect.name != "postgresql":
        return RowCount(session.scalar(select(func.count()).select_from(unordered.subquery())) or 0)
    return RowCount(max(planner_estimate(session, unordered), bounded), exact=False)


def bounded_count(statement: Select[Any], exact_up_to: int = EXACT_UP_TO) -> Select[Any]:
    """The count of `statement`'s rows, stopped after `exact_up_to + 1`: no ORDER BY, a constant for columns."""
    unordered = _columns_dropped(statement.order_by(None))
    return select(func.count()).select_from(unordered.limit(exact_up_to + 1).subquery())


def _columns_dropped(statement: Select[Any]) -> Select[Any]:
    """`statement` selecting a constant from the same rows: counted, the rows need not be read for their columns
    (PostgreSQL keeps a LIMITed subquery's columns, so counting `SELECT member.*` fetched every row from the heap
    instead of reading the index only). A DISTINCT or GROUP BY statement is kept as it is: its columns count."""
    if getattr(statement, "_distinct", False) or getattr(statement, "_group_by_clauses", ()):
        return statement
    return statement.with_only_columns(literal_column("1"), maintain_column_froms=True)


def planner_estimate(session: Session, statement: Select[Any]) -> int:
    """PostgreSQL's estimate of the rows `statement` returns (EXPLAIN: planned, not run), its values bound."""
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    plan = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {compiled}", compiled.params).scalar_one()
    document: list[dict[str, Any]] = json.loads(plan) if isinstance(plan, str) else plan
    return int(document[0]["Plan"]["Plan Rows"])
