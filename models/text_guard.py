"""The last line for text on every write path: a flush never stores what models/text.py refuses.

Forms, the console's pages, the BNBA import and the CLI check their fields first and name them in their
messages; this before_flush hook (attached to the session factory by chain/write_path.py) catches whatever
reaches a flush another way (a script, a future path). It matters most on SQLite, which stores a
VARCHAR(16) of 17 characters and a NUL byte without complaint (PostgreSQL refuses both, but with a driver
error instead of a message).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from models.text import TextRefused, column_key, rule_for

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
            raise TextRefused(f"{key}: {' '.join(problems)}")
