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


def overdue_cutoffs(targets: Mapping[str, int], today: date) -> dict[ProposalStatus, datetime]:
    """Per non-final status with a target: a proposal changed to it before this instant is overdue today."""
    return {
        ProposalStatus(status): datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC)
        for status, day in overdue_since(targets, today).items()
    }


def overdue_condition(targets: Mapping[str, int], today: date) -> Any:
    """SQL: the proposal has stayed in its (non-final) status longer than the status's target."""
    clauses = [
        and_(Proposal.status == status, Proposal.status_changed_at < cutoff)
        for status, cutoff in overdue_cutoffs(targets, today).items()
    ]
    return or_(*clauses) if clauses else and_(Proposal.id.is_(None), Proposal.id.is_not(None))
