"""What a flush changed, as audit snapshots: JSON-safe, identity numbers masked, secrets never recorded.

No request knowledge here (who acts is chain/audit.py's business): `prepare_flush` runs in `before_flush`
and keeps what the flush is about to lose, `flushed_changes` runs in `after_flush` and lists one
`RowChange` per created, updated and deleted row (NetBox's ObjectChange shape).

- Created: the whole row as inserted, primary key included (assigned by then).
- Updated: only the changed columns, before and after (from attribute history, still intact in
  `after_flush`; a column set without having been loaded is read from the row in `before_flush`).
- Deleted: the whole row (loaded in `before_flush`), also for orphans removed from a collection and for
  the rows the database itself deletes by ON DELETE CASCADE (read before the flush deletes their parent).

Rows a Core bulk INSERT creates (the BNBA import) never pass a flush: `created_change` gives each the very
change a flush would list for it, and `audit_bulk_created` hands them to the writer the write path put in
`session.info` (chain/write_path.py); a session without the write path writes none, as its flushes write none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any

from sqlalchemy import ForeignKey, Table, inspect, select
from sqlalchemy.orm import InstanceState, Mapper, Session
from sqlalchemy.orm.unitofwork import UOWTransaction

from models.audit import AuditAction
from models.base import Base
from models.identity import mask_identity_number

# The trail itself, and bookkeeping tables whose rows are not records (sessions, throttling, policy version, the
# seed items an upgrade offered: the rules it adds are audited as policy_rule rows).
SKIPPED_TABLES = frozenset({"audit_entry", "user_session", "login_attempt", "policy_state", "seed_record"})
IDENTITY_COLUMNS = frozenset({"nik", "no_kk", "requested_nik"})
SECRET_COLUMNS = frozenset({"password_hash", "token_hash"})
# Copied from another column of the same row (models/base.RegencyScoped): the snapshot names the region code.
DERIVED_COLUMNS = frozenset({"regency_code"})
HIDDEN = "***"  # a secret column: recorded as present or changed, never its value
# An update that touches only these is bookkeeping (a login sets last_login_at; the login has its own row).
QUIET_COLUMNS = frozenset({"updated_at", "last_login_at"})
# Where a row's region lives when its table has no region_code column.
REGION_ATTRIBUTES = {"user_account": "scope_region_code", "region": "code"}
CASCADE_MESSAGE = "Ikut terhapus bersama induknya (ON DELETE CASCADE)."
_SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
_FIFTEEN_DIGITS = 10**15
_CASCADE_DEPTH = 3
_IN_CHUNK = 500
# session.info key: the audit writer of Core bulk inserts, set by the write path (chain/write_path.py).
BULK_AUDIT = "dtks_bulk_audit"


# --- JSON-safe, masked values --------------------------------------------------------------------


def mask_text(text: str) -> str:
    """`text` with every run of exactly 16 digits (a NIK or No. KK, wherever it hides) masked."""
    return _SIXTEEN_DIGITS.sub(lambda match: mask_identity_number(match.group()), text)


def json_safe(value: Any) -> Any:
    """`value` as JSON both engines store, with 16-digit identity numbers masked wherever they appear."""
    kind = type(value)  # the common plain values first: batch steps snapshot millions of rows
    if kind is float:
        return value if math.isfinite(value) else str(value)
    if kind is int and -_FIFTEEN_DIGITS < value < _FIFTEEN_DIGITS:
        return value
    if kind is str and len(value) < 16:  # too short to hold a 16-digit number
        return value
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, int):
        return mask_text(str(value)) if len(str(abs(value))) == 16 else value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(json_safe(key)): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return f"<{len(value)} byte>"
    return mask_text(str(value))


def column_value(key: str, value: Any) -> Any:
    """One column as the trail keeps it: secrets hidden, NIK / No. KK masked, the rest JSON-safe."""
    if key in SECRET_COLUMNS:
        return HIDDEN
    if key in IDENTITY_COLUMNS and isinstance(value, str):
        return mask_identity_number(value)
    return json_safe(value)


def snapshot(values: dict[str, Any]) -> dict[str, Any]:
    """A before/after snapshot: column name -> stored value, made safe by `column_value`."""
    return {key: column_value(key, value) for key, value in values.items() if key not in DERIVED_COLUMNS}


# --- rows and their identity ---------------------------------------------------------------------


@dataclass(frozen=True)
class RowChange:
    """One created, updated or deleted row, ready to become an AuditEntry (the actor is added by the caller)."""

    action: AuditAction
    object_type: str
    object_id: str
    region_code: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    message: str = ""

    def columns(self) -> dict[str, Any]:
        """The audit_entry columns this change fills; an absent snapshot stays SQL NULL (not JSON null)."""
        values: dict[str, Any] = {
            "action": self.action,
            "object_type": self.object_type[:60],
            "object_id": self.object_id[:40],
            "region_code": self.region_code,
            "message": self.message,
        }
        if self.before is not None:
            values["before"] = snapshot(self.before)
        if self.after is not None:
            values["after"] = snapshot(self.after)
        return values


def table_name(mapper: Mapper[Any]) -> str:
    """The name of the table a model is mapped to (every model here maps one Table, never a join)."""
    table = mapper.local_table
    if not isinstance(table, Table):
        raise TypeError(f"{mapper} is not mapped to one table")
    return table.name


def is_audited(mapper: Mapper[Any]) -> bool:
    return table_name(mapper) not in SKIPPED_TABLES


def object_id(mapper: Mapper[Any], values: dict[str, Any]) -> str:
    """The primary key as text ("12", or "3,7" for a composite key)."""
    return ",".join(str(values.get(key, "")) for key in _primary_key_attributes(mapper))


def region_of(mapper: Mapper[Any], values: dict[str, Any]) -> str:
    value = values.get(REGION_ATTRIBUTES.get(table_name(mapper), "region_code"))
    return value if isinstance(value, str) else ""


def describe(row: Any) -> tuple[str, str, str]:
    """(object type, object id, region code) of a mapped row, from what is loaded (no SQL)."""
    state = inspect(row)
    return table_name(state.mapper), object_id(state.mapper, state.dict), region_of(state.mapper, state.dict)


def _change(action: AuditAction, mapper: Mapper[Any], values: dict[str, Any], **fields: Any) -> RowChange:
    return RowChange(action, table_name(mapper), object_id(mapper, values), region_of(mapper, values), **fields)


@cache
def _primary_key_attributes(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(mapper.get_property_by_column(column).key for column in mapper.primary_key)


@cache
def _column_attributes(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(prop.key for prop in mapper.column_attrs)


@cache
def _many_to_many(mapper: Mapper[Any]) -> tuple[str, ...]:
    return tuple(relationship.key for relationship in mapper.relationships if relationship.secondary is not None)


def _loaded_row(state: InstanceState[Any]) -> dict[str, Any]:
    """Every loaded column of a row, and the ids in its loaded many-to-many collections."""
    values = {key: state.dict[key] for key in _column_attributes(state.mapper) if key in state.dict}
    for key in _many_to_many(state.mapper):
        if key in state.dict:
            values[key] = _ids(state.dict[key])
    return values


def _ids(objects: Iterable[Any]) -> list[str]:
    return [describe(item)[1] for item in objects]


def created_change(model: type[Base], values: dict[str, Any]) -> RowChange:
    """The CREATE change of a row inserted by a Core statement, as a flush lists an ORM insert: `values` are the
    row's attribute values as inserted (primary key included), in column order, the columns left to the
    database's defaults absent (an ORM insert has no value for them either)."""
    return _change(AuditAction.CREATE, inspect(model), values, after=values)


def audit_bulk_created(session: Session, changes: list[RowChange]) -> None:
    """Write the audit rows of rows a Core bulk INSERT created, in `session`'s transaction (see BULK_AUDIT)."""
    writer = session.info.get(BULK_AUDIT)
    if writer is not None and changes:
        writer(session, changes)


# --- before the flush: what it is about to lose --------------------------------------------------


@dataclass
class FlushMemo:
    """What `prepare_flush` read before the flush: old values of blindly set columns, cascaded deletes."""

    old_values: dict[InstanceState[Any], dict[str, Any]] = field(default_factory=dict)
    cascaded: list[RowChange] = field(default_factory=list)


def prepare_flush(session: Session) -> FlushMemo:
    """Call in `before_flush`: load rows about to be deleted, and read what only the database still knows."""
    with session.no_autoflush:
        for obj in session.deleted:
            state = inspect(obj)
            if is_audited(state.mapper):
                for key in _column_attributes(state.mapper):
                    getattr(obj, key)  # loads expired columns while the row still exists
        return FlushMemo(_blind_old_values(session), list(_cascaded_deletes(session)))


def _blind_old_values(session: Session) -> dict[InstanceState[Any], dict[str, Any]]:
    """Columns set without having been loaded have no old value in their history: read it from the row."""
    found: dict[InstanceState[Any], dict[str, Any]] = {}
    for obj in session.dirty:
        state = inspect(obj)
        if not state.has_identity or not is_audited(state.mapper):
            continue
        blind = [key for key in _column_attributes(state.mapper) if _set_blind(state, key)]
        if blind:
            mapper = state.mapper
            columns = [mapper.get_property(key).columns[0] for key in blind]
            where = [column == value for column, value in zip(mapper.primary_key, state.identity, strict=True)]
            row = session.execute(select(*columns).where(*where)).one_or_none()
            found[state] = dict(zip(blind, row, strict=True)) if row is not None else {}
    return found


def _set_blind(state: InstanceState[Any], key: str) -> bool:
    history = state.attrs[key].history
    return bool(history.added) and not history.deleted and not history.unchanged


def _cascaded_deletes(session: Session) -> Iterator[RowChange]:
    """The rows the database deletes with their parent (ON DELETE CASCADE, left to it by passive_deletes)."""
    deleted = {inspect(obj).identity_key for obj in session.deleted}
    parents: dict[Table, list[dict[str, Any]]] = {}
    for obj in session.deleted:
        state = inspect(obj)
        if is_audited(state.mapper):
            parents.setdefault(state.mapper.local_table, []).append(_by_column_name(state))
    for _depth in range(_CASCADE_DEPTH):
        children: dict[Table, list[dict[str, Any]]] = {}
        for table, rows in parents.items():
            for child, foreign_key, mapper in _cascading_children(table):
                for row in _rows_referring(session, child, foreign_key, rows):
                    values = {mapper.get_property_by_column(column).key: row[column.name] for column in child.columns}
                    key = mapper.identity_key_from_primary_key(tuple(row[column.name] for column in mapper.primary_key))
                    if key not in deleted:
                        deleted.add(key)
                        children.setdefault(child, []).append(dict(row))
                        yield _change(AuditAction.DELETE, mapper, values, before=values, message=CASCADE_MESSAGE)
        parents = children


def _by_column_name(state: InstanceState[Any]) -> dict[str, Any]:
    mapper = state.mapper
    return {
        column.name: state.dict.get(mapper.get_property_by_column(column).key) for column in mapper.local_table.columns
    }


def _rows_referring(
    session: Session, child: Table, foreign_key: ForeignKey, parents: list[dict[str, Any]]
) -> Iterator[Any]:
    name = foreign_key.column.name
    referenced = sorted({row[name] for row in parents if row.get(name) is not None})
    for start in range(0, len(referenced), _IN_CHUNK):
        chunk = referenced[start : start + _IN_CHUNK]
        yield from session.execute(select(child).where(foreign_key.parent.in_(chunk))).mappings()


@cache
def _cascading_children(table: Table) -> tuple[tuple[Table, ForeignKey, Mapper[Any]], ...]:
    """Audited mapped tables (with their mapper) whose single-column foreign key to `table` says ON DELETE CASCADE."""
    found = []
    for child in Base.metadata.tables.values():
        mapper = _mapper_of(child)
        if mapper is None or not is_audited(mapper):
            continue
        for foreign_key in child.foreign_keys:
            # PostgreSQL's twin of a link on (<parent>_id, regency_code) (models/distribution.py) cascades the same
            # rows as the single-column link kept beside it: following its regency element would name a regency.
            single = foreign_key.constraint is not None and len(foreign_key.constraint.columns) == 1
            if single and foreign_key.column.table is table and (foreign_key.ondelete or "").upper() == "CASCADE":
                found.append((child, foreign_key, mapper))
    return tuple(found)


@cache
def _mapper_of(table: Table) -> Mapper[Any] | None:
    for mapper in Base.registry.mappers:
        if mapper.local_table is table:
            return mapper
    return None


# --- after the flush: one change per row ---------------------------------------------------------


def flushed_changes(session: Session, flush_context: UOWTransaction, memo: FlushMemo) -> list[RowChange]:
    """Call in `after_flush`: every audited row the flush inserted, updated or deleted."""
    changes: list[RowChange] = []
    for obj in session.new:
        state = inspect(obj)
        if is_audited(state.mapper):
            changes.append(_change(AuditAction.CREATE, state.mapper, state.dict, after=_loaded_row(state)))
    for obj in session.deleted:
        state = inspect(obj)
        if is_audited(state.mapper):
            changes.append(_change(AuditAction.DELETE, state.mapper, state.dict, before=_loaded_row(state)))
    for obj in session.dirty:
        state = inspect(obj)
        if not is_audited(state.mapper):
            continue
        # An orphan removed from its collection (delete-orphan); SQLAlchemy leaves is_deleted unannotated.
        if flush_context.is_deleted(state):  # type: ignore[no-untyped-call]
            changes.append(_change(AuditAction.DELETE, state.mapper, state.dict, before=_loaded_row(state)))
            continue
        before, after = _changed_columns(state, memo.old_values.get(state, {}))
        if after and not set(after) <= QUIET_COLUMNS:
            changes.append(_change(AuditAction.UPDATE, state.mapper, state.dict, before=before, after=after))
    return changes + memo.cascaded


def _changed_columns(state: InstanceState[Any], old_values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key in _column_attributes(state.mapper):
        history = state.attrs[key].history
        if not history.added:
            continue
        old = history.deleted[0] if history.deleted else old_values.get(key)
        if old != history.added[0]:
            before[key], after[key] = old, history.added[0]
    for key in _many_to_many(state.mapper):
        history = state.attrs[key].history
        if history.added or history.deleted:
            before[key] = _ids([*history.unchanged, *history.deleted])
            after[key] = _ids([*history.unchanged, *history.added])
    return before, after
