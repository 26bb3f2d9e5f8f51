"""Working days and overdue ("Terlambat") proposals: pure functions, no database.

Working days are Monday to Friday. There is NO holiday calendar (national holidays and cuti bersama are
counted as working days), so a proposal may be marked overdue a day or two early around holidays.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from models.proposal import ProposalStatus

OVERDUE_LABEL = "Terlambat"
ON_TIME_LABEL = "Tepat waktu"


def working_days_between(start: date, end: date) -> int:
    """Working days (Mon-Fri) after `start` up to and including `end`; 0 when `end` is not after `start`."""
    if end <= start:
        return 0
    total_days = (end - start).days
    full_weeks, rest = divmod(total_days, 7)
    count = full_weeks * 5
    day = start + timedelta(days=full_weeks * 7)
    for _ in range(rest):
        day += timedelta(days=1)
        if day.weekday() < 5:
            count += 1
    return count


def _as_date(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def is_overdue(
    status: ProposalStatus | str,
    status_changed_at: date | datetime | None,
    targets: Mapping[str, int],
    today: date,
) -> bool:
    """A proposal in a non-final status longer (in working days) than its status's target is overdue.

    `targets` maps a status value to its target in working days (StepTarget rows); a status without a
    target, a final status, or an unknown change date is never overdue.
    """
    status = ProposalStatus(status)
    if status.is_final or status_changed_at is None:
        return False
    target = targets.get(status.value)
    if target is None:
        return False
    return working_days_between(_as_date(status_changed_at), today) > target


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself for 0): the inverse of working_days_between."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def due_date(
    status: ProposalStatus | str, status_changed_at: date | datetime | None, targets: Mapping[str, int]
) -> date | None:
    """The last working day the proposal may stay in its status ("Tenggat"); None when no deadline applies.

    Same rule as `is_overdue`: from the first working day after the due date the proposal is overdue.
    """
    status = ProposalStatus(status)
    target = targets.get(status.value)
    if status.is_final or status_changed_at is None or target is None:
        return None
    return add_working_days(_as_date(status_changed_at), target)


def overdue_since(targets: Mapping[str, int], today: date) -> dict[str, date]:
    """Per status, the latest change date that is already overdue today (for SQL filters on the index)."""
    result: dict[str, date] = {}
    for status, target in targets.items():
        try:
            if ProposalStatus(status).is_final:
                continue
        except ValueError:
            continue
        # Walk back until more than `target` working days lie between the day and today.
        day = today
        while working_days_between(day, today) <= target:
            day -= timedelta(days=1)
        result[status] = day
    return result
