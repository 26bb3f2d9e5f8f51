"""Rule 3 of docs/SCALING.md over the statements the suite sends: two tables kept by regency are joined only on
the id and the regency code (models/base.regency_join), so a distributed engine runs the join on one node.

A listener on every engine reads each statement the console compiles (ORM statements with their eager loads,
Core statements, the set-based batch work) and notes every equality between columns of two such tables, in a
JOIN's ON or in a WHERE (a correlated EXISTS is a join too): a pair of tables compared on anything without also
comparing their regency codes is a join Citus could not push down. tests/conftest.py fails the test during which
the console sent one, naming the columns and the project line that sent it; a test's own queries are not the
console's and are let through. Text statements (the migrations, raw SQL) are not parsed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Table, event
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression

from models.distribution import KEYED_BY_REGENCY, REGENCY_COLUMN

PROJECT_DIR = Path(__file__).resolve().parent.parent
_verdicts: dict[str, list[str]] = {}  # statement text -> its joins on the id alone (a statement compiles once)
sent: list[str] = []  # what the running test sent, with where it came from


def _table(from_object: Any) -> Any:
    while not isinstance(from_object, Table) and hasattr(from_object, "element"):
        from_object = from_object.element  # an alias of a table
    return from_object


def _kept_by_regency(column: Column[Any]) -> bool:
    table = _table(column.table)
    return isinstance(table, Table) and table.name in KEYED_BY_REGENCY


def joins_without_the_regency_code(statement: Any) -> list[str]:
    """Each pair of tables kept by regency that `statement` compares without comparing their regency codes."""
    compared: dict[frozenset[Any], list[str]] = {}
    on_regency: set[frozenset[Any]] = set()
    for node in visitors.iterate(statement):
        if not (isinstance(node, BinaryExpression) and node.operator is operators.eq):
            continue
        left, right = node.left, node.right
        if not (isinstance(left, Column) and isinstance(right, Column)) or left.table is right.table:
            continue
        if left.table is None or right.table is None or not (_kept_by_regency(left) and _kept_by_regency(right)):
            continue
        pair = frozenset((left.table, right.table))
        if left.name == REGENCY_COLUMN and right.name == REGENCY_COLUMN:
            on_regency.add(pair)
        else:
            compared.setdefault(pair, []).append(
                f"{_table(left.table).name}.{left.name} = {_table(right.table).name}.{right.name}"
            )
    return [" AND ".join(conditions) for pair, conditions in compared.items() if pair not in on_regency]


def _statement_of(context: Any) -> Any:
    compiled = getattr(context, "compiled", None)
    if compiled is None:
        return None
    state = getattr(compiled, "compile_state", None)  # an ORM statement with its eager loads
    statement = getattr(state, "statement", None)
    return compiled.statement if statement is None else statement


def _sender() -> str | None:
    """The innermost project line on the stack (`path:line`); None when it is a test's own query."""
    frame = sys._getframe(1)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if PROJECT_DIR in path.parents and ".venv" not in path.parts:
            where = path.relative_to(PROJECT_DIR)
            return None if where.parts[0] == "tests" else f"{where}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def _check(_connection: Any, _cursor: Any, text: str, _parameters: Any, context: Any, _many: bool) -> None:
    if text not in _verdicts:
        statement = _statement_of(context)
        _verdicts[text] = joins_without_the_regency_code(statement) if statement is not None else []
    if (found := _verdicts[text]) and (sender := _sender()) is not None:
        sent.extend(f"{join} (sent by {sender})" for join in found)


def install() -> None:
    event.listen(Engine, "before_cursor_execute", _check)


def taken() -> Iterator[str]:
    """What the running test sent, emptied."""
    while sent:
        yield sent.pop(0)
