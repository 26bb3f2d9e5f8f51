"""Row ids in URLs and pickers: a malformed or impossible id names no row, so it answers 404, never a 500.

sqladmin turns `/{identity}/details/{pk:path}` into a query with `int(pk)` (a ValueError for "abc" or "1.5")
and hands any text to the database; a number past 64 bits overflows SQLite's driver, a NUL byte makes
PostgreSQL refuse the statement. Here an id is checked against its primary key's column before any query:
integers are 1-18 ASCII digits (Python's int() also takes " 7", "1_000" and Arabic-Indic digits), text keys
obey the column's text rule (models/text.py: length, no control characters).
"""

from __future__ import annotations

import re
from typing import Any

from sqladmin.helpers import get_column_python_type, get_primary_keys, object_identifier_values
from starlette.convertors import IntegerConvertor, register_url_convertor

from models.text import rule_for

# 18 digits stay below 2**63 - 1, the largest integer both engines store (and SQLite's driver accepts).
ROW_ID = re.compile(r"[0-9]{1,18}")


def identifier_values(model: type, identifier: str) -> tuple[Any, ...] | None:
    """The primary key values `identifier` names (sqladmin's form, `a;b` for composite keys), or None."""
    try:
        values = object_identifier_values(identifier, model)
    except (TypeError, ValueError):
        return None
    columns = get_primary_keys(model)
    if len(values) != len(columns):
        return None
    parts = identifier.split(";") if len(columns) > 1 else [identifier]
    for column, value, part in zip(columns, values, parts, strict=False):
        if not _possible(column, value, part):
            return None
    return tuple(values)


def _possible(column: Any, value: Any, part: str) -> bool:
    python_type = get_column_python_type(column)
    if issubclass(python_type, int) and not issubclass(python_type, bool):
        return ROW_ID.fullmatch(part) is not None
    if isinstance(value, str):
        rule = rule_for(column)
        return rule is None or not rule.problems(value)
    return True


class RowIdConvertor(IntegerConvertor):
    """`{pk:int}` in the console's own routes: at most 18 digits, so no path reaches a query it would overflow."""

    regex = "[0-9]{1,18}"


def install_row_id_convertor() -> None:
    """Make `{name:int}` in routes built from now on match only possible row ids (longer ones answer 404).

    Every `:int` path parameter of this application names a row; Starlette reads the convertor when a route
    is built, so this runs before the views are added.
    """
    register_url_convertor("int", RowIdConvertor())
