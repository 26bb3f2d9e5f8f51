"""Deadlines of the chain as the database holds them: step targets, monthly windows, and the overdue SQL.

The rules are the models': working days per status (models/deadlines.py, the Bima SOP targets) and, where a
regency keeps monthly proposal windows, the window's close for the statuses a window governs (models/windows.py).
`Deadlines` holds both for the regencies in a scope, read in two small queries, and says for one proposal when it
is due and whether it is late, and for a list the same thing as SQL: one rule for the cell, the filter and the
dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from models.deadline import StepTarget
from models.deadlines import due_date, is_overdue, overdue_since
from models.proposal import Proposal, ProposalStatus
from models.windows import WINDOW_CLOSES, ProposalWindow, last_close_before, month_of, window_due
from policies.scope import Scope

WINDOW_HISTORY_DAYS = 730  # windows older than this are not read: a proposal that old is overdue by a later one


def step_targets(session: Session) -> dict[str, int]:
    return {status: days for status, days in session.execute(select(StepTarget.status, StepTarget.working_days))}


def overdue_cutoffs(targets: Mapping[str, int], today: date) -> dict[ProposalStatus, datetime]:
    """Per non-final status with a target: a proposal changed to it before this instant is overdue today."""
    return {
        ProposalStatus(status): _start_of(day + timedelta(days=1))
        for status, day in overdue_since(targets, today).items()
    }


def _start_of(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


def _day_of(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


Closes = dict[ProposalStatus, list[date]]


@dataclass(frozen=True)
class Deadlines:
    """The step targets and, per regency, the sorted closes of its windows for each window-governed status."""

    targets: dict[str, int]
    closes: dict[str, Closes] = field(default_factory=dict)

    def _window_due(self, status: ProposalStatus, entered: date, regency_code: str) -> date | None:
        return window_due(status, entered, self.closes.get(regency_code, {}))

    def due(self, status: ProposalStatus | str, changed_at: date | datetime | None, regency_code: str) -> date | None:
        """The last day the proposal may stay in its status ("Tenggat"); None when no deadline applies."""
        status = ProposalStatus(status)
        if status.is_final or changed_at is None:
            return None
        return self._window_due(status, _day_of(changed_at), regency_code) or due_date(status, changed_at, self.targets)

    def overdue(
        self, status: ProposalStatus | str, changed_at: date | datetime | None, regency_code: str, today: date
    ) -> bool:
        status = ProposalStatus(status)
        if status.is_final or changed_at is None:
            return False
        window = self._window_due(status, _day_of(changed_at), regency_code)
        if window is not None:
            return today > window
        return is_overdue(status, changed_at, self.targets, today)

    def status_conditions(self, today: date) -> dict[ProposalStatus, Any]:
        """Per status that can be late: SQL saying a proposal in it is overdue today (for the index walks)."""
        by_target = overdue_cutoffs(self.targets, today)
        conditions: dict[ProposalStatus, Any] = {}
        for status in {*by_target, *WINDOW_CLOSES}:
            clause = self._status_condition(status, by_target.get(status), today)
            if clause is not None:
                conditions[status] = and_(Proposal.status == status, clause)
        return conditions

    def _status_condition(self, status: ProposalStatus, target_cutoff: datetime | None, today: date) -> Any:
        # Regencies whose windows give the same two instants share one clause (districts mostly keep one pattern).
        groups: dict[tuple[datetime | None, datetime], list[str]] = defaultdict(list)
        for regency, closes in self.closes.items():
            column = closes.get(status)
            if column:
                last = last_close_before(column, today)
                groups[
                    (_start_of(last + timedelta(days=1)) if last else None, _start_of(column[-1] + timedelta(days=1)))
                ].append(regency)
        clauses = []
        for (window_cutoff, after_windows), regencies in groups.items():
            late = []
            if window_cutoff is not None:
                late.append(Proposal.status_changed_at < window_cutoff)
            if target_cutoff is not None:  # entered after the last window: the working-day target applies
                late.append(
                    and_(Proposal.status_changed_at >= after_windows, Proposal.status_changed_at < target_cutoff)
                )
            if late:
                clauses.append(and_(Proposal.regency_code.in_(regencies), or_(*late)))
        if target_cutoff is not None:
            governed = [regency for members in groups.values() for regency in members]
            outside = Proposal.regency_code.not_in(governed) if governed else None
            by_target = Proposal.status_changed_at < target_cutoff
            clauses.append(and_(outside, by_target) if outside is not None else by_target)
        return or_(*clauses) if clauses else None

    def condition(self, today: date) -> Any:
        """SQL: the proposal has stayed in its (non-final) status past its deadline."""
        conditions = list(self.status_conditions(today).values())
        return or_(*conditions) if conditions else false()


def load_deadlines(session: Session, scope: Scope | None = None, today: date | None = None) -> Deadlines:
    """The targets and the windows of the regencies in `scope` (all when None) from two years back."""
    today = today or datetime.now(UTC).date()
    if scope is not None and not scope.valid:
        return Deadlines(step_targets(session))
    attributes = list(WINDOW_CLOSES.items())
    # Plain columns, not ORM rows: the nation's two years are ~13,000 windows, read on every list page.
    statement = select(
        ProposalWindow.regency_code, *(getattr(ProposalWindow, attribute) for _, attribute in attributes)
    ).where(ProposalWindow.month >= month_of(today - timedelta(days=WINDOW_HISTORY_DAYS)))
    code = scope.code if scope is not None else None
    if code:
        statement = statement.where(ProposalWindow.regency_code.startswith(code[: len("00.00")]))
    closes: dict[str, Closes] = defaultdict(lambda: defaultdict(list))
    for regency, *days in session.execute(statement.order_by(ProposalWindow.regency_code, ProposalWindow.month)):
        for (status, _), day in zip(attributes, days, strict=True):
            closes[regency][status].append(day)
    for by_status in closes.values():
        for column in by_status.values():
            column.sort()
    return Deadlines(step_targets(session), {regency: dict(by_status) for regency, by_status in closes.items()})


def overdue_condition(targets: Mapping[str, int], today: date) -> Any:
    """SQL of the working-day rule alone (no windows): kept for callers that hold only the targets."""
    return Deadlines(dict(targets)).condition(today)
