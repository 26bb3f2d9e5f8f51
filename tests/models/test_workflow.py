"""The transition table, exhaustively: every status x every action x every role, without a database."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from models import (
    Decision,
    Decree,
    DecreeKind,
    Household,
    Meeting,
    MeetingDecision,
    Proposal,
    ProposalKind,
    ProposalStatus,
    RemovalReason,
    Role,
    Visit,
    VisitResult,
)
from models.workflow import BY_ACTION, TRANSITIONS, TransitionInput, TransitionRefused, apply_transition

TODAY = date(2026, 11, 23)
GIVEN = TransitionInput(note="Alasan tercatat.", today=TODAY)


def _meeting(decision: Decision | None, *, final: bool, signed: bool) -> MeetingDecision:
    meeting = Meeting(held_on=TODAY, place="Balai desa", region_code="52.72.01.1001")
    meeting.finalised_at = datetime(2026, 11, 1) if final else None
    meeting.ba_file_sha256 = "ab" * 32 if signed else None
    return MeetingDecision(meeting=meeting, decision=decision)


def ready_proposal(status: ProposalStatus, action: str) -> Proposal:
    """A proposal in `status` that meets every precondition of `action` (so only status and role decide)."""
    household = Household(no_kk="5272011501200001", region_code="52.72.01.1001", address="Jl. Uji")
    kind = ProposalKind.KEEP if action == "confirm_recent_visit" else ProposalKind.NEW
    proposal = Proposal(
        kind=kind, household=household, status=status, region_code="52.72.01.1001", has_ktp=True, has_kk=True
    )
    proposal.has_sktm = True
    proposal.history = []
    decision = {"musdes_agree": Decision.AGREED, "musdes_reject": Decision.REJECTED}.get(action)
    proposal.decisions = (
        [_meeting(None, final=False, signed=False)]
        if action == "put_on_agenda"
        else [_meeting(decision or Decision.AGREED, final=True, signed=True)]
    )
    # The TKSK confirms a visit not yet confirmed; a keep proposal reuses a recent confirmed one.
    confirming = action in ("confirm_eligible", "confirm_not_eligible")
    result = VisitResult.PENDING if confirming else VisitResult.ELIGIBLE
    visit = Visit(visited_on=TODAY - timedelta(days=30), enumerator_name="Petugas", result=result)
    proposal.visits = [visit]
    household.visits = [visit]
    decree = Decree(kind=DecreeKind.DISTRICT_RATIFICATION, decree_date=TODAY, signer_name="B", signer_title="B")
    decree.signed_at = datetime(2026, 11, 2)
    cover = Decree(kind=DecreeKind.PROVINCE_FORWARDING, decree_date=TODAY, signer_name="P", signer_title="P")
    proposal.decrees = [] if action == "remove_from_decree" else [decree, cover] if action == "forward" else [decree]
    return proposal


CASES = [(status, transition, role) for status in ProposalStatus for transition in TRANSITIONS for role in Role]


@pytest.mark.parametrize(
    ("status", "transition", "role"),
    CASES,
    ids=[f"{s.value}-{t.action}-{r.value}" for s, t, r in CASES],
)
def test_a_transition_happens_exactly_where_the_table_says(status, transition, role) -> None:  # noqa: ANN001
    proposal = ready_proposal(status, transition.action)
    allowed = status == transition.source and role in transition.roles

    if allowed:
        history = apply_transition(proposal, transition.action, role=role, actor_id=1, actor_name="Uji", given=GIVEN)
        assert proposal.status == transition.target
        assert history.from_status == status and history.to_status == transition.target
        assert proposal.history == [history]
    else:
        with pytest.raises(TransitionRefused):
            apply_transition(proposal, transition.action, role=role, actor_id=1, actor_name="Uji", given=GIVEN)
        assert proposal.status == status
        assert proposal.history == []


def test_the_table_covers_every_arrow_of_design_section_4_and_no_final_status_moves() -> None:
    sources = {transition.source for transition in TRANSITIONS}
    assert not any(status.is_final for status in sources)
    reachable = {ProposalStatus.DRAFT} | {transition.target for transition in TRANSITIONS}
    assert reachable == set(ProposalStatus)


@pytest.mark.parametrize("action", [t.action for t in TRANSITIONS if t.needs_reason])
def test_returns_rejections_and_removals_need_a_reason(action: str) -> None:
    transition = BY_ACTION[action]
    proposal = ready_proposal(transition.source, action)
    role = next(iter(transition.roles))
    with pytest.raises(TransitionRefused, match="wajib disertai alasan"):
        apply_transition(proposal, action, role=role, actor_id=1, actor_name="Uji", given=TransitionInput(note="  "))
    assert proposal.status == transition.source


def test_the_village_cannot_send_before_the_documents_are_complete() -> None:
    proposal = ready_proposal(ProposalStatus.VERIFIED, "send_to_district")
    proposal.has_sktm = False
    with pytest.raises(TransitionRefused, match="SKTM"):
        apply_transition(proposal, "send_to_district", role=Role.OPERATOR_DESA, actor_id=1, actor_name="Uji")


def test_a_musdes_decision_counts_only_with_a_signed_ba() -> None:
    proposal = ready_proposal(ProposalStatus.IN_MUSDES, "musdes_agree")
    proposal.decisions = [_meeting(Decision.AGREED, final=True, signed=False)]
    with pytest.raises(TransitionRefused, match="Berita Acara"):
        apply_transition(proposal, "musdes_agree", role=Role.KEPALA_DESA, actor_id=1, actor_name="Uji")


def test_the_tksk_cannot_confirm_without_a_visit() -> None:
    proposal = ready_proposal(ProposalStatus.VISITED, "confirm_eligible")
    proposal.visits = []
    with pytest.raises(TransitionRefused, match="kunjungan"):
        apply_transition(proposal, "confirm_eligible", role=Role.TKSK, actor_id=1, actor_name="Uji")


def test_a_keep_proposal_skips_the_visit_only_with_an_eligible_visit_in_the_last_12_months() -> None:
    proposal = ready_proposal(ProposalStatus.AGREED, "confirm_recent_visit")
    proposal.household.visits[0].visited_on = TODAY - timedelta(days=400)
    with pytest.raises(TransitionRefused, match="12 bulan"):
        apply_transition(proposal, "confirm_recent_visit", role=Role.TKSK, actor_id=1, actor_name="Uji", given=GIVEN)


def test_a_removal_without_its_reason_cannot_go_on_the_agenda() -> None:
    proposal = ready_proposal(ProposalStatus.DRAFT, "put_on_agenda")
    proposal.kind = ProposalKind.REMOVE
    with pytest.raises(TransitionRefused, match="alasan dikeluarkan"):
        apply_transition(proposal, "put_on_agenda", role=Role.OPERATOR_DESA, actor_id=1, actor_name="Uji")
    proposal.removal_reason = RemovalReason.DIED
    apply_transition(proposal, "put_on_agenda", role=Role.OPERATOR_DESA, actor_id=1, actor_name="Uji")
    assert proposal.status == ProposalStatus.IN_MUSDES


def test_a_return_keeps_its_reason_visible_to_the_village() -> None:
    proposal = ready_proposal(ProposalStatus.SUBMITTED, "return_to_village")
    apply_transition(
        proposal,
        "return_to_village",
        role=Role.OPERATOR_DINSOS,
        actor_id=1,
        actor_name="Uji",
        given=TransitionInput(note="NIK kepala keluarga tidak padan."),
    )
    assert proposal.return_reason == "NIK kepala keluarga tidak padan."
