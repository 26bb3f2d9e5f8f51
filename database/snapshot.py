"""Per-table row counts and checksums that read the same on SQLite and PostgreSQL: the one rule for comparing data.

Backup writes them into its manifest, restore checks the restored database against it, and `copy-to` compares the
source with the target table by table (database/backup.py, database/copy.py). A checksum is the SHA-256 of the
table's sorted column names and then of each row, in primary-key order, as one JSON array of normalised values:

- a datetime in UTC without its zone, to the microsecond (SQLite keeps UTC without one, PostgreSQL a `timestamptz`);
  a date or a time in ISO form; a decimal in plain notation; a float as Python writes it back (shortest round trip);
- a boolean as JSON true/false (SQLite keeps 0/1), bytes as hex;
- a JSON column read as its stored text and written again with sorted keys, so the engines' spacing does not count
  and a JSON `null` stays distinct from SQL NULL (one is the string "null", the other None).

Rows are ordered by the primary key, strings compared byte by byte (`COLLATE "C"` on PostgreSQL, SQLite's BINARY):
a locale's collation would order "52.72" and "5272" differently from SQLite. PostgreSQL's keys carry the regency
code last (docs/SCALING.md), which the columns before it determine, so both engines walk the rows in one order.
The tables and columns are read from the database, not from the models, so a backup of an older revision checks too.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Connection, Float, Text, cast, column, inspect, select, table
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import String, TypeEngine

__all__ = ["Difference", "TableSnapshot", "compare", "database_snapshot", "normalised", "table_names"]

BATCH_ROWS = 5_000  # rows fetched at a time (a server-side cursor on PostgreSQL)


@dataclass(frozen=True)
class TableSnapshot:
    """One table's row count and checksum."""

    rows: int
    sha256: str


@dataclass(frozen=True)
class Difference:
    """A table whose rows or checksum differ between two snapshots (None: the table is missing on that side)."""

    table: str
    expected: TableSnapshot | None
    found: TableSnapshot | None


def table_names(connection: Connection) -> list[str]:
    """The tables of the connection's schema, sorted (SQLite's own `sqlite_*` tables are never listed)."""
    return sorted(inspect(connection).get_table_names())


def normalised(value: Any, type_: TypeEngine[Any] | None = None) -> Any:
    """`value` as the checksum writes it: a JSON-able value that is the same for the same data on both engines."""
    if value is None:
        return None
    if isinstance(type_, JSON):  # read as text (_readable): re-encoded canonically
        return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if isinstance(type_, Float) and not getattr(type_, "asdecimal", False) and not isinstance(value, bool):
        value = float(value)  # SQLite may hand back an int from a REAL column
    if isinstance(type_, Boolean) and isinstance(value, int):
        value = bool(value)
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat(sep=" ", timespec="microseconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _readable(connection: Connection, name: str, column_type: TypeEngine[Any]) -> ColumnElement[Any]:
    """The column as the checksum reads it: a JSON column as its text (SQL NULL stays None)."""
    if isinstance(column_type, JSON):
        return cast(column(name, column_type), Text).label(name)
    return column(name, column_type)


def _order(connection: Connection, name: str, column_type: TypeEngine[Any]) -> ColumnElement[Any]:
    """A sort key column: strings byte by byte on PostgreSQL, as SQLite compares them."""
    element: ColumnElement[Any] = column(name, column_type)
    if connection.dialect.name == "postgresql" and isinstance(column_type, String):
        return element.collate("C")
    return element


def table_rows(connection: Connection, name: str) -> tuple[list[str], list[TypeEngine[Any]], Iterator[tuple[Any, ...]]]:
    """The table's columns (sorted by name), their types, and its rows in key order, as the checksum reads them."""
    inspector = inspect(connection)
    columns = sorted(inspector.get_columns(name), key=lambda found: str(found["name"]))
    names = [str(found["name"]) for found in columns]
    types: list[TypeEngine[Any]] = [found["type"] for found in columns]
    typed = dict(zip(names, types, strict=True))
    # No primary key: every column but JSON, which PostgreSQL cannot compare.
    unkeyed = [found for found in names if not isinstance(typed[found], JSON)]
    key = list(inspector.get_pk_constraint(name).get("constrained_columns") or []) or unkeyed
    source = table(name, *(Column(found, typed[found]) for found in names))
    statement = select(*(_readable(connection, found, typed[found]) for found in names)).select_from(source)
    statement = statement.order_by(*(_order(connection, found, typed[found]) for found in key))
    result = connection.execution_options(yield_per=BATCH_ROWS).execute(statement)
    return names, types, (tuple(row) for row in result)


def table_snapshot(connection: Connection, name: str) -> TableSnapshot:
    """The row count and checksum of one table (module docstring)."""
    names, types, rows = table_rows(connection, name)
    digest = hashlib.sha256(_line(names))
    count = 0
    for row in rows:
        digest.update(_line([normalised(value, type_) for value, type_ in zip(row, types, strict=True)]))
        count += 1
    return TableSnapshot(count, digest.hexdigest())


def _line(values: Iterable[Any]) -> bytes:
    return json.dumps(list(values), ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def database_snapshot(
    connection: Connection, *, report: Callable[[int, int], None] | None = None
) -> dict[str, TableSnapshot]:
    """Every table's snapshot, by name; `report(done, total)` counts the tables read (console/progress.py)."""
    names = table_names(connection)
    snapshots: dict[str, TableSnapshot] = {}
    for done, name in enumerate(names, start=1):
        snapshots[name] = table_snapshot(connection, name)
        if report:
            report(done, len(names))
    return snapshots


def compare(expected: Mapping[str, TableSnapshot], found: Mapping[str, TableSnapshot]) -> list[Difference]:
    """The tables whose count or checksum differ, or that only one side has; empty when the data are the same."""
    return [
        Difference(name, expected.get(name), found.get(name))
        for name in sorted(set(expected) | set(found))
        if expected.get(name) != found.get(name)
    ]
