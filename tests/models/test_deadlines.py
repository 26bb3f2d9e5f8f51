"""Working days and overdue marking: pure, no database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models.deadlines import due_date, is_overdue, overdue_since, working_days_between
from models.proposal import ProposalStatus

MONDAY = date(2026, 11, 16)
TARGETS = {"draft": 1, "agreed": 4, "received": 15}


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (MONDAY, MONDAY, 0),
        (MONDAY, MONDAY + timedelta(days=1), 1),
        (MONDAY, MONDAY + timedelta(days=4), 4),  # Friday
        (MONDAY, MONDAY + timedelta(days=6), 4),  # Sunday: the weekend adds nothing
        (MONDAY, MONDAY + timedelta(days=7), 5),  # next Monday
        (MONDAY + timedelta(days=4), MONDAY + timedelta(days=7), 1),  # Friday -> Monday
        (MONDAY + timedelta(days=5), MONDAY + timedelta(days=6), 0),  # Saturday -> Sunday
        (MONDAY, MONDAY + timedelta(days=28), 20),
        (MONDAY, MONDAY - timedelta(days=3), 0),
    ],
)
def test_working_days_skip_weekends(start: date, end: date, expected: int) -> None:
    assert working_days_between(start, end) == expected


def test_working_days_agree_with_counting_day_by_day() -> None:
    for offset in range(7):
        start = MONDAY + timedelta(days=offset)
        for length in range(40):
            end = start + timedelta(days=length)
            slow = sum(1 for n in range(1, length + 1) if (start + timedelta(days=n)).weekday() < 5)
            assert working_days_between(start, end) == slow


def test_overdue_by_the_status_target() -> None:
    friday = MONDAY + timedelta(days=4)
    # draft: 1 working day. Monday -> Tuesday is on time, Monday -> Wednesday is late.
    assert not is_overdue(ProposalStatus.DRAFT, MONDAY, TARGETS, MONDAY + timedelta(days=1))
    assert is_overdue(ProposalStatus.DRAFT, MONDAY, TARGETS, MONDAY + timedelta(days=2))
    # Friday -> Monday is one working day, not three days.
    assert not is_overdue("draft", friday, TARGETS, friday + timedelta(days=3))
    # agreed: 4 working days; the same 2 days are on time.
    assert not is_overdue(ProposalStatus.AGREED, MONDAY, TARGETS, MONDAY + timedelta(days=2))
    assert is_overdue(ProposalStatus.AGREED, datetime(2026, 11, 16, 9, tzinfo=UTC), TARGETS, MONDAY + timedelta(days=7))


def test_final_statuses_and_statuses_without_target_are_never_overdue() -> None:
    long_ago = MONDAY - timedelta(days=400)
    assert not is_overdue(ProposalStatus.DETERMINED, long_ago, TARGETS, MONDAY)
    assert not is_overdue(ProposalStatus.REJECTED_MUSDES, long_ago, {"rejected_musdes": 1}, MONDAY)
    assert not is_overdue(ProposalStatus.SUBMITTED, long_ago, TARGETS, MONDAY)
    assert not is_overdue(ProposalStatus.DRAFT, None, TARGETS, MONDAY)


def test_overdue_since_matches_is_overdue() -> None:
    today = MONDAY + timedelta(days=9)
    cutoffs = overdue_since(TARGETS, today)
    for status in TARGETS:
        for back in range(30):
            day = today - timedelta(days=back)
            assert (day <= cutoffs[status]) == is_overdue(status, day, TARGETS, today)


def test_due_date_is_the_last_day_before_the_proposal_is_overdue() -> None:
    # draft: 1 working day; from a Friday the due date is the Monday after.
    friday = MONDAY + timedelta(days=4)
    assert due_date(ProposalStatus.DRAFT, friday, TARGETS) == MONDAY + timedelta(days=7)
    for status in TARGETS:
        for offset in range(14):
            start = MONDAY + timedelta(days=offset)
            due = due_date(status, start, TARGETS)
            assert due is not None
            for later in range(20):
                today = start + timedelta(days=later)
                assert is_overdue(status, start, TARGETS, today) == (working_days_between(due, today) > 0)


def test_final_statuses_and_statuses_without_target_have_no_due_date() -> None:
    assert due_date(ProposalStatus.DETERMINED, MONDAY, TARGETS) is None
    assert due_date(ProposalStatus.SUBMITTED, MONDAY, TARGETS) is None
    assert due_date(ProposalStatus.DRAFT, None, TARGETS) is None
