"""The finality guard refuses writes to decided rows from a plain Session (no HTTP), and lets the workflow write."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, insert, update
from sqlalchemy.orm import Session

from models import (
    Decree,
    DecreeKind,
    DtksStatus,
    Household,
    HouseholdPeriod,
    Meeting,
    MeetingParticipant,
    ParticipantPosition,
    PmtResult,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RankingImport,
    RankingResult,
    RankingStatus,
    Role,
    Visit,
    VisitResult,
)
from models.finality import PROPOSAL_DECIDED, PROPOSAL_IN_DECREE, RecordFixed
from models.finality_rows import Facts
from models.workflow import TransitionRefused, apply_transition
from tests.factories import make_decree, make_household, make_pmt_model
from tests.finality_world import dump, place

S = ProposalStatus
FIXED = sorted({S.IN_DECREE, S.RATIFIED, S.FORWARDED, S.RECEIVED, S.DETERMINED, S.NOT_DETERMINED})


def _committed(session: Session, status: ProposalStatus) -> Proposal:
    placed = place(session, status)
    session.commit()
    return session.get(Proposal, placed.proposal_id)


@pytest.mark.parametrize("status", FIXED, ids=lambda s: s.value)
def test_a_plain_session_cannot_change_or_delete_a_proposal_held_by_a_decree(
    status: ProposalStatus, db_session: Session
) -> None:
    proposal = _committed(db_session, status)
    before = dump(db_session)
    other = make_household(db_session)
    db_session.commit()
    before = dump(db_session)

    for change in ({"reason": "diubah"}, {"household_id": other.id}, {"kind": ProposalKind.KEEP}):
        proposal = db_session.get(Proposal, proposal.id)
        for name, value in change.items():
            setattr(proposal, name, value)
        with pytest.raises(RecordFixed, match="sudah masuk SK"):
            db_session.flush()
        db_session.rollback()
    db_session.delete(db_session.get(Proposal, proposal.id))
    with pytest.raises(RecordFixed, match="sudah masuk SK"):
        db_session.flush()
    db_session.rollback()

    assert dump(db_session) == before


def test_swapping_the_household_through_the_relationship_is_refused_too(db_session: Session) -> None:
    proposal = _committed(db_session, S.RATIFIED)
    other = make_household(db_session)
    db_session.commit()
    proposal.household = other
    with pytest.raises(RecordFixed, match=re.escape(PROPOSAL_IN_DECREE)):
        db_session.commit()


def test_a_value_set_without_having_been_loaded_is_judged_by_the_stored_row(db_session: Session) -> None:
    proposal = _committed(db_session, S.DETERMINED)
    db_session.expire(proposal)
    proposal.reason = "ditulis tanpa dibaca"
    with pytest.raises(RecordFixed):
        db_session.flush()


def test_the_workflow_still_moves_a_fixed_proposal_along_its_arrows(db_session: Session) -> None:
    proposal = _committed(db_session, S.FORWARDED)
    apply_transition(proposal, "match_nik", role=Role.PUSDATIN, actor_id=None, actor_name="Pusdatin")
    db_session.commit()
    apply_transition(proposal, "determine", role=Role.PUSDATIN, actor_id=None, actor_name="Pusdatin")
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).status == S.DETERMINED


def test_a_status_written_around_the_workflow_is_refused(db_session: Session) -> None:
    proposal = _committed(db_session, S.DETERMINED)
    proposal.status = S.DRAFT
    with pytest.raises(RecordFixed, match="tindakan alur usulan"):
        db_session.flush()


def test_a_musdes_decision_stays_but_the_checklist_may_be_completed_until_sent(db_session: Session) -> None:
    proposal = _committed(db_session, S.VERIFIED)
    proposal.has_sktm = True
    db_session.commit()
    proposal.reason = "alasan lain"
    with pytest.raises(RecordFixed, match=re.escape(PROPOSAL_DECIDED)):
        db_session.flush()
    db_session.rollback()
    sent = _committed(db_session, S.SUBMITTED)
    sent.has_sktm = False
    with pytest.raises(RecordFixed, match="sudah dikirim ke Dinas Sosial"):
        db_session.flush()


def test_an_open_proposal_still_changes_and_a_fresh_draft_is_deleted(db_session: Session) -> None:
    returned = _committed(db_session, S.RETURNED)
    returned.reason = "diperbaiki setelah dikembalikan"
    db_session.commit()
    draft = db_session.get(Proposal, place(db_session, S.DRAFT).proposal_id)
    db_session.commit()
    db_session.delete(draft)
    db_session.commit()
    assert db_session.get(Proposal, draft.id) is None


def test_a_reopened_draft_decided_by_a_finalised_musdes_is_not_deleted(db_session: Session) -> None:
    reopened = _committed(db_session, S.RETURNED)
    apply_transition(reopened, "reopen", role=Role.OPERATOR_DESA, actor_id=None, actor_name="Operator")
    db_session.commit()
    db_session.delete(reopened)
    with pytest.raises(RecordFixed, match="pernah diputuskan musyawarah"):
        db_session.flush()


@pytest.mark.parametrize("status", [S.VERIFIED, S.RATIFIED, S.DETERMINED], ids=lambda s: s.value)
def test_a_visit_of_a_proposal_past_visited_neither_changes_nor_grows(
    status: ProposalStatus, db_session: Session
) -> None:
    placed = place(db_session, status)
    db_session.commit()
    before = dump(db_session)
    visit = db_session.get(Visit, placed.visit_id)
    visit.notes = "ditulis ulang"
    with pytest.raises(RecordFixed):
        db_session.flush()
    db_session.rollback()
    household = db_session.get(Proposal, placed.proposal_id).household
    db_session.add(
        Visit(household=household, proposal_id=placed.proposal_id, enumerator_name="x", visited_on=date(2026, 9, 9))
    )
    with pytest.raises(RecordFixed):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(Visit, placed.visit_id))
    with pytest.raises(RecordFixed):
        db_session.flush()
    db_session.rollback()
    assert dump(db_session) == before


def test_the_tksk_confirmation_still_writes_the_visit_it_fixes(db_session: Session) -> None:
    placed = place(db_session, S.VISITED)
    db_session.commit()
    proposal = db_session.get(Proposal, placed.proposal_id)
    apply_transition(proposal, "confirm_eligible", role=Role.TKSK, actor_id=None, actor_name="TKSK")
    db_session.commit()
    db_session.expire_all()
    visit = db_session.get(Visit, placed.visit_id)
    assert visit.result == VisitResult.ELIGIBLE and visit.confirmed_at is not None
    visit.notes = "sesudah dikonfirmasi"
    with pytest.raises(RecordFixed, match="dikonfirmasi TKSK"):
        db_session.flush()


def test_a_re_verval_needs_a_new_visit_because_the_confirmed_one_is_final(db_session: Session) -> None:
    placed = place(db_session, S.VISITED)  # back for re-verval: its only visit was confirmed the first time
    old = db_session.get(Visit, placed.visit_id)
    old.result, old.confirmed_at = VisitResult.ELIGIBLE, datetime(2026, 8, 12, tzinfo=UTC)
    db_session.commit()
    proposal = db_session.get(Proposal, placed.proposal_id)
    with pytest.raises(TransitionRefused, match="catat kunjungan verval baru"):
        apply_transition(proposal, "confirm_eligible", role=Role.TKSK, actor_id=None, actor_name="TKSK")

    new = Visit(household_id=placed.household_id, proposal=proposal, enumerator_name="x", visited_on=date(2026, 9, 1))
    db_session.add(new)
    db_session.commit()
    apply_transition(proposal, "confirm_eligible", role=Role.TKSK, actor_id=None, actor_name="TKSK")
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Visit, new.id).result == VisitResult.ELIGIBLE
    kept = db_session.get(Visit, old.id)
    assert kept.result == VisitResult.ELIGIBLE and kept.confirmed_at is not None and kept.confirmed_by_id is None


def test_a_signed_decree_keeps_its_annex_and_a_finalised_meeting_its_participants(db_session: Session) -> None:
    placed = place(db_session, S.RATIFIED)
    extra = place(db_session, S.ACCEPTED)
    db_session.commit()
    decree = db_session.get(Decree, placed.decree_ids[0])
    decree.proposals.append(db_session.get(Proposal, extra.proposal_id))
    with pytest.raises(RecordFixed, match="SK yang sudah ditandatangani"):
        db_session.flush()
    db_session.rollback()
    decree.proposals.clear()
    with pytest.raises(RecordFixed, match="SK yang sudah ditandatangani"):
        db_session.flush()
    db_session.rollback()
    meeting = db_session.get(Meeting, placed.meeting_id)
    meeting.participants.append(MeetingParticipant(name="Terlambat", position=ParticipantPosition.OTHER))
    with pytest.raises(RecordFixed, match="difinalkan"):
        db_session.flush()
    db_session.rollback()
    meeting.participants.pop()  # an orphan of a finalised meeting: deleted, which is refused too
    with pytest.raises(RecordFixed, match="difinalkan"):
        db_session.flush()


def test_a_decree_signed_in_this_transaction_still_takes_its_annex_until_commit(db_session: Session) -> None:
    proposals = [db_session.get(Proposal, place(db_session, S.RATIFIED).proposal_id) for _ in range(2)]
    db_session.commit()
    letter = make_decree(
        db_session, DecreeKind.PROVINCE_FORWARDING, "52", number="400/1/2026", signed_at=datetime.now(UTC)
    )
    letter.proposals.extend(proposals)  # a later flush of the same transaction
    db_session.commit()
    letter.proposals.pop()
    with pytest.raises(RecordFixed):
        db_session.commit()


def _period_rows(session: Session) -> tuple[int, int]:
    placed = place(session, S.DETERMINED)
    model = make_pmt_model(session)
    village = session.get_one(Household, placed.household_id).region_code
    result = PmtResult(
        household_id=placed.household_id, period="2026-10", model_id=model.id, score=1.0, desil=2, region_code=village
    )
    standing = HouseholdPeriod(
        household_id=placed.household_id, period="2026-10", dtks_status=DtksStatus.REGISTERED, region_code=village
    )
    session.add_all([result, standing])
    session.commit()
    return result.id, standing.id


def test_pmt_results_and_standing_of_a_determined_period_are_fixed(db_session: Session) -> None:
    result_id, standing_id = _period_rows(db_session)
    db_session.get(PmtResult, result_id).desil = 9
    with pytest.raises(RecordFixed, match="Periode 2026-10 sudah ditetapkan"):
        db_session.flush()
    db_session.rollback()
    db_session.delete(db_session.get(HouseholdPeriod, standing_id))
    with pytest.raises(RecordFixed, match="Periode 2026-10"):
        db_session.flush()
    db_session.rollback()
    household = make_household(db_session)
    db_session.add(
        HouseholdPeriod(household_id=household.id, period="2026-10", dtks_status=DtksStatus.REGISTERED, region_code="x")
    )
    with pytest.raises(RecordFixed, match="Periode 2026-10"):
        db_session.flush()


def test_bulk_statements_through_the_session_are_refused_on_fixed_rows(db_session: Session) -> None:
    _period_rows(db_session)
    open_draft = place(db_session, S.DRAFT)
    db_session.commit()
    before = dump(db_session)
    refused = [
        delete(PmtResult).where(PmtResult.period == "2026-10"),
        update(Proposal).values(reason="semua"),
        update(Visit).values(notes="semua"),
        delete(HouseholdPeriod),
        update(Meeting).values(place="Aula"),
    ]
    for statement in refused:
        with pytest.raises(RecordFixed):
            db_session.execute(statement)
        db_session.rollback()
    household = make_household(db_session)
    with pytest.raises(RecordFixed, match="Periode 2026-10"):
        db_session.execute(
            insert(HouseholdPeriod),
            [{"household_id": household.id, "period": "2026-10", "dtks_status": "terdaftar", "region_code": "x"}],
        )
    db_session.rollback()
    assert dump(db_session) == before
    db_session.execute(update(Proposal).where(Proposal.id == open_draft.proposal_id).values(reason="draf"))
    db_session.commit()


def test_a_household_whose_deletion_would_cascade_a_confirmed_visit_stays(db_session: Session) -> None:
    household = make_household(db_session)
    db_session.add(
        Visit(
            household=household,
            enumerator_name="Pendata",
            visited_on=date(2026, 8, 1),
            result=VisitResult.ELIGIBLE,
            confirmed_at=datetime(2026, 8, 2, tzinfo=UTC),
        )
    )
    db_session.commit()
    db_session.delete(household)
    with pytest.raises(RecordFixed, match="tidak dapat dihapus"):
        db_session.flush()


@pytest.mark.parametrize(("status", "fixed"), [(S.SUBMITTED, True), (S.RATIFIED, True), (S.AGREED, False)])
def test_a_pending_visit_is_fixed_by_its_proposal_having_left_the_visit_stage(
    db_session: Session, status: ProposalStatus, fixed: bool
) -> None:
    """The household's fact read one by one and read ahead for a page: the pending, unconfirmed visit counts
    as fixed exactly when its proposal is past the visit (the correlated EXISTS of models/finality_rows.py)."""
    household = make_household(db_session)
    proposal = Proposal(
        kind=ProposalKind.NEW, household=household, region_code=household.region_code, reason="uji", status=status
    )
    db_session.add(proposal)
    db_session.flush()
    db_session.add(
        Visit(household=household, proposal=proposal, enumerator_name="Pendata", visited_on=date(2026, 8, 1))
    )
    db_session.commit()

    assert Facts(db_session).household_holds_fixed_rows(household.id) is fixed
    page = Facts(db_session)
    page.prefetch([household])
    assert page.household_holds_fixed_rows(household.id) is fixed


def test_a_ranking_result_of_a_determined_period_is_fixed(db_session: Session) -> None:
    placed = place(db_session, S.DETERMINED)  # the SK Penetapan of 2026-10 is signed
    village = db_session.get_one(Household, placed.household_id).region_code
    db_session.commit()  # no longer the signing transaction
    batch = RankingImport(period="2027-01", file_sha256="0" * 64)
    db_session.add(batch)
    db_session.flush()
    db_session.add(
        RankingResult(
            household_id=placed.household_id,
            period="2026-10",
            status=RankingStatus.RANKED,
            desil=3,
            import_id=batch.id,
            region_code=village,
        )  # fmt: skip
    )
    with pytest.raises(RecordFixed, match="Periode 2026-10"):
        db_session.flush()
    db_session.rollback()
    batch = RankingImport(period="2027-01", file_sha256="1" * 64)
    db_session.add(batch)
    db_session.flush()
    result = RankingResult(household_id=placed.household_id, period="2027-01", status=RankingStatus.RANKED, desil=3,
                           import_id=batch.id, region_code=village)  # fmt: skip
    db_session.add(result)
    db_session.commit()  # an open period takes results
    result.period = "2026-10"
    with pytest.raises(RecordFixed, match="Periode 2026-10"):
        db_session.flush()
    db_session.rollback()
    with pytest.raises(RecordFixed, match="Periode 2026-10"):
        db_session.execute(
            insert(RankingResult),
            [{"household_id": placed.household_id, "period": "2026-10", "status": "diperingkat", "desil": 1,
              "import_id": batch.id, "region_code": village}],
        )  # fmt: skip
