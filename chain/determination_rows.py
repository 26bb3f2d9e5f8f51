"""The SK Penetapan's writes as set-based statements (chain/determination.py says the rules and their order).

A work table holds one decision per received proposal of the actor's scope (its target status, or none while
unscored); every row the decision writes is then one statement over it: the proposals' transitions and their
history rows, the decree and its links, the households and their standing in the period
(chain/determination_households.py), and the annex. Each
statement is followed by the audit rows the flush would have written for those rows (chain/audit.py: the
same snapshots, the same masking), so the trail reads as if every proposal had been moved by
chain/proposals.apply_recorded. Statements go to the session's connection: the bulk finality guard of
session statements (models/finality_bulk.py) refuses any bulk write to a decided proposal, which is exactly
what a transition is, so determination.py asks the rule itself before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    and_,
    case,
    cast,
    func,
    insert,
    literal,
    null,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from chain.audit import record
from chain.batch_sql import (
    action,
    insert_audit_rows,
    iso_column,
    iso_timestamp,
    json_object,
    pairs,
    text_of,
    work_table,
)
from chain.determination_households import apply_to_households, household_columns, write_standings
from chain.letters import Letter
from models import (
    Decree,
    DecreeKind,
    Household,
    HouseholdPeriod,
    PmtResult,
    Proposal,
    ProposalHistory,
    ProposalKind,
    ProposalStatus,
    RankingResult,
    RankingStatus,
    RegisterMode,
    User,
)
from models.audit import AuditAction
from models.audit_trail import column_value, mask_text
from models.base import insert_with_regency, regency_of_column, table_of, utc_now
from models.decree import decree_proposal
from models.decree_annex import copy_annex
from models.household import requested_household_changes
from models.refusals import Conflict
from models.workflow import BY_ACTION, TransitionRefused


def desil_source(mode: RegisterMode) -> Any:
    """The rows giving a household its desil of a period: (household_id, regency_code, period, desil)."""
    if mode is RegisterMode.DTKS:
        return table_of(PmtResult)
    ranked = select(RankingResult.household_id, RankingResult.regency_code, RankingResult.period, RankingResult.desil)
    return ranked.where(RankingResult.status == RankingStatus.RANKED).subquery("ranked")


PAGE = 5_000  # update proposals whose requested changes are checked at a time
RECEIVED, DETERMINED, NOT_DETERMINED = (s.value for s in (ProposalStatus.RECEIVED, ProposalStatus.DETERMINED,
                                                          ProposalStatus.NOT_DETERMINED))  # fmt: skip
ACTIONS = {DETERMINED: "determine", NOT_DETERMINED: "not_determine"}
PROPOSAL, HISTORY, HOUSEHOLD = (table_of(m) for m in (Proposal, ProposalHistory, Household))


def decision_columns() -> tuple[Column[Any], ...]:
    """One row per received proposal: what was read of it, and the decision (target None: not scored yet)."""
    return (
        Column("proposal_id", Integer, primary_key=True),
        Column("household_id", Integer, nullable=False, index=True),
        Column("region_code", String(13), nullable=False),
        Column("kind", String(20), nullable=False),
        Column("version", Integer, nullable=False),
        Column("changed_at", DateTime(timezone=True), nullable=False),
        Column("desil", SmallInteger),
        Column("target", String(20)),
    )


def _change_columns() -> tuple[Column[Any], ...]:
    """A determined update's checked changes (None: not asked), with the address as the audit trail shows it."""
    return (
        Column("household_id", Integer, primary_key=True),
        Column("proposal_id", Integer, primary_key=True),
        *(Column(name, String(200)) for name in ("address", "rt", "rw", "address_seen", "old_address_seen")),
    )


@dataclass
class SkWriter:
    """The statements of one SK Penetapan over its work tables, in the caller's transaction."""

    session: Session
    connection: Connection
    user: User
    period: str
    notes: dict[str, str]  # action -> the history note
    decisions: Table
    changes: Table
    households: Table
    now: datetime
    decree_id: int = 0

    @classmethod
    @contextmanager
    def opened(cls, session: Session, user: User, period: str, notes: dict[str, str]) -> Iterator[SkWriter]:
        connection = session.connection()
        with (
            work_table(connection, "sk_decision", *decision_columns()) as decisions,
            work_table(connection, "sk_change", *_change_columns()) as changes,
            work_table(connection, "sk_household", *household_columns()) as households,
        ):
            yield cls(session, connection, user, period, notes, decisions, changes, households, utc_now())
        _forget_loaded_rows(session)

    # --- reading and deciding ----------------------------------------------------------------------

    def decide(self, in_scope: Callable[[Any], ColumnElement[bool]], max_desil: int, mode: RegisterMode) -> None:
        """One decision per RECEIVED proposal in scope: a removal is determined; a scored proposal is determined
        at or below `max_desil` and not determined above it; an unscored one stays (target NULL). The desil is
        the period's PMT result in the DTKS mode, the family's BPS ranking of the period in the DTSEN mode."""
        result = desil_source(mode)
        removal = PROPOSAL.c.kind == ProposalKind.REMOVE
        target = case(
            (removal, DETERMINED), (result.c.desil.is_(None), null()), (result.c.desil <= max_desil, DETERMINED),
            else_=NOT_DETERMINED,
        )  # fmt: skip
        scored = and_(
            result.c.household_id == PROPOSAL.c.household_id,
            result.c.regency_code == PROPOSAL.c.regency_code,
            result.c.period == self.period,
        )
        source = (
            select(
                PROPOSAL.c.id,
                PROPOSAL.c.household_id,
                PROPOSAL.c.region_code,
                PROPOSAL.c.kind,
                PROPOSAL.c.version,
                PROPOSAL.c.status_changed_at,
                case((removal, null()), else_=result.c.desil),
                target,
            )  # fmt: skip
            .select_from(PROPOSAL.outerjoin(result, scored))
            .where(PROPOSAL.c.status == ProposalStatus.RECEIVED, in_scope(PROPOSAL.c.region_code))
        )
        self.connection.execute(insert(self.decisions).from_select(list(self.decisions.c.keys()), source))

    def outcome(self) -> tuple[list[int], list[int], list[int]]:
        """The proposal ids determined, not determined and unscored, each in id order."""
        lists: dict[str | None, list[int]] = {DETERMINED: [], NOT_DETERMINED: [], None: []}
        rows = self.connection.execute(
            select(self.decisions.c.proposal_id, self.decisions.c.target).order_by(self.decisions.c.proposal_id)
        )
        for proposal_id, target in rows:
            lists[target].append(proposal_id)
        return lists[DETERMINED], lists[NOT_DETERMINED], lists[None]

    def check_requested_changes(self) -> None:
        """Every determined update's requested changes checked again (the JSON may be older than the rule) and
        staged; the first invalid one, in proposal order, refuses the whole SK."""
        d, last = self.decisions, 0
        while True:
            page = self.connection.execute(
                select(d.c.proposal_id, d.c.household_id, PROPOSAL.c.requested_changes, HOUSEHOLD.c.address)
                .join(PROPOSAL, PROPOSAL.c.id == d.c.proposal_id)
                .join(HOUSEHOLD, HOUSEHOLD.c.id == d.c.household_id)
                .where(d.c.kind == ProposalKind.UPDATE.value, d.c.target == DETERMINED, d.c.proposal_id > last)
                .order_by(d.c.proposal_id)
                .limit(PAGE)
            ).all()
            if not page:
                return
            staged = [_staged_change(row) for row in page]
            if rows := [row for row in staged if row is not None]:
                self.connection.execute(insert(self.changes), rows)
            last = page[-1].proposal_id

    # --- the decree and the proposals --------------------------------------------------------------

    def write_decree(self, letter: Letter, decided: list[int], taken: str) -> int:
        """The signed SK Penetapan (one row, Conflict `taken` on a used number) and its CREATE audit row."""
        values = {
            "kind": DecreeKind.MINISTRY_DETERMINATION, "region_code": "", "number": letter.number,
            "decree_date": letter.dated, "signer_name": letter.signer_name, "signer_title": letter.signer_title,
            "period": self.period, "signed_at": self.now, "created_at": self.now, "updated_at": self.now,
        }  # fmt: skip
        try:
            inserted = self.connection.execute(insert(table_of(Decree)).values(**values)).inserted_primary_key
        except IntegrityError as error:  # the decree's (kind, region, number) is unique
            raise Conflict(taken) from error
        assert inserted is not None  # one row inserted: its key
        self.decree_id = int(inserted[0])
        after = {"id": self.decree_id, **values, "proposals": [str(pk) for pk in sorted(decided)]}
        record(self.session, AuditAction.CREATE, object_type="decree", object_id=self.decree_id, region_code="",
               message="", after=after)  # fmt: skip
        return self.decree_id

    def move_proposals(self) -> int:
        """Every decided proposal along its arrow (status, its time, version + 1), if still as read; how many moved.

        Then the audit rows of each transition: the flush's UPDATE row and apply_recorded's TRANSITION row.
        """
        d = self.decisions
        moved = self.connection.execute(
            update(PROPOSAL)
            .where(PROPOSAL.c.id == d.c.proposal_id, d.c.target.is_not(None))
            .where(PROPOSAL.c.status == ProposalStatus.RECEIVED, PROPOSAL.c.version == d.c.version)
            .values(status=d.c.target, status_changed_at=self.now, version=PROPOSAL.c.version + 1, updated_at=self.now)
        ).rowcount
        received = text_of(RECEIVED)
        updated = (
            json_object(*pairs([("status", received), ("status_changed_at", iso_column(d.c.changed_at))])),
            json_object(*pairs([("status", d.c.target), ("status_changed_at", iso_timestamp(self.now))])),
        )
        transition = (
            json_object(*pairs([("status", received), ("version", d.c.version)])),
            json_object(*pairs([("status", d.c.target), ("version", d.c.version + 1), ("note", self._note(True))])),
        )
        for kind, (before, after), message in (
            (AuditAction.UPDATE, updated, literal("")),
            (AuditAction.TRANSITION, transition, self._by_target(lambda target: _transition_message(target))),
        ):
            rows = select(
                action(kind), literal("proposal"), cast(d.c.proposal_id, Text), d.c.region_code, before, after
            )
            insert_audit_rows(self.connection, rows.add_columns(message).where(d.c.target.is_not(None)))
        return moved

    def write_history(self) -> None:
        """One history row per transition (from received, by the user, now, with its note) and its CREATE row."""
        d, user = self.decisions, self.user
        mark = self.connection.scalar(select(func.coalesce(func.max(HISTORY.c.id), 0)))
        rows = select(
            d.c.proposal_id, d.c.region_code, literal(RECEIVED), d.c.target, literal(user.id, Integer),
            literal(user.full_name, String), literal(self.now, HISTORY.c.at.type), self._note(False),
        ).where(d.c.target.is_not(None))  # fmt: skip
        names = ["proposal_id", "region_code", "from_status", "to_status", "actor_id", "actor_name", "at", "note"]
        self.connection.execute(insert_with_regency(HISTORY, names, rows))
        h = HISTORY.c
        after = json_object(*pairs([
            ("id", h.id), ("proposal_id", h.proposal_id), ("region_code", h.region_code),
            ("from_status", h.from_status), ("to_status", h.to_status), ("actor_id", h.actor_id),
            ("actor_name", text_of(column_value("actor_name", user.full_name))), ("at", iso_timestamp(self.now)),
            ("note", self._note(True)),
        ]))  # fmt: skip
        created = select(action(AuditAction.CREATE), literal("proposal_history"), cast(h.id, Text), h.region_code)
        created = created.add_columns(null(), after, literal("")).join_from(
            HISTORY, d, h.proposal_id == d.c.proposal_id
        )
        insert_audit_rows(self.connection, created.where(h.id > mark))

    def link_proposals(self) -> None:
        """The decree's annex links: every decided proposal."""
        d = self.decisions
        linked = select(literal(self.decree_id, Integer), d.c.proposal_id, regency_of_column(d.c.region_code))
        names = ["decree_id", "proposal_id", "regency_code"]
        self.connection.execute(insert(decree_proposal).from_select(names, linked.where(d.c.target.is_not(None))))

    # --- households and their standing (chain/determination_households.py) ---------------------------

    def apply_to_households(self) -> None:
        apply_to_households(self.connection, self.decisions, self.changes, self.households, self.period, self.now)

    def write_standings(self) -> None:
        write_standings(self.connection, self.households, self.period, self.decree_id, self.now)

    def snapshot_annex(self) -> None:
        """The annex as determined (the requested changes applied by now), in this transaction."""
        copy_annex(self.session, self.decree_id)

    # --- pieces --------------------------------------------------------------------------------------

    def _by_target(self, value: Callable[[str], str]) -> ColumnElement[str]:
        return case((self.decisions.c.target == DETERMINED, text_of(value(DETERMINED))),
                    else_=text_of(value(NOT_DETERMINED)))  # fmt: skip

    def _note(self, as_audited: bool) -> ColumnElement[str]:
        """The history note of each decision (`as_audited`: as the trail's snapshots write it, masked)."""

        def note(target: str) -> str:
            text = self.notes[ACTIONS[target]]
            return str(column_value("note", text)) if as_audited else text

        return self._by_target(note)


def _transition_message(target: str) -> str:
    """The TRANSITION row's message, as chain/proposals.apply_recorded words it."""
    transition = BY_ACTION[ACTIONS[target]]
    return mask_text(f"{transition.label}: {ProposalStatus.RECEIVED.label} -> {transition.target.label}")[:500]


def _staged_change(row: Any) -> dict[str, Any] | None:
    try:
        changes = requested_household_changes(row.requested_changes or {})
    except ValueError as refusal:  # stored before the rule existed: refuse the whole SK, change nothing
        raise TransitionRefused(f"Usulan #{row.proposal_id}: {refusal}") from refusal
    if not changes:
        return None
    address = changes.get("address")
    return {
        "household_id": row.household_id,
        "proposal_id": row.proposal_id,
        "address": address,
        "rt": changes.get("rt"),
        "rw": changes.get("rw"),
        "address_seen": None if address is None else column_value("address", address),
        "old_address_seen": column_value("address", row.address),
    }


def _forget_loaded_rows(session: Session) -> None:
    """Rows this session had loaded that the statements changed are read again on their next use."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Proposal | Household | HouseholdPeriod | Decree):
            session.expire(obj)
