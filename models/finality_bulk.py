"""The finality rule for bulk statements run through a session (`session.execute(update(...) / delete / insert)`).

The flush guard (models/finality_guard.py) sees objects; a bulk statement never becomes one, so this hook
(do_orm_execute, attached to the session factory by chain/write_path.py) asks the database instead, before
the statement runs: does its WHERE clause reach a fixed row (one query), or does one of its rows name a
fixed parent? A bulk UPDATE cannot say which columns it changes row by row, so it is refused on any fixed
row, transition columns included (transitions go through objects). Plain SQL text and statements on a bare
connection are the database triggers' business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Delete, FromClause, Table, Update, exists, or_, select
from sqlalchemy.orm import ORMExecuteState, Session
from sqlalchemy.sql.elements import ClauseElement

from models import finality
from models.decree import Decree, DecreeKind, decree_proposal
from models.decree_annex import DecreeAnnexRow
from models.determination import HouseholdPeriod, PmtResult
from models.finality import RecordFixed
from models.finality_guard import fresh_rows
from models.finality_rows import Facts
from models.meeting import Meeting, MeetingDecision, MeetingParticipant
from models.proposal import Proposal
from models.ranking import RankingResult
from models.visit import Visit, VisitResult

# table -> the message of a refused bulk change (periods say which period)
_MESSAGES = {
    Proposal.__table__: finality.PROPOSAL_IN_DECREE,
    Visit.__table__: finality.VISIT_CONFIRMED,
    Decree.__table__: finality.DECREE_SIGNED,
    decree_proposal: finality.DECREE_SIGNED,
    DecreeAnnexRow.__table__: finality.DECREE_SIGNED,
    Meeting.__table__: finality.MEETING_FINAL,
    MeetingParticipant.__table__: finality.PARTICIPANTS_FINAL,
    MeetingDecision.__table__: finality.MEETING_FINAL,
    PmtResult.__table__: finality.PERIOD_DETERMINED,
    HouseholdPeriod.__table__: finality.PERIOD_DETERMINED,
    RankingResult.__table__: finality.PERIOD_DETERMINED,
}


def _fresh_ids(session: Session, model: type) -> set[Any]:
    return {state.identity[0] for state in fresh_rows(session) if state.class_ is model and state.identity}


def _determined_periods(session: Session) -> Any:
    return select(Decree.period).where(
        Decree.kind == DecreeKind.MINISTRY_DETERMINATION,
        Decree.signed_at.is_not(None),
        Decree.id.not_in(_fresh_ids(session, Decree)),
    )


def fixed_condition(session: Session, table: Table) -> ColumnElement[bool] | None:
    """SQL that holds for the rows of `table` the rule fixes (as stored), or None for tables it does not govern."""
    columns = table.c
    final_meetings = select(Meeting.id).where(
        Meeting.finalised_at.is_not(None), Meeting.id.not_in(_fresh_ids(session, Meeting))
    )
    signed = select(Decree.id).where(Decree.signed_at.is_not(None), Decree.id.not_in(_fresh_ids(session, Decree)))
    closed = select(Proposal.id).where(
        Proposal.status.not_in(finality.VISIT_OPEN), Proposal.id.not_in(_fresh_ids(session, Proposal))
    )
    conditions: dict[FromClause, Callable[[], ColumnElement[bool]]] = {
        Proposal.__table__: lambda: columns.status.not_in(finality.OPEN),
        Visit.__table__: lambda: or_(
            columns.result != VisitResult.PENDING, columns.confirmed_at.is_not(None), columns.proposal_id.in_(closed)
        ),
        Decree.__table__: lambda: columns.signed_at.is_not(None),
        decree_proposal: lambda: columns.decree_id.in_(signed),
        DecreeAnnexRow.__table__: lambda: columns.decree_id.in_(signed),
        Meeting.__table__: lambda: columns.finalised_at.is_not(None),
        MeetingParticipant.__table__: lambda: columns.meeting_id.in_(final_meetings),
        MeetingDecision.__table__: lambda: columns.meeting_id.in_(final_meetings),
        PmtResult.__table__: lambda: columns.period.in_(_determined_periods(session)),
        HouseholdPeriod.__table__: lambda: columns.period.in_(_determined_periods(session)),
        RankingResult.__table__: lambda: columns.period.in_(_determined_periods(session)),
    }
    condition = conditions.get(table)
    return condition() if condition is not None else None


def _refusal(table: Table, period: str | None = None) -> str:
    return _MESSAGES[table].format(period=period or "")


def _inserted_refusal(session: Session, table: Table, row: dict[str, Any]) -> str | None:
    """Why one row of a bulk INSERT names a fixed parent (or a determined period), or None."""
    facts = Facts(session, fresh=fresh_rows(session))
    if table is Visit.__table__:
        return finality.visit_parent_refusal(facts.proposal_status(row.get("proposal_id")))
    if table in (MeetingParticipant.__table__, MeetingDecision.__table__) and facts.meeting_final(
        row.get("meeting_id")
    ):
        return _refusal(table)
    if table in (decree_proposal, DecreeAnnexRow.__table__) and row.get("decree_id") is not None:
        decree = session.get(Decree, row["decree_id"])
        fresh = decree is not None and decree.id in _fresh_ids(session, Decree)
        return _refusal(table) if decree is not None and decree.is_signed and not fresh else None
    period_tables = (PmtResult.__table__, HouseholdPeriod.__table__, RankingResult.__table__)
    if table in period_tables and facts.period_determined(row.get("period")):
        return _refusal(table, row.get("period"))
    return None


def _rows(state: ORMExecuteState) -> list[dict[str, Any]]:
    parameters = state.parameters
    if parameters is not None and not isinstance(parameters, Mapping):  # executemany: one mapping per row
        return [dict(row) for row in parameters]
    if parameters:
        return [dict(parameters)]
    statement = state.statement
    assert isinstance(statement, ClauseElement)  # an INSERT: its values are in the statement
    return [dict(statement.compile().params)]


def _table_of(state: ORMExecuteState) -> Table | None:
    mapper = state.bind_mapper
    table = mapper.local_table if mapper is not None else getattr(state.statement, "table", None)
    return table if isinstance(table, Table) and table in _MESSAGES else None


def refuse_fixed_bulk_writes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = _table_of(state)
    if table is None:
        return
    session = state.session
    with session.no_autoflush:
        if state.is_insert:
            for row in _rows(state):
                if reason := _inserted_refusal(session, table, row):
                    raise RecordFixed(reason)
            return
        condition = fixed_condition(session, table)
        statement = state.statement
        assert isinstance(statement, Update | Delete)  # is_update or is_delete, checked above
        where = statement.whereclause
        conditions = [c for c in (where, condition) if c is not None]
        if session.scalar(select(exists().where(*conditions))):
            period = session.scalar(select(table.c.period).where(*conditions)) if "period" in table.c else None
            raise RecordFixed(_refusal(table, period))
