"""The finality rule enforced on every flush (console, imports, CLI, demo, tests), by three session hooks.

`refuse_fixed_writes` (before_flush) refuses, with `RecordFixed`, an UPDATE or DELETE of a fixed row and an
INSERT of a child into a fixed parent, judging "fixed" from each row as stored: old values from the attribute
history (a value set without having been loaded is read from the row), so the transition that fixes a row
flushes. A fixed proposal changes only by a transition: the columns it writes, its status along an arrow.

Rows a transaction creates or fixes itself are "fresh" until it ends (`session.info[FRESH]`): their children
may still be written, as a workflow step or a seeder writes a whole decision at once. Bulk statements run
through the session (`session.execute(update(...))`) are checked by models/finality_bulk.py.

The hooks (`refuse_fixed_writes`, `remember_fresh_rows`, `forget_fresh_rows`) are attached to the session
factory by chain/write_path.py, after the copy of region codes (models/scope_sync.py): this guard judges the
region codes that follow an owner.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState, Session, SessionTransaction
from sqlalchemy.orm.unitofwork import UOWTransaction

from models import finality
from models.decree import Decree
from models.decree_annex import DecreeAnnexRow
from models.determination import HouseholdPeriod, PmtResult
from models.finality import RecordFixed
from models.finality_rows import (
    Facts,
    Reader,
    child_refusal,
    current_key,
    delete_refusal,
    edit_refusal,
    insert_refusal,
)
from models.household import Household
from models.meeting import Meeting, MeetingDecision, MeetingParticipant
from models.proposal import Proposal
from models.ranking import RankingResult
from models.visit import Visit

FRESH = "dtks_finality_fresh"
_BECOMING_FRESH = "dtks_finality_becoming_fresh"
GOVERNED = (
    Proposal, Visit, Decree, DecreeAnnexRow, Meeting, MeetingParticipant, MeetingDecision, PmtResult, HouseholdPeriod,
    RankingResult,
)  # fmt: skip
CHILDREN = {MeetingParticipant: "meeting", MeetingDecision: "meeting", Visit: "proposal"}


def fresh_rows(session: Session) -> set[InstanceState[Any]]:
    """Rows the session's current transaction created or fixed (their children may still be written)."""
    fresh: set[InstanceState[Any]] = session.info.setdefault(FRESH, set())
    return fresh


def stored_reader(session: Session) -> Reader:
    """Reads a row's value as stored before the pending changes of this flush."""

    def read(obj: Any, key: str) -> Any:
        state = inspect(obj)
        if state.pending or state.transient:
            return getattr(obj, key)
        history = state.attrs[key].history
        if history.deleted:
            return history.deleted[0]
        if history.unchanged:
            return history.unchanged[0]
        if not history.added:
            return getattr(obj, key)  # expired: loads it
        return _from_row(session, state, key)  # set without having been loaded

    return read


def _from_row(session: Session, state: InstanceState[Any], key: str) -> Any:
    mapper = state.mapper
    column = mapper.get_property(key).columns[0]
    assert state.identity is not None  # a stored row: pending and transient ones were read from the object
    where = [pk == value for pk, value in zip(mapper.primary_key, state.identity, strict=True)]
    return session.execute(select(column).where(*where)).scalar_one_or_none()


def changed_keys(obj: Any, read: Reader) -> set[str]:
    """Columns (and many-to-many collections) whose pending value differs from the stored one."""
    state = inspect(obj)
    changed = set()
    for prop in state.mapper.column_attrs:
        history = state.attrs[prop.key].history
        if history.added and (history.deleted or read(obj, prop.key) != history.added[0]):
            changed.add(prop.key)
    for relationship in state.mapper.relationships:
        if relationship.viewonly:
            continue
        history = state.attrs[relationship.key].history
        if not (history.added or history.deleted):
            continue
        if relationship.secondary is not None:
            changed.add(relationship.key)
        elif relationship.direction.name == "MANYTOONE":
            column = next(iter(relationship.local_columns)).key
            if current_key(obj, relationship.key) != read(obj, column):
                changed.add(column)
    return changed


def _refuse(reason: str | None) -> None:
    if reason:
        raise RecordFixed(reason)


def _check_update(facts: Facts, obj: Any, changed: set[str]) -> bool:
    """Refuse a change of a fixed row; returns whether the row was already fixed (as a parent) before it."""
    read = facts.read
    if isinstance(obj, Proposal):
        status = read(obj, "status")
        _refuse(finality.proposal_change_refusal(status, obj.status, changed))
        return status not in finality.VISIT_OPEN
    if isinstance(obj, Decree):
        signed = read(obj, "signed_at") is not None
        if signed and (changed - {"proposals"} or inspect(obj) not in facts.fresh):
            _refuse(finality.DECREE_SIGNED)
        return signed
    if isinstance(obj, Meeting):
        _refuse(edit_refusal(facts, obj))
        return read(obj, "finalised_at") is not None
    _refuse(edit_refusal(facts, obj))
    relation = CHILDREN.get(type(obj))
    if relation is not None and f"{relation}_id" in changed:  # moved onto another parent
        _refuse(insert_refusal(facts, obj))
    if isinstance(obj, PmtResult | HouseholdPeriod | RankingResult) and "period" in changed:
        _refuse(child_refusal(facts, obj, None, obj.period))
    return False


def refuse_fixed_writes(session: Session, flush_context: UOWTransaction, _instances: Any) -> None:
    facts = Facts(session, stored_reader(session), fresh_rows(session))
    becoming_fresh: list[InstanceState[Any]] = []
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, GOVERNED):
                _refuse(insert_refusal(facts, obj))
                becoming_fresh.append(inspect(obj))
        for obj in list(session.dirty):
            state = inspect(obj)
            if not isinstance(obj, GOVERNED) or not state.persistent:
                continue
            changed = changed_keys(obj, facts.read)
            if changed and not _check_update(facts, obj, changed):
                becoming_fresh.append(state)
        for obj in list(session.deleted):
            if isinstance(obj, (*GOVERNED, Household)):
                _refuse(delete_refusal(facts, obj))
    flush_context.attributes[_BECOMING_FRESH] = becoming_fresh


def remember_fresh_rows(session: Session, flush_context: UOWTransaction) -> None:
    fresh_rows(session).update(flush_context.attributes.get(_BECOMING_FRESH, ()))


def forget_fresh_rows(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(FRESH, None)
