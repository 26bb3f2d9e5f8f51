"""The audit trail: one AuditEntry per created, updated and deleted row, in the transaction of the change.

After NetBox's ObjectChange (DESIGN section 6). sqladmin's audit backend writes after the commit, in
another session, and swallows failures (security-notes 0.3), so it cannot be a legal trail; these rows
are written by two session hooks instead, which chain/write_path.py attaches, last of their events, to the
session factory every write goes through (console/database.py):

- `remember_flush` (before_flush): `models.audit_trail.prepare_flush` keeps what the flush is about to
  lose (rows being deleted, old values the history cannot tell, rows the database deletes by ON DELETE
  CASCADE).
- `write_flushed_rows` (after_flush): every row the flush wrote is known, with primary keys and history;
  the audit rows are INSERTed on the flush's own connection, inside the flush. A failing audit insert
  fails the flush and so the change; rolling back the change rolls back its audit rows.

Rows created by Core bulk inserts (the BNBA import's confirmation) pass no flush: `write_bulk_changes`, which
the write path puts in `session.info`, writes their audit rows, the same as a flush would, in the same
transaction (models/audit_trail.py `audit_bulk_created`).

Who acts comes from the acting context (chain/acting.py): the user, the request id and the client IP;
outside requests (CLI, seeding) the actor is "sistem". `record` and `record_rows` write explicit events
(logins, refusals, lookups; workflow transitions later) into the caller's session and transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.unitofwork import UOWTransaction

from chain.acting import current_context
from models.audit import AuditAction, AuditEntry
from models.audit_trail import FlushMemo, RowChange, describe, flushed_changes, mask_text, prepare_flush
from models.base import cursor_of, table_of, utc_now
from models.session import ENDED_SESSIONS, EndedSessions

# `session.info[AUDIT_ROWS] = False` marks a bulk/system session (the demo seeder) whose row changes are not
# written to the trail. Honoured only outside requests: inside one, every change is audited whatever the flag.
AUDIT_ROWS = "audit"
SYSTEM_ACTOR = "sistem"
USER_TABLE = "user_account"
ANONYMOUS_ACTOR = "anonim"
_MEMO = "dtks_audit_memo"


def actor_columns() -> dict[str, Any]:
    """actor_id, actor_name, request_id and ip of the request being served (the system outside requests)."""
    context = current_context()
    if context is None:
        return {"actor_id": None, "actor_name": SYSTEM_ACTOR, "request_id": "", "ip": ""}
    return {
        "actor_id": context.actor_id,
        "actor_name": (context.actor_name or ANONYMOUS_ACTOR)[:120],
        "request_id": context.request_id,
        "ip": context.client_ip[:45],
    }


def record(
    session: Session,
    action: AuditAction,
    *,
    object_type: str,
    object_id: Any,
    region_code: str | None,
    message: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> int:
    """Write one explicit audit event in `session`'s transaction (the caller commits); returns its id.

    Snapshots go through the same masking as row changes; NIK / No. KK in the message are masked too. The row
    is INSERTed at once, as the trail's own write: it is no record placed in a region, so the region-scope
    guard of flushes (policies/scope.py) has nothing to say about it.
    """
    change = RowChange(
        action,
        object_type,
        mask_text("" if object_id is None else str(object_id)),
        region_code or "",
        before=before,
        after=after,
        message=mask_text(message)[:500],
    )
    values = {"at": utc_now(), **actor_columns(), **change.columns()}
    inserted = cursor_of(session.execute(insert(table_of(AuditEntry)).values(**values))).inserted_primary_key
    assert inserted is not None  # one row inserted: its key
    return int(inserted[0])


def record_transition(
    session: Session, row: Any, message: str, *, before: dict[str, Any], after: dict[str, Any]
) -> int:
    """The TRANSITION event of one step of a state machine on `row` (a proposal, certificate, complaint)."""
    return record(
        session,
        AuditAction.TRANSITION,
        object_type=row.__tablename__,
        object_id=row.id,
        region_code=row.region_code,
        message=message,
        before=before,
        after=after,
    )


def record_rows(session: Session, action: AuditAction, rows: Iterable[Any], *, message: str) -> int:
    """One event per mapped row, e.g. who saw or exported which households, in one INSERT of all of them (a
    search's results page of 25 households is one statement, not 25); returns how many were added."""
    changes = []
    for row in rows:
        object_type, object_id, region_code = describe(row)
        text = mask_text(message)[:500]
        changes.append(RowChange(action, object_type, mask_text(object_id), region_code or "", message=text))
    write_changes(session, changes)
    return len(changes)


def audits_rows(session: Session) -> bool:
    """Whether row changes of `session` are written to the trail (see AUDIT_ROWS)."""
    return session.info.get(AUDIT_ROWS, True) is not False or current_context() is not None


def remember_flush(session: Session, flush_context: UOWTransaction, _instances: Any) -> None:
    """before_flush: what the flush is about to lose, for `write_flushed_rows` (unless the session is unaudited)."""
    if audits_rows(session):
        flush_context.attributes[_MEMO] = prepare_flush(session)


def session_end_message(username: str, how: str) -> str:
    """The one wording of every ended session: whose (the message and the object), who (the actor columns)."""
    context = current_context()
    by = (context.actor_name if context is not None else "") or SYSTEM_ACTOR
    return f"Sesi {username} diakhiri oleh {by}: {how}."[:500]


def _ended_session_rows(ended: list[EndedSessions]) -> list[dict[str, Any]]:
    """LOGOUT rows for the sessions models/session.py ended in this flush (deactivation, new password)."""
    who = {"at": utc_now(), **actor_columns()}
    rows = []
    for item in ended:
        how = f"{item.reason.label}, {item.count} sesi terbuka"
        change = RowChange(
            AuditAction.LOGOUT,
            USER_TABLE,
            str(item.user_id),
            item.region_code,
            message=mask_text(session_end_message(item.username, how)),
        )
        rows.append({**who, **change.columns()})
    return rows


def write_flushed_rows(session: Session, flush_context: UOWTransaction) -> None:
    """after_flush: the audit rows of the flush (and of the sessions it ended), on its own connection."""
    ended: list[EndedSessions] = flush_context.attributes.get(ENDED_SESSIONS, [])
    if ended:
        # Whatever the session's AUDIT_ROWS flag says: an ended session is a security event, not a row change.
        session.connection().execute(insert(table_of(AuditEntry)), _ended_session_rows(ended))
    memo: FlushMemo | None = flush_context.attributes.get(_MEMO)
    if memo is None:
        return
    write_changes(session, flushed_changes(session, flush_context, memo))


def write_changes(session: Session, changes: list[RowChange]) -> None:
    """The audit rows of `changes`, one per row change, on the session's connection (its transaction)."""
    if not changes:
        return
    who = {"at": utc_now(), **actor_columns()}
    # One executemany per shape: a create has no `before`, a delete no `after` (both stay SQL NULL).
    by_shape: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for change in changes:
        row = {**who, **change.columns()}
        by_shape.setdefault(tuple(row), []).append(row)
    connection = session.connection()
    for rows in by_shape.values():
        connection.execute(insert(table_of(AuditEntry)), rows)


def write_bulk_changes(session: Session, changes: list[RowChange]) -> None:
    """The audit rows of rows a Core bulk INSERT created (models/audit_trail.py's BULK_AUDIT writer, set by the
    write path): exactly the rows a flush of the same objects would write, unless the session is unaudited."""
    if audits_rows(session):
        write_changes(session, changes)
