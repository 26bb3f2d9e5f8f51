"""Bulk-load helpers: a table's secondary indexes and constraints set aside during a load and rebuilt after it.

Keeping a b-tree (and the trigram GIN index on member names) up to date row by row for four million inserts
costs several times what building it once afterwards does; so does checking a foreign key per row. The
definitions are read from the catalog (`pg_get_indexdef`, `pg_get_constraintdef`) and replayed unchanged, so the
schema after the load is the migrations' schema, named and defined as they left it (tests/bench checks that).
Primary keys stay: other tables' foreign keys hang on them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, text

_INDEXES = text(
    """
    SELECT t.relname, pg_get_indexdef(i.indexrelid), c.relname
    FROM pg_index AS i
    JOIN pg_class AS t ON t.oid = i.indrelid
    JOIN pg_class AS c ON c.oid = i.indexrelid
    WHERE t.relname = ANY(:tables) AND NOT i.indisprimary
      AND NOT EXISTS (SELECT 1 FROM pg_constraint AS k WHERE k.conindid = i.indexrelid)
    ORDER BY c.relname
    """
)
# Unique constraints first when restoring (they are indexes too), foreign keys last (they need them).
_CONSTRAINTS = text(
    """
    SELECT t.relname, k.conname, pg_get_constraintdef(k.oid), k.contype
    FROM pg_constraint AS k JOIN pg_class AS t ON t.oid = k.conrelid
    WHERE t.relname = ANY(:tables) AND k.contype IN ('u', 'f')
    ORDER BY k.contype DESC, k.conname
    """
)


@dataclass(frozen=True)
class SetAside:
    """What was dropped from the tables, in the order it is to be rebuilt."""

    indexes: list[tuple[str, str, str]]  # table, CREATE INDEX statement, index name
    constraints: list[tuple[str, str, str, str]]  # table, name, definition, kind ('u' unique, 'f' foreign key)


def schema_objects(connection: Connection, tables: Sequence[str]) -> list[str]:
    """The secondary indexes and unique / foreign-key constraints of `tables`, as their definitions."""
    aside = _read(connection, tables)
    return sorted(
        [definition for _, definition, _ in aside.indexes] + [f"{t} {n} {d}" for t, n, d, _ in aside.constraints]
    )


def _read(connection: Connection, tables: Sequence[str]) -> SetAside:
    indexes = [(row[0], row[1], row[2]) for row in connection.execute(_INDEXES, {"tables": list(tables)})]
    constraints = [
        (row[0], row[1], row[2], row[3]) for row in connection.execute(_CONSTRAINTS, {"tables": list(tables)})
    ]
    return SetAside(indexes, constraints)


@contextmanager
def indexes_set_aside(connection: Connection, tables: Sequence[str]) -> Iterator[None]:
    """Drop the secondary indexes and unique / foreign-key constraints of `tables`; rebuild them on leaving.

    Runs in the caller's transaction: when the load fails, the rollback brings every dropped object back.
    """
    aside = _read(connection, tables)
    for table, name, _definition, _kind in reversed(aside.constraints):  # foreign keys first
        connection.execute(text(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'))
    for _table, _definition, name in aside.indexes:
        connection.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _table, definition, _name in aside.indexes:
        connection.execute(text(definition))
    for table, name, definition, _kind in aside.constraints:
        connection.execute(text(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}'))
