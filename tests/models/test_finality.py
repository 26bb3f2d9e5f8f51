"""The finality rule without a database: which proposal statuses fix what, visits, decrees, meetings, periods."""

from __future__ import annotations

import pytest

from models import finality
from models.finality import (
    CHECKLIST,
    IN_DECREE_ON,
    MUSDES_DECIDED,
    OPEN,
    PROPOSAL_IN_DECREE,
    TRANSITION_COLUMNS,
)
from models.proposal import ProposalStatus
from models.workflow import TRANSITIONS

S = ProposalStatus
ALL = list(ProposalStatus)
CONTENT = MUSDES_DECIDED


def test_every_status_is_in_exactly_one_finality_class() -> None:
    classes = [finality.OPEN, finality.DECIDED, finality.SENT, finality.IN_DECREE_ON, finality.CLOSED]
    for status in ProposalStatus:
        assert sum(status in group for group in classes) == 1, status


def test_the_issue_message_is_the_one_from_in_decree_on() -> None:
    assert PROPOSAL_IN_DECREE == "Usulan ini sudah masuk SK; perbaikan data melalui usulan perbaikan baru."
    assert IN_DECREE_ON == {
        S.IN_DECREE, S.RATIFIED, S.FORWARDED, S.RECEIVED, S.DETERMINED, S.NOT_DETERMINED, S.REJECTED_MINISTRY
    }  # fmt: skip
    for status in IN_DECREE_ON:
        assert finality.proposal_refusal(status) == PROPOSAL_IN_DECREE
        assert finality.offers_correction(status)


@pytest.mark.parametrize("status", ALL, ids=[s.value for s in ALL])
def test_a_proposals_form_is_closed_exactly_from_submitted_on_and_in_the_final_statuses(status: ProposalStatus) -> None:
    closed = status not in OPEN | finality.DECIDED
    assert (finality.proposal_refusal(status) is not None) == closed
    assert (finality.proposal_note(status) is not None) == (status in finality.DECIDED)


@pytest.mark.parametrize("status", ALL, ids=[s.value for s in ALL])
@pytest.mark.parametrize("column", CONTENT)
def test_what_the_musdes_decided_changes_only_while_the_proposal_is_open(status: ProposalStatus, column: str) -> None:
    refusal = finality.proposal_change_refusal(status, status, {column})
    assert (refusal is None) == (status in OPEN)
    if status in finality.DECIDED:
        assert refusal == finality.PROPOSAL_DECIDED


@pytest.mark.parametrize("status", ALL, ids=[s.value for s in ALL])
def test_the_documents_checklist_may_be_completed_until_the_village_sends(status: ProposalStatus) -> None:
    allowed = finality.proposal_change_refusal(status, status, CHECKLIST) is None
    assert allowed == (status in OPEN | finality.DECIDED)


@pytest.mark.parametrize("transition", TRANSITIONS, ids=[t.action for t in TRANSITIONS])
def test_every_transition_of_the_workflow_still_moves_a_fixed_proposal(transition: object) -> None:
    source, target = transition.source, transition.target  # type: ignore[attr-defined]
    assert finality.proposal_change_refusal(source, target, TRANSITION_COLUMNS) is None


@pytest.mark.parametrize("source", sorted(set(ALL) - OPEN), ids=lambda s: s.value)
def test_a_fixed_proposal_moves_only_along_an_arrow_of_the_workflow(source: ProposalStatus) -> None:
    arrows = {t.target for t in TRANSITIONS if t.source == source}
    for target in set(ALL) - {source}:
        refusal = finality.proposal_change_refusal(source, target, {"status", "status_changed_at"})
        assert (refusal is None) == (target in arrows), (source, target)


def test_a_fixed_proposal_keeps_its_return_reason_and_timestamps_without_a_transition() -> None:
    for column in ("return_reason", "status_changed_at"):
        assert finality.proposal_change_refusal(S.RATIFIED, S.RATIFIED, {column}) is not None
    assert finality.proposal_change_refusal(S.RATIFIED, S.RATIFIED, {"version", "updated_at"}) is None


def test_an_open_proposal_changes_freely_even_its_status() -> None:
    for status in OPEN:
        assert finality.proposal_change_refusal(status, S.DETERMINED, {"status", "kind", "household_id"}) is None


@pytest.mark.parametrize("status", ALL, ids=[s.value for s in ALL])
def test_only_a_draft_never_decided_and_in_no_decree_is_deleted(status: ProposalStatus) -> None:
    fresh = finality.proposal_delete_refusal(status, decided_by_final_meeting=False, in_a_decree=False)
    assert (fresh is None) == (status == S.DRAFT)
    if status in IN_DECREE_ON:
        assert fresh == PROPOSAL_IN_DECREE
    decided = finality.proposal_delete_refusal(status, decided_by_final_meeting=True, in_a_decree=False)
    assert decided is not None
    assert finality.proposal_delete_refusal(S.DRAFT, decided_by_final_meeting=False, in_a_decree=True) is not None


@pytest.mark.parametrize("status", [*ALL, None], ids=[*(s.value for s in ALL), "no-proposal"])
def test_a_visit_is_fixed_once_confirmed_or_once_its_proposal_moved_past_visited(status: ProposalStatus | None) -> None:
    open_for_visits = status is None or status in {S.DRAFT, S.IN_MUSDES, S.AGREED, S.VISITED, S.RETURNED}
    assert (finality.visit_refusal(confirmed=False, proposal_status=status) is None) == open_for_visits
    confirmed = finality.VISIT_IN_DECREE if status in IN_DECREE_ON else finality.VISIT_CONFIRMED
    assert finality.visit_refusal(confirmed=True, proposal_status=status) == confirmed
    assert (finality.visit_parent_refusal(status) is None) == open_for_visits
    if status in IN_DECREE_ON:
        assert "usulan perbaikan baru" in (finality.visit_parent_refusal(status) or "")


def test_decrees_meetings_and_periods_are_fixed_once_signed_finalised_or_determined() -> None:
    assert finality.decree_refusal(signed=False) is None
    assert finality.decree_refusal(signed=True) == finality.DECREE_SIGNED
    assert "tidak dapat dihapus" in (finality.decree_refusal(signed=True, deleting=True) or "")
    assert finality.meeting_refusal(final=False) is None
    assert finality.meeting_refusal(final=True) == finality.MEETING_FINAL
    assert finality.participant_refusal(meeting_final=True) == finality.PARTICIPANTS_FINAL
    assert finality.decision_refusal(meeting_final=False) is None
    assert finality.period_refusal("2026-10", determined=False) is None
    assert "2026-10" in (finality.period_refusal("2026-10", determined=True) or "")


def test_every_refusal_is_bahasa_indonesia_and_says_what_to_do() -> None:
    messages = [value for name, value in vars(finality).items() if name.isupper() and isinstance(value, str)]
    messages += list(finality.DATABASE_REFUSALS.values())
    assert len(messages) > 15
    for message in messages:
        assert message.endswith("."), message
        assert any(word in message.lower() for word in ("tidak dapat", "hanya", "melalui")), message
        assert not any(english in message.lower() for english in ("cannot", "fixed", "error", "record")), message
