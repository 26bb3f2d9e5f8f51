"""The proposal chain driven through the domain core alone: household to province forwarding, no HTTP.

Every step is a core function (chain/proposals.py, chain/musdes.py, chain/decrees.py) called with the
official's Actor in their own transaction (tests/chain/chain_run.py); the refusals are the core's own:
NotFound out of scope, NotAllowed for a role without the permission, Conflict out of order.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from chain import decrees, forwarding, musdes, proposals
from chain.actor import Actor
from chain.letters import Letter
from console.database import make_session_factory
from models import (
    AuditAction,
    AuditEntry,
    Decree,
    DecreeKind,
    Meeting,
    Proposal,
    ProposalHistory,
    ProposalStatus,
    Role,
)
from models.refusals import Conflict, NotAllowed, NotFound, Refusal
from tests.chain.chain_run import (
    PROVINCE,
    ChainRun,
    forwarded_decree,
    new_district_draft,
    new_meeting,
    new_proposals,
    open_chain,
    ratified_decree,
    through_musdes,
    through_verval,
)
from tests.console.chain_cast import audited_transitions

S = ProposalStatus
PATH = [  # the drafts are stored as a create form would be (its creation row is the form's, not the core's)
    (S.DRAFT, S.IN_MUSDES),
    (S.IN_MUSDES, S.AGREED),
    (S.AGREED, S.VISITED),
    (S.VISITED, S.VERIFIED),
    (S.VERIFIED, S.SUBMITTED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.ACCEPTED, S.IN_DECREE),
    (S.IN_DECREE, S.RATIFIED),
    (S.RATIFIED, S.FORWARDED),
]
WHO = [Role.OPERATOR_DESA, Role.KEPALA_DESA, Role.PENDATA, Role.TKSK, Role.OPERATOR_DESA]
WHO += [Role.OPERATOR_DINSOS] * 3 + [Role.OPERATOR_PROVINSI]


@pytest.fixture
def run(engine: Engine, regions: frozenset[str], tmp_path: Path) -> ChainRun:
    return open_chain(make_session_factory(engine), tmp_path / "uploads")


def _history(session: Session, proposal_id: int) -> list[ProposalHistory]:
    statement = select(ProposalHistory).where(ProposalHistory.proposal_id == proposal_id)
    return list(session.scalars(statement.order_by(ProposalHistory.id)))


def test_new_families_go_from_draft_to_forwarded_through_the_core_alone(run: ChainRun) -> None:
    letter_id, proposal_ids = forwarded_decree(run, count=2)

    with run.sessions() as session:
        letter = session.get_one(Decree, letter_id)
        assert letter.kind == DecreeKind.PROVINCE_FORWARDING and letter.region_code == PROVINCE
        assert [proposal.id for proposal in letter.proposals] == proposal_ids
        for proposal_id in proposal_ids:
            assert session.get_one(Proposal, proposal_id).status == S.FORWARDED
            steps = _history(session, proposal_id)
            assert [(step.from_status, step.to_status) for step in steps] == PATH
            names = [run.actors[role].name for role in WHO]
            assert [step.actor_name for step in steps] == names
            audited = audited_transitions(session, proposal_id)
            assert audited == [(source.value, target.value) for source, target in PATH]
        # The trail names each official (run_as), as it names the user of a request.
        usernames = {user.username for role in WHO if (user := run.actors[role].user) is not None}
        trail = select(AuditEntry.actor_name).where(AuditEntry.action == AuditAction.TRANSITION).distinct()
        assert set(session.scalars(trail)) == usernames


def test_the_signed_scans_are_stored_by_their_hash_and_found_again_in_scope(run: ChainRun) -> None:
    proposal_ids = new_proposals(run, 1)
    meeting_id = through_musdes(run, proposal_ids)
    through_verval(run, proposal_ids)
    decree_id = ratified_decree(run, proposal_ids)

    ba_path, ba_name = run.read(lambda s: musdes.signed_ba(s, run.actors[Role.KEPALA_DESA], meeting_id))
    sk_path, sk_name = run.read(lambda s: decrees.signed_scan(s, run.actors[Role.KABID], decree_id))

    assert ba_path == sk_path and ba_name == f"berita-acara-{meeting_id}.pdf" and sk_name == f"sk-{decree_id}.pdf"
    handle, content_type = run.files.open(sk_path)
    with handle:
        assert handle.read().startswith(b"%PDF-") and content_type == "application/pdf"


def _stage(run: ChainRun, status: ProposalStatus) -> tuple[int, int, int]:
    """A proposal brought to `status` (draft, submitted or ratified), with its meeting and a decree."""
    proposal_ids = new_proposals(run, 1)
    meeting_id = new_meeting(run)
    decree_id = new_district_draft(run)
    if status in (S.SUBMITTED, S.RATIFIED):
        meeting_id = through_musdes(run, proposal_ids)
        through_verval(run, proposal_ids)
    if status == S.RATIFIED:
        decree_id = ratified_decree(run, proposal_ids)
    return proposal_ids[0], meeting_id, decree_id


Step = Callable[[ChainRun, int, int, int], None]


def _agenda_by(role: Role, region: str | None = None) -> Step:
    def step(run: ChainRun, proposal_id: int, meeting_id: int, _decree_id: int) -> None:
        actor = _who(run, role, region)
        run.act(actor, lambda s, a: musdes.add_to_agenda(s, a, meeting_id, [proposal_id]))

    return step


def _transition_by(role: Role, action: str, region: str | None = None) -> Step:
    def step(run: ChainRun, proposal_id: int, _meeting_id: int, _decree_id: int) -> None:
        run.perform(_who(run, role, region), proposal_id, action, note="Dicoba.")

    return step


def _compose_by(role: Role, region: str | None = None) -> Step:
    def step(run: ChainRun, proposal_id: int, _meeting_id: int, decree_id: int) -> None:
        run.act(_who(run, role, region), lambda s, a: decrees.add_proposals(s, a, decree_id, [proposal_id]))

    return step


def _forward_by(role: Role, region: str | None = None) -> Step:
    def step(run: ChainRun, _proposal_id: int, _meeting_id: int, decree_id: int) -> None:
        letter = Letter("400/1/2026", None, "Kadis")
        run.act(_who(run, role, region), lambda s, a: forwarding.forward(s, a, decree_id, letter))

    return step


def _finalise_by(role: Role) -> Step:
    def step(run: ChainRun, _proposal_id: int, meeting_id: int, _decree_id: int) -> None:
        run.act(role, lambda s, a: musdes.finalise(s, a, meeting_id))

    return step


def _who(run: ChainRun, role: Role, region: str | None) -> Actor | Role:
    if region is None:
        return role
    return run.official(role, region, f"luar_{role.value}_{region.replace('.', '')}")


@pytest.mark.parametrize(
    ("status", "step", "refusal"),
    [
        (S.DRAFT, _agenda_by(Role.OPERATOR_DESA, "52.72.01.1002"), NotFound),
        (S.SUBMITTED, _transition_by(Role.OPERATOR_DINSOS, "accept", "52.71"), NotFound),
        (S.RATIFIED, _forward_by(Role.OPERATOR_PROVINSI, "73"), NotFound),
        (S.DRAFT, _transition_by(Role.OPERATOR_DESA, "no_such_step"), NotFound),
        (S.SUBMITTED, _transition_by(Role.KABID, "accept"), NotAllowed),
        (S.DRAFT, _agenda_by(Role.TKSK), NotAllowed),
        (S.SUBMITTED, _compose_by(Role.OPERATOR_DESA), NotAllowed),
        (S.RATIFIED, _forward_by(Role.OPERATOR_DINSOS), NotAllowed),
        (S.DRAFT, _transition_by(Role.OPERATOR_DINSOS, "accept"), Conflict),
        (S.SUBMITTED, _compose_by(Role.OPERATOR_DINSOS), Conflict),
        (S.DRAFT, _finalise_by(Role.KEPALA_DESA), Conflict),
        (S.SUBMITTED, _forward_by(Role.OPERATOR_PROVINSI), Conflict),
        (S.RATIFIED, _transition_by(Role.OPERATOR_PROVINSI, "forward", "52"), Conflict),
    ],
    ids=[
        "neighbouring-village-finds-no-meeting",
        "other-regency-finds-no-proposal",
        "other-province-finds-no-decree",
        "an-unknown-step-is-no-step",
        "kabid-may-not-accept",
        "tksk-may-not-set-the-agenda",
        "village-operator-may-not-compose-an-sk",
        "district-may-not-forward",
        "a-draft-is-not-accepted",
        "a-submitted-proposal-is-not-yet-accepted-for-an-sk",
        "an-empty-meeting-is-not-finalised",
        "an-unsigned-draft-is-not-forwarded",
        "one-proposal-is-not-forwarded-without-the-sk-and-its-cover-letter",
    ],
)
def test_the_core_refuses_out_of_scope_wrong_role_and_out_of_order_and_changes_nothing(
    status: ProposalStatus, step: Step, refusal: type[Refusal], run: ChainRun
) -> None:
    proposal_id, meeting_id, decree_id = _stage(run, status)
    before = run.read(lambda s: (s.get_one(Proposal, proposal_id).version, len(_history(s, proposal_id))))

    with pytest.raises(refusal) as raised:
        step(run, proposal_id, meeting_id, decree_id)

    if refusal is not Conflict:  # a Conflict may be said by a named kind of it (a refused transition)
        assert type(raised.value) is refusal
    with run.sessions() as session:
        proposal = session.get_one(Proposal, proposal_id)
        assert proposal.status == status
        assert (proposal.version, len(_history(session, proposal_id))) == before
        if status == S.DRAFT:
            assert session.get_one(Meeting, meeting_id).finalised_at is None
        assert session.scalars(select(Decree).where(Decree.kind == DecreeKind.PROVINCE_FORWARDING)).all() == []


def test_a_page_seen_before_another_official_acted_is_told_the_proposal_changed(run: ChainRun) -> None:
    proposal_id, _meeting_id, _decree_id = _stage(run, S.SUBMITTED)
    seen = run.read(lambda s: s.get_one(Proposal, proposal_id).version)
    run.perform(Role.OPERATOR_DINSOS, proposal_id, "accept")

    with pytest.raises(Conflict, match="sudah diubah oleh petugas lain"):
        run.act(
            Role.OPERATOR_DINSOS,
            lambda s, a: proposals.perform(s, a, proposal_id, "return_to_village", note="Foto", seen_version=seen),
        )
    assert run.read(lambda s: s.get_one(Proposal, proposal_id).status) == S.ACCEPTED
