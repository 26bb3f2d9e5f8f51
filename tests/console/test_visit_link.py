"""A visit recorded without its proposal goes to the family's proposal that waits for it (chain/visit_links.py):
linked when exactly one waits, refused with the numbers when several do, left unlinked when none does; then the
enumerator's "Kunjungan verval selesai" holds (it needs a linked visit)."""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from chain import visit_links
from models import Proposal, ProposalKind, ProposalStatus, Visit
from models.workflow import BY_ACTION
from tests.console.form_posts import create, refusal_text, row_counts, saved_row
from tests.factories import make_household, make_proposal

FIELDS = {"proposal": "", "enumerator_name": "Rahmat Hidayat", "visited_on": "2026-03-05", "kind": "verval"}


def test_the_visit_waits_for_the_arrow_that_needs_it() -> None:
    assert visit_links.WAITING_FOR_VISIT == {BY_ACTION["record_visit"].source} == {ProposalStatus.AGREED}


def test_an_unlinked_visit_goes_to_the_one_proposal_waiting(admin_client: TestClient, db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.AGREED)
    db_session.commit()
    response = create(admin_client, "visit", {**FIELDS, "household": str(proposal.household_id)})
    visit = saved_row(response, db_session, Visit)
    assert visit.proposal_id == proposal.id
    assert "dicatat untuk usulan" in admin_client.get(response.headers["location"]).text


def test_two_proposals_waiting_make_the_enumerator_choose(admin_client: TestClient, db_session: Session) -> None:
    first = make_proposal(db_session, ProposalStatus.AGREED)
    second = make_proposal(db_session, ProposalStatus.DRAFT, region_code=first.region_code)
    second.household_id = first.household_id
    db_session.flush()
    db_session.commit()
    # Only an agreed proposal waits: a draft does not, so the visit still goes to the first.
    response = create(admin_client, "visit", {**FIELDS, "household": str(first.household_id)})
    assert saved_row(response, db_session, Visit).proposal_id == first.id

    third = Proposal(kind=ProposalKind.UPDATE, household=first.household, status=ProposalStatus.AGREED)
    db_session.add(third)
    db_session.commit()
    before = row_counts(db_session)
    response = create(admin_client, "visit", {**FIELDS, "household": str(first.household_id)})
    assert response.status_code == 400
    message = refusal_text(response)
    assert f"#{first.id}" in message and f"#{third.id}" in message and "pilih usulannya" in message
    assert row_counts(db_session) == before

    chosen = {**FIELDS, "household": str(first.household_id), "proposal": str(third.id)}
    response = create(admin_client, "visit", chosen)
    assert saved_row(response, db_session, Visit).proposal_id == third.id


def test_a_family_with_nothing_waiting_keeps_an_unlinked_visit(admin_client: TestClient, db_session: Session) -> None:
    household = make_household(db_session)
    db_session.commit()
    response = create(admin_client, "visit", {**FIELDS, "household": str(household.id)})
    assert saved_row(response, db_session, Visit).proposal_id is None
