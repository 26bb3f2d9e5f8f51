"""SQL helpers for the ministry's batch steps (chain/pmt.py, chain/determination.py): work tables, JSON, audit rows.

The PMT run and the SK Penetapan touch every received proposal of the nation at once, so they write with
set-based statements (INSERT ... SELECT, UPDATE ... FROM) instead of one ORM object per row. Those statements
never become objects a flush sees, so the flush's audit trail (chain/audit.py) does not write their rows: the
callers write the same audit rows themselves, in the same transaction, through `insert_audit_rows`, with
snapshots built by the database (`json_object`, `changed_only`), parts of them rendered by Python (`parsed_json`).

SQLite and PostgreSQL spell JSON differently; each helper compiles to both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Connection,
    MetaData,
    Select,
    String,
    Table,
    Text,
    case,
    cast,
    func,
    insert,
    literal,
    literal_column,
    null,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from chain.audit import actor_columns
from models.audit import AuditAction, AuditEntry
from models.base import insert_with_regency, table_of, utc_now

WORK_TABLES = MetaData()  # temporary tables of one transaction: never part of the schema or its migrations


@contextmanager
def work_table(connection: Connection, name: str, *columns: Column[Any]) -> Iterator[Table]:
    """A temporary table for the length of the block, in the caller's transaction (dropped at its end).

    On a failure the caller's rollback removes it (both engines roll back DDL); PostgreSQL drops it at the
    commit in any case (ON COMMIT DROP).
    """
    table = WORK_TABLES.tables.get(name)
    if table is None:
        table = Table(name, WORK_TABLES, *columns, prefixes=["TEMPORARY"], postgresql_on_commit="DROP")
    table.create(connection)
    yield table
    table.drop(connection)


def bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` into a work table: PostgreSQL's COPY (several times faster), else one executemany."""
    if not rows:
        return
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or driver is None:
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    as_json = {name for name in names if isinstance(table.c[name].type, JSON)}
    quoted = ", ".join(f'"{name}"' for name in names)
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([json.dumps(row[name]) if name in as_json else row[name] for name in names])


# --- JSON built by the database ------------------------------------------------------------------


class json_object(FunctionElement[Any]):  # noqa: N801 (a SQL function, named as SQL names it)
    """A JSON object of (key, value) pairs: json_build_object on PostgreSQL, json_object on SQLite."""

    type = JSON()
    inherit_cache = True


@compiles(json_object, "postgresql")
def _json_object_postgresql(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_build_object({compiler.process(element.clauses, **kw)})"


@compiles(json_object)
def _json_object_sqlite(element: json_object, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_object({compiler.process(element.clauses, **kw)})"


class json_nested(FunctionElement[Any]):  # noqa: N801
    """A JSON column's value placed inside `json_object` as JSON, not as a string."""

    type = JSON()
    inherit_cache = True


@compiles(json_nested, "postgresql")
def _json_nested_postgresql(element: json_nested, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(json_nested)
def _json_nested_sqlite(element: json_nested, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.clauses, **kw)})"


class parsed_json(FunctionElement[Any]):  # noqa: N801
    """JSON text (rendered by Python) as a JSON value, inside `json_object` or on its own."""

    type = JSON()
    inherit_cache = True


@compiles(parsed_json, "postgresql")
def _parsed_json_postgresql(element: parsed_json, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS JSON)"


@compiles(parsed_json)
def _parsed_json_sqlite(element: parsed_json, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json({compiler.process(element.clauses, **kw)})"


class _without_keys(FunctionElement[Any]):  # noqa: N801
    type = JSON()
    inherit_cache = True


@compiles(_without_keys, "postgresql")
def _without_keys_postgresql(element: _without_keys, compiler: SQLCompiler, **kw: Any) -> str:
    document, *drops = list(element.clauses)
    text = f"({compiler.process(document, **kw)})::jsonb"
    for drop in drops:
        text = f"({text} - {compiler.process(drop, **kw)})"
    return f"({text})::json"


@compiles(_without_keys)
def _without_keys_sqlite(element: _without_keys, compiler: SQLCompiler, **kw: Any) -> str:
    document, *drops = list(element.clauses)
    paths = ", ".join(f"'$.' || {compiler.process(drop, **kw)}" for drop in drops)
    return f"json_remove({compiler.process(document, **kw)}, {paths})"


def key(name: str) -> ColumnElement[str]:
    """A JSON key (a name written in the code, never data)."""
    if not name.isidentifier():
        raise ValueError(name)
    return literal_column(f"'{name}'", String)


def pairs(values: Sequence[tuple[str, ColumnElement[Any]]]) -> list[ColumnElement[Any]]:
    """The flat argument list of `json_object`: key, value, key, value, ..."""
    return [element for name, value in values for element in (key(name), value)]


def changed_only(values: Sequence[tuple[str, ColumnElement[Any], ColumnElement[bool]]]) -> json_object | Any:
    """The object of (key, value) for the keys whose `changed` condition holds (an update's before or after)."""
    document = json_object(*pairs([(name, value) for name, value, _changed in values]))
    # A key is dropped when unchanged; '~' names no key, so dropping it drops nothing.
    drops = [func.coalesce(_unless(changed, name), literal_column("'~'")) for name, _value, changed in values]
    return _without_keys(document, *drops)


def _unless(changed: ColumnElement[bool], name: str) -> ColumnElement[str]:
    return case((changed, null()), else_=key(name))


def text_of(value: Any) -> ColumnElement[str]:
    """A constant string as SQL text (PostgreSQL must know a parameter's type inside json_build_object)."""
    return cast(literal(value, Text), Text)


def iso_timestamp(moment: datetime) -> ColumnElement[str]:
    """A timestamp as the audit trail writes it (Python's isoformat), as SQL text."""
    return text_of(moment.isoformat())


# --- audit rows ----------------------------------------------------------------------------------

AUDIT_COLUMNS = ("action", "object_type", "object_id", "region_code", "before", "after", "message")


def insert_audit_rows(connection: Connection, rows: Select[Any]) -> None:
    """INSERT the audit rows `rows` selects, in the connection's transaction, as the acting user (chain/acting.py).

    `rows` selects, in this order: action, object type, object id, region code, before, after, message.
    The time and the actor columns are the same for every row: those of the change being recorded.
    """
    who = {"at": utc_now(), **actor_columns()}
    constants = [literal(value, table_of(AuditEntry).c[name].type) for name, value in who.items()]
    source = rows.add_columns(*constants)
    statement = insert_with_regency(table_of(AuditEntry), [*AUDIT_COLUMNS, *who], source)
    connection.execute(statement)


def action(value: AuditAction) -> ColumnElement[str]:
    return literal(value.value, String)


class iso_column(FunctionElement[Any]):  # noqa: N801
    """A stored timestamp as the audit trail writes one it read back (Python's isoformat of the loaded value)."""

    type = String()
    inherit_cache = True


@compiles(iso_column, "postgresql")
def _iso_column_postgresql(element: iso_column, compiler: SQLCompiler, **kw: Any) -> str:
    utc = f"(({compiler.process(element.clauses, **kw)}) AT TIME ZONE 'UTC')"
    fraction = f"CASE WHEN to_char({utc}, 'US') = '000000' THEN '' ELSE '.' || to_char({utc}, 'US') END"
    return f"(to_char({utc}, 'YYYY-MM-DD\"T\"HH24:MI:SS') || {fraction} || '+00:00')"


@compiles(iso_column)
def _iso_column_sqlite(element: iso_column, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores 'YYYY-MM-DD HH:MM:SS.ffffff' without a zone; loaded back, it is a naive datetime.
    stored = compiler.process(element.clauses, **kw)
    fraction = f"CASE WHEN substr({stored}, 20, 7) IN ('', '.000000') THEN '' ELSE substr({stored}, 20, 7) END"
    return f"(substr({stored}, 1, 10) || 'T' || substr({stored}, 12, 8) || {fraction})"
