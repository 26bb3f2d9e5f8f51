"""The last line for text on every write path: a flush never stores what models/text.py refuses.

Forms, the console's pages, the BNBA import and the CLI check their fields first and name them in their
messages; this before_flush hook (attached to the session factory by chain/write_path.py) catches whatever
reaches a flush another way (a script, a future path). It matters most on SQLite, which stores a
VARCHAR(16) of 17 characters and a NUL byte without complaint (PostgreSQL refuses both, but with a driver
error instead of a message).

A Core bulk insert (the BNBA import's confirmation) becomes no object a flush could see: it asks
`refuse_unstorable_rows` of the rows it is about to write, the same rules on the same columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from itertools import chain
from typing import Any

from sqlalchemy import Table, inspect
from sqlalchemy.orm import Session

from models.text import TextRefused, TextRule, column_key, rule_for

# Bookkeeping, not records: their values come from the server (an IP, a browser's User-Agent, a hash).
UNCHECKED_TABLES = frozenset({"audit_entry", "user_session", "login_attempt", "policy_state"})


def _changed_text(obj: Any) -> Iterator[tuple[str, list[str]]]:
    """(column key, problems) for each refused text value this flush would write on `obj`."""
    state = inspect(obj)
    for attribute in state.mapper.column_attrs:
        column = attribute.columns[0]
        rule = rule_for(column) if column.table is not None else None
        if rule is None:
            continue
        for value in state.attrs[attribute.key].history.added:
            if isinstance(value, str):
                problems = rule.problems(value)
                if problems:
                    yield column_key(column), problems


def refuse_unstorable_text(session: Session, _context: Any, _instances: Any) -> None:
    for obj in chain(session.new, session.dirty):
        if inspect(obj).mapper.local_table.name in UNCHECKED_TABLES:
            continue
        for key, problems in _changed_text(obj):
            raise _refusal(key, problems)


@cache
def _text_rules(table: Table) -> dict[str, tuple[str, TextRule]]:
    """column name -> (column key, rule) of the text columns of `table`."""
    return {
        column.name: (column_key(column), rule) for column in table.columns if (rule := rule_for(column)) is not None
    }


def refuse_unstorable_rows(table: Table, rows: Iterable[dict[str, Any]]) -> None:
    """TextRefused for the first text value of `rows` (column name -> value, as a Core INSERT of `table` takes
    them) that its column refuses."""
    rules = _text_rules(table)
    for row in rows:
        for name, value in row.items():
            if isinstance(value, str) and name in rules:
                key, rule = rules[name]
                if problems := rule.problems(value):
                    raise _refusal(key, problems)


def _refusal(key: str, problems: list[str]) -> TextRefused:
    return TextRefused(f"{key}: {' '.join(problems)}")
