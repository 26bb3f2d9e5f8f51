"""The SK Penetapan's writes to households and their standing in the period (chain/determination_rows.py runs them).

Each household with a determined proposal ends as the last of them (by id) leaves it: registered with its desil,
or removed, in the period, with every determined update's checked changes applied; its row of the period is
updated where one exists and added otherwise. Each statement is followed by the audit rows the flush would have
written: an UPDATE row of the columns that changed, a CREATE row of each standing added.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    update,
)

from chain.batch_sql import action, changed_only, insert_audit_rows, iso_timestamp, json_object, pairs, text_of
from models import DtksStatus, Household, HouseholdPeriod, ProposalKind, ProposalStatus
from models.audit import AuditAction
from models.base import insert_with_regency, table_of

DETERMINED = ProposalStatus.DETERMINED.value
HOUSEHOLD, STANDING = table_of(Household), table_of(HouseholdPeriod)


def household_columns() -> tuple[Column[Any], ...]:
    """Each household's standing after the SK: the last determined proposal's, and every requested change."""
    return (
        Column("household_id", Integer, primary_key=True),
        Column("region_code", String(13), nullable=False),
        Column("status", String(20), nullable=False),
        Column("desil", SmallInteger),
        *(Column(name, String(200)) for name in ("address", "rt", "rw", "address_seen", "old_address_seen")),
        Column("had_standing", Boolean, nullable=False),
    )


def apply_to_households(
    connection: Connection, decisions: Table, changes: Table, households: Table, period: str, now: datetime
) -> None:
    """Each household with a determined proposal: registered with its desil (removed, for a removal) in the
    period, the requested changes applied; an UPDATE audit row of the columns that changed."""
    _fill_households(connection, decisions, changes, households, period)
    s, h = households.c, HOUSEHOLD.c
    columns = (
        ("address", func.coalesce(s.old_address_seen, h.address), func.coalesce(s.address_seen, s.address),
         h.address.is_distinct_from(s.address)),
        ("rt", h.rt, s.rt, h.rt.is_distinct_from(s.rt)),
        ("rw", h.rw, s.rw, h.rw.is_distinct_from(s.rw)),
        ("dtks_status", h.dtks_status, s.status, h.dtks_status.is_distinct_from(s.status)),
        ("desil", h.desil, s.desil, h.desil.is_distinct_from(s.desil)),
        ("period", h.period, text_of(period), h.period.is_distinct_from(period)),
    )  # fmt: skip
    changed = or_(*(condition for *_values, condition in columns))
    before = changed_only([(name, old, condition) for name, old, _new, condition in columns])
    after = changed_only([(name, new, condition) for name, _old, new, condition in columns])
    rows = select(action(AuditAction.UPDATE), literal("household"), cast(h.id, Text), h.region_code, before, after)
    rows = rows.add_columns(literal("")).join_from(HOUSEHOLD, households, h.id == s.household_id)
    insert_audit_rows(connection, rows.where(changed))
    connection.execute(
        update(HOUSEHOLD)
        .where(h.id == s.household_id, changed)
        .values(
            address=s.address,
            rt=s.rt,
            rw=s.rw,
            dtks_status=s.status,
            desil=s.desil,
            period=period,
            updated_at=now,
        )  # fmt: skip
    )


def _fill_households(connection: Connection, decisions: Table, changes: Table, households: Table, period: str) -> None:
    d, c, h = decisions, changes.c, HOUSEHOLD.c
    determined = d.c.target == DETERMINED
    latest = select(d.c.household_id, func.max(d.c.proposal_id).label("last_id")).where(determined)
    last = latest.group_by(d.c.household_id).subquery("last_determined")
    final = d.alias("final")

    def requested(name: str) -> Any:
        latest = select(c[name]).where(c.household_id == last.c.household_id, c[name].is_not(None))
        return latest.order_by(c.proposal_id.desc()).limit(1).scalar_subquery()

    status = case((final.c.kind == ProposalKind.REMOVE.value, DtksStatus.REMOVED.value),
                  else_=DtksStatus.REGISTERED.value)  # fmt: skip
    standing = exists().where(STANDING.c.household_id == last.c.household_id, STANDING.c.period == period)
    joined = last.join(final, final.c.proposal_id == last.c.last_id).join(HOUSEHOLD, h.id == last.c.household_id)
    source = select(
        last.c.household_id, h.region_code, status, final.c.desil,
        *(func.coalesce(requested(name), h[name]) for name in ("address", "rt", "rw")),
        requested("address_seen"), requested("old_address_seen"), standing,
    ).select_from(joined)  # fmt: skip
    connection.execute(insert(households).from_select(list(households.c.keys()), source))


def write_standings(connection: Connection, households: Table, period: str, decree_id: int, now: datetime) -> None:
    """The household's row for the period: updated where one exists, added otherwise; with their audit rows."""
    s, p = households.c, STANDING.c
    decree = literal(decree_id, Integer)
    same_row = and_(p.household_id == s.household_id, p.period == period)
    columns = (
        ("dtks_status", p.dtks_status, s.status, p.dtks_status.is_distinct_from(s.status)),
        ("desil", p.desil, s.desil, p.desil.is_distinct_from(s.desil)),
        ("decree_id", p.decree_id, decree, p.decree_id.is_distinct_from(decree)),
    )
    changed = or_(*(condition for *_values, condition in columns))
    before = changed_only([(name, old, condition) for name, old, _new, condition in columns])
    after = changed_only([(name, new, condition) for name, _old, new, condition in columns])
    rows = select(action(AuditAction.UPDATE), literal("household_period"), cast(p.id, Text), p.region_code)
    rows = rows.add_columns(before, after, literal("")).join_from(STANDING, households, same_row)
    insert_audit_rows(connection, rows.where(changed))
    connection.execute(
        update(STANDING).where(same_row, changed).values(dtks_status=s.status, desil=s.desil, decree_id=decree)
    )
    new = select(s.household_id, literal(period), s.status, s.desil, decree, s.region_code)
    new = new.add_columns(literal(now, p.recorded_at.type)).where(s.had_standing == false())
    names = ["household_id", "period", "dtks_status", "desil", "decree_id", "region_code", "recorded_at"]
    connection.execute(insert_with_regency(STANDING, names, new))
    after = json_object(*pairs([
        ("id", p.id), ("household_id", p.household_id), ("period", p.period), ("dtks_status", p.dtks_status),
        ("desil", p.desil), ("decree_id", p.decree_id), ("region_code", p.region_code),
        ("recorded_at", iso_timestamp(now)),
    ]))  # fmt: skip
    created = select(action(AuditAction.CREATE), literal("household_period"), cast(p.id, Text), p.region_code)
    created = created.add_columns(null(), after, literal("")).join_from(STANDING, households, same_row)
    insert_audit_rows(connection, created.where(s.had_standing == false()))
