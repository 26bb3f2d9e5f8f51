"""A deep page of a list found by its keys first, so OFFSET skips index entries instead of whole rows.

`ORDER BY id DESC LIMIT 25 OFFSET 124975` reads and throws away 124,975 rows: every one is fetched from the
table before it is skipped. Asked as `... WHERE id IN (SELECT id ... LIMIT 25 OFFSET 124975) ORDER BY id DESC`,
the skipping happens inside the inner query, which PostgreSQL answers from an index alone (the primary key, or
a scope index that carries the region code: models/base.scope_indexes); only the 25 rows shown are read.
The outer statement keeps every condition of the list (its scope included) and its order; only the LIMIT and
OFFSET move inside. Shallow pages are left as they are: their few skipped rows cost less than a second pass.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select

DEEP_OFFSET = 1_000
"""From this OFFSET on, a page is found by its keys first (page 41 of 25 rows)."""


def offset_of(statement: Select[Any]) -> int:
    """The OFFSET `statement` asks for, 0 for none (SQLAlchemy keeps it as `_offset`, an int or None)."""
    offset = getattr(statement, "_offset", None)
    return offset if isinstance(offset, int) else 0


def keyed_page(statement: Select[Any], key: ColumnElement[Any], deep_from: int = DEEP_OFFSET) -> Select[Any]:
    """`statement` (a LIMITed, OFFSET page) with its page chosen by `key` in a subquery, when the OFFSET is deep.

    `key` must identify a row (the primary key); the subquery selects only it, with the statement's FROM, WHERE,
    ORDER BY, LIMIT and OFFSET, and without its loader options.
    """
    if offset_of(statement) < deep_from:
        return statement
    keys = statement.with_only_columns(key, maintain_column_froms=True)
    return statement.limit(None).offset(None).where(key.in_(keys))
