"""models/scope_sync.py, on SQLite and PostgreSQL: owned rows follow their owner's region code, and a row that other
rows point to stays in its regency (on PostgreSQL those links include the regency code, docs/SCALING.md rule 2)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import (
    Dispute,
    Household,
    Meeting,
    Member,
    Programme,
    ProgrammeMembership,
    ProgrammeReview,
    Proposal,
    RequestChannel,
    RequestEvidence,
    RequestKind,
    ResidentRequest,
    ReviewDecision,
)
from models.member import HouseholdRuleViolation
from models.proposal import ProposalStatus
from tests.factories import DEFAULT_VILLAGE, make_household, make_proposal, make_visit

NEIGHBOUR_VILLAGE = "52.72.01.1002"  # same regency (Kota Bima)
OTHER_REGENCY_VILLAGE = "52.71.01.1004"  # Kota Mataram


def _codes(session: Session, household_id: int) -> set[tuple[str, str]]:
    members = select(Member.region_code, Member.regency_code).where(Member.household_id == household_id)
    proposals = select(Proposal.region_code, Proposal.regency_code).where(Proposal.household_id == household_id)
    return {(row[0], row[1]) for query in (members, proposals) for row in session.execute(query)}


def test_a_family_moved_within_its_regency_takes_its_rows_along(db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.DRAFT, members=2)
    make_visit(db_session, proposal.household, proposal)
    db_session.commit()
    household = proposal.household
    household.region_code = NEIGHBOUR_VILLAGE
    db_session.commit()

    assert _codes(db_session, household.id) == {(NEIGHBOUR_VILLAGE, "52.72")}
    assert {(visit.region_code, visit.regency_code) for visit in household.visits} == {(NEIGHBOUR_VILLAGE, "52.72")}


def test_a_family_is_not_moved_to_another_regency(db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.DRAFT, members=2)
    db_session.commit()
    household = proposal.household
    household.region_code = OTHER_REGENCY_VILLAGE
    with pytest.raises(HouseholdRuleViolation, match="Keluarga tidak dapat dipindahkan ke kabupaten/kota lain"):
        db_session.flush()
    db_session.rollback()

    assert db_session.get_one(Household, household.id).region_code == DEFAULT_VILLAGE
    assert _codes(db_session, household.id) == {(DEFAULT_VILLAGE, "52.72")}


def test_a_family_without_followers_is_held_to_the_same_rule(db_session: Session) -> None:
    household = make_household(db_session, members=0)
    db_session.commit()
    household.region_code = OTHER_REGENCY_VILLAGE
    with pytest.raises(HouseholdRuleViolation, match=r"\(52\.72 ke 52\.71\)"):
        db_session.commit()
    db_session.rollback()
    assert db_session.get_one(Household, household.id).regency_code == "52.72"


def test_a_proposal_is_not_moved_to_a_family_in_another_regency(db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.DRAFT)
    elsewhere = make_household(db_session, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    proposal.household_id = elsewhere.id
    with pytest.raises(HouseholdRuleViolation, match="Usulan tidak dapat dipindahkan"):
        db_session.commit()
    db_session.rollback()
    assert db_session.get_one(Proposal, proposal.id).regency_code == "52.72"


def test_a_meeting_is_not_moved_to_another_regency(db_session: Session) -> None:
    meeting = Meeting(region_code=DEFAULT_VILLAGE, held_on=date(2026, 9, 1), place="Balai desa")
    db_session.add(meeting)
    db_session.commit()
    meeting.region_code = NEIGHBOUR_VILLAGE
    db_session.commit()  # within the regency: allowed
    meeting.region_code = OTHER_REGENCY_VILLAGE
    with pytest.raises(HouseholdRuleViolation, match="Musyawarah tidak dapat dipindahkan"):
        db_session.commit()
    db_session.rollback()
    assert db_session.get_one(Meeting, meeting.id).region_code == NEIGHBOUR_VILLAGE


def test_a_moved_family_takes_its_programme_memberships_and_usul_sanggah_along(db_session: Session) -> None:
    household = make_household(db_session)
    pkh = db_session.scalars(select(Programme.id).where(Programme.code == "PKH")).one()
    membership = ProgrammeMembership(household_id=household.id, programme_id=pkh, period="2026-10")
    request = ResidentRequest(kind=RequestKind.SANGGAH, channel=RequestChannel.WALK_IN, household_id=household.id,
                              dispute=Dispute.WRONG_DATA, resident_name="Warga", statement="Alamat salah")  # fmt: skip
    db_session.add_all([membership, request])
    db_session.flush()
    review = ProgrammeReview(membership_id=membership.id, desil=None, min_desil=1, max_desil=4,
                             decision=ReviewDecision.CONTINUE, region_code=membership.region_code)  # fmt: skip
    evidence = RequestEvidence(request_id=request.id, region_code=request.region_code, file_path="a/b.pdf",
                               file_sha256="0" * 64)  # fmt: skip
    db_session.add_all([review, evidence])
    db_session.commit()
    assert membership.region_code == request.region_code == DEFAULT_VILLAGE

    household.region_code = NEIGHBOUR_VILLAGE
    db_session.commit()

    db_session.expire_all()
    rows = [db_session.get_one(type(row), row.id) for row in (membership, review, request, evidence)]
    assert {(row.region_code, row.regency_code) for row in rows} == {(NEIGHBOUR_VILLAGE, "52.72")}
