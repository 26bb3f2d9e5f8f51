"""Core bulk inserts of new records that keep every rule the write path gives an ORM insert (issue 11).

An ORM flush of tens of thousands of objects holds each one, its history and its audit snapshot until the
commit (418 MB for a 10,000-row BNBA import). `BulkInsert` writes plain row dicts instead, a chunk at a time,
with one plain executemany per table, the new primary keys taken first (`_new_ids`: PostgreSQL's sequence,
SQLite's next ids under the write lock), and runs what the flush hooks would have run on the same rows
(chain/write_path.py):

- the values an ORM insert would store: every column the caller leaves out gets its Python default, as the
  flush fires it (`default=utc_now` per row, `default=""`); columns without one stay out, for the database;
- the region-scope guard: no row outside the acting user's region (policies/scope.py);
- the text guard: no text its column refuses (models/text_guard.py);
- the finality guard of bulk statements: the statements run through the session, so its `do_orm_execute`
  hook sees them (models/finality_bulk.py); the database's triggers and constraints see them too;
- the audit trail: one CREATE row per inserted row with the very snapshot a flush would record, written in
  the same transaction (`audit_bulk_created`, models/audit_trail.py) when `write_audit` is called.

The copied village code (models/scope_sync.py) is the caller's to fill: it knows each row's owner; the regency
code follows from it here, as models/base.RegencyScoped gives it to an ORM insert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import Table, func, insert, inspect, select, text
from sqlalchemy.orm import Session

from models.audit_trail import RowChange, audit_bulk_created, created_change
from models.base import Base, regency_of, table_of
from models.distribution import REGENCY_COLUMN
from models.text_guard import refuse_unstorable_rows
from policies.scope import refuse_outside_acting_scope

IN_LIST_CHUNK = 500  # values per IN list, well under SQLite's bound-variable limit
Value = TypeVar("Value")


def in_chunks(values: Sequence[Value], size: int = IN_LIST_CHUNK) -> Iterator[Sequence[Value]]:
    """`values` in slices of `size`: the imports look numbers up in IN lists of this length."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


@cache
def _defaults(table: Table) -> tuple[tuple[str, Any, bool], ...]:
    """(column key, default, whether it is called) of every non-key column with a Python-side scalar default."""
    found = []
    for column in table.columns:
        default = column.default
        if column.primary_key or default is None or not (default.is_scalar or default.is_callable):
            continue
        found.append((column.key, default.arg, default.is_callable))  # type: ignore[attr-defined]
    return tuple(found)


@cache
def _column_keys(model: type[Base]) -> tuple[str, ...]:
    """The table's column keys in order; each must be its attribute's key, which the audit snapshot uses."""
    mapper = inspect(model)
    keys = tuple(column.key for column in table_of(model).columns)
    if keys != tuple(mapper.get_property_by_column(column).key for column in table_of(model).columns):
        raise TypeError(f"{model.__name__}: attribute keys differ from column keys; the snapshot would too")
    return keys


class BulkInsert:
    """Inserts of new rows into one session's transaction, with the audit rows of all of them kept for one write."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changes: list[RowChange] = []

    def rows(self, model: type[Base], values: list[dict[str, Any]]) -> list[int]:
        """Insert `values` (column key -> value, no primary key) as new rows of `model`; their ids, in order."""
        if not values:
            return []
        table = table_of(model)
        rows = [self._complete(table, model, row) for row in values]
        if "region_code" in table.c:
            refuse_outside_acting_scope(self.session, [row["region_code"] for row in rows])
        refuse_unstorable_rows(table, rows)
        ids = self._new_ids(table, len(rows))
        self.session.execute(insert(table), [{"id": row_id, **row} for row_id, row in zip(ids, rows, strict=True)])
        for row_id, row in zip(ids, rows, strict=True):
            self.changes.append(created_change(model, {"id": row_id, **row}))
        return ids

    def write_audit(self) -> None:
        """The audit rows of every row inserted since the last call (none in a session without the write path)."""
        audit_bulk_created(self.session, self.changes)
        self.changes = []

    def _new_ids(self, table: Table, count: int) -> list[int]:
        """`count` new ids of `table`, ascending, so the INSERT is a plain executemany that needs no RETURNING.

        PostgreSQL: drawn from the table's sequence at once. A multi-row INSERT ... RETURNING is rebuilt as a
        statement text of thousands of parameters per page, and psycopg spends most of its time converting that
        text (50,000 rows: 13 s against 3.5 s for the executemany, one prepared statement in a pipeline).
        SQLite: the ids after the largest, which is what SQLite itself gives a row (no AUTOINCREMENT). The
        confirmation holds the write lock (BEGIN IMMEDIATE, chain/store.py), so no writer comes in between; one
        that did, without it, would make this INSERT fail on the primary key (nothing written), never share ids.
        With RETURNING in the rows' order SQLAlchemy would send SQLite one INSERT per row.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            drawn = self.session.scalars(
                text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :count)"),
                {"table": table.name, "count": count},
            )
            return sorted(drawn)
        largest = self.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        return list(range(int(largest or 0) + 1, int(largest or 0) + 1 + count))

    @staticmethod
    def _complete(table: Table, model: type[Base], row: dict[str, Any]) -> dict[str, Any]:
        """`row` with the Python defaults an ORM insert fires, in column order (the order of the snapshot)."""
        if REGENCY_COLUMN in table.c and REGENCY_COLUMN not in row:
            row[REGENCY_COLUMN] = regency_of(row.get("region_code"))  # its default reads the statement's row
        for key, default, called in _defaults(table):
            if key not in row:
                row[key] = default(None) if called else default
        return {key: row[key] for key in _column_keys(model) if key in row}
