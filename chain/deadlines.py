"""Step targets and overdue proposals as SQL: the database side of models/deadlines.py's working-day rule."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from models.deadline import StepTarget
from models.deadlines import overdue_since
from models.proposal import Proposal, ProposalStatus


def step_targets(session: Session) -> dict[str, int]:
    return {status: days for status, days in session.execute(select(StepTarget.status, StepTarget.working_days))}


def overdue_condition(targets: Mapping[str, int], today: date) -> Any:
    """SQL: the proposal has stayed in its (non-final) status longer than the status's target."""
    clauses = [
        and_(
            Proposal.status == ProposalStatus(status),
            Proposal.status_changed_at < datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC),
        )
        for status, day in overdue_since(targets, today).items()
    ]
    return or_(*clauses) if clauses else and_(Proposal.id.is_(None), Proposal.id.is_not(None))
