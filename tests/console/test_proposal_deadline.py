"""The proposal list's "Tenggat" column: the due date of the current status and the "Terlambat" badge."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from chain.deadlines import step_targets
from models import Proposal, ProposalKind, ProposalStatus
from models.base import utc_now
from models.deadlines import due_date
from tests.factories import make_household

VILLAGE = "52.72.01.1001"
LONG_AGO = datetime(2025, 1, 6, 8, tzinfo=UTC)  # a Monday


def _proposal(session: Session, status: ProposalStatus, changed_at: datetime) -> Proposal:
    proposal = Proposal(kind=ProposalKind.NEW, household=make_household(session, region_code=VILLAGE), status=status)
    proposal.status_changed_at = changed_at
    session.add(proposal)
    return proposal


def _row(page: str, proposal: Proposal) -> str:
    """The list row of `proposal` (its cells, tags stripped to what the user reads)."""
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    row = next(row for row in rows if f"/admin/proposal/details/{proposal.id}" in row)
    return " ".join(re.sub(r"<[^>]+>", " ", row).split())


def test_proposal_list_shows_the_due_date_and_marks_overdue_proposals(
    admin_client: TestClient, db_session: Session
) -> None:
    late = _proposal(db_session, ProposalStatus.DRAFT, LONG_AGO)
    fresh = _proposal(db_session, ProposalStatus.DRAFT, utc_now())
    final = _proposal(db_session, ProposalStatus.DETERMINED, LONG_AGO)
    db_session.commit()

    page = admin_client.get("/admin/proposal/list").text

    assert "Tenggat" in page
    targets = step_targets(db_session)  # the seeded SOP targets the page reads too
    assert f"{due_date(ProposalStatus.DRAFT, LONG_AGO, targets):%d-%m-%Y} Terlambat" in _row(page, late)
    fresh_due = due_date(ProposalStatus.DRAFT, fresh.status_changed_at, targets)
    assert f"{fresh_due:%d-%m-%Y}" in _row(page, fresh)
    assert "Terlambat" not in _row(page, fresh)
    assert "Terlambat" not in _row(page, final)
    assert 'class="badge bg-red-lt">Terlambat</span>' in page


def test_the_overdue_filter_and_the_badge_agree(admin_client: TestClient, db_session: Session) -> None:
    late = _proposal(db_session, ProposalStatus.DRAFT, LONG_AGO)
    fresh = _proposal(db_session, ProposalStatus.DRAFT, utc_now() - timedelta(minutes=5))
    db_session.commit()

    page = admin_client.get("/admin/proposal/list", params={"tenggat": "terlambat"}).text

    assert "Terlambat" in _row(page, late)
    assert f"/admin/proposal/details/{fresh.id}" not in page
