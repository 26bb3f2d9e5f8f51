"""Proposal transitions through the console: confirm pages that POST, one transaction, one winner."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from chain.actor import Actor
from chain.proposals import CHANGED_UNDER_YOU, perform
from chain.store import begin_write, commit_or_conflict
from models import AuditAction, AuditEntry, Proposal, ProposalHistory, ProposalStatus, Role, User
from models.workflow import TransitionRefused
from policies.rules import PolicyStore
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_detached_users, make_proposal

VILLAGE = "52.72.01.1001"


def _proposal(session: Session, status: ProposalStatus, village: str = VILLAGE) -> Proposal:
    proposal = make_proposal(session, status, region_code=village)
    session.commit()
    return proposal


def _post(client: ConsoleClient, proposal: Proposal, action: str, note: str = "", version: int | None = None):  # noqa: ANN202
    data = {"note": note, "version": str(proposal.version if version is None else version)}
    return client.post(f"/admin/proposal/workflow/{proposal.id}/{action}", data=data, follow_redirects=False)


def test_the_district_accepts_a_submitted_proposal_in_one_recorded_transaction(
    app: object, db_session: Session
) -> None:
    proposal = _proposal(db_session, ProposalStatus.SUBMITTED)
    seen = proposal.version
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_terima")
    page = client.get(f"/admin/proposal/workflow/{proposal.id}")
    assert page.status_code == 200 and "Terima" in page.text and "Kembalikan ke desa" in page.text

    response = _post(client, proposal, "accept", note="Lengkap.")

    assert response.status_code == 303
    db_session.expire_all()
    stored = db_session.get(Proposal, proposal.id)
    assert stored.status == ProposalStatus.ACCEPTED
    assert stored.version == seen + 1
    history = db_session.scalars(select(ProposalHistory).where(ProposalHistory.proposal_id == proposal.id)).all()
    assert [(h.from_status, h.to_status, h.note) for h in history] == [
        (ProposalStatus.SUBMITTED, ProposalStatus.ACCEPTED, "Lengkap.")
    ]
    transitions = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.TRANSITION, AuditEntry.object_id == str(proposal.id))
    ).all()
    assert len(transitions) == 1 and transitions[0].after["status"] == "accepted"
    client.__exit__(None, None, None)


def test_a_returned_proposal_goes_round_the_loop_and_the_village_sees_why(app: object, db_session: Session) -> None:
    proposal = _proposal(db_session, ProposalStatus.SUBMITTED)
    district = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_kembali")
    assert _post(district, proposal, "return_to_village", note="").status_code == 409  # a reason is required
    assert _post(district, proposal, "return_to_village", note="Foto KK tidak terbaca.").status_code == 303

    village = client_logged_in_as(app, db_session, Role.OPERATOR_DESA, VILLAGE, "desa_kembali")
    db_session.expire_all()
    returned = db_session.get(Proposal, proposal.id)
    page = village.get(f"/admin/proposal/workflow/{proposal.id}")
    assert "Foto KK tidak terbaca." in page.text
    assert _post(village, returned, "reopen").status_code == 303
    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).status == ProposalStatus.DRAFT
    assert "Foto KK tidak terbaca." in village.get(f"/admin/proposal/workflow/{proposal.id}").text
    district.__exit__(None, None, None)
    village.__exit__(None, None, None)


def test_a_stale_page_is_told_the_data_changed_and_nothing_is_applied(app: object, db_session: Session) -> None:
    proposal = _proposal(db_session, ProposalStatus.SUBMITTED)
    client = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_basi")

    response = _post(client, proposal, "accept", version=proposal.version - 1)

    assert response.status_code == 409
    assert "sudah diubah oleh petugas lain" in response.text
    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED
    client.__exit__(None, None, None)


@pytest.mark.parametrize(
    ("role", "scope", "status_code"),
    [
        (Role.KABID, "52.72", 403),
        (Role.OPERATOR_DESA, VILLAGE, 403),
        (Role.OPERATOR_DINSOS, "52.71", 404),
    ],
    ids=["kabid-has-no-such-permission", "village-operator-cannot-accept", "other-regency-sees-nothing"],
)
def test_only_the_right_role_in_the_right_region_may_act(
    role: Role, scope: str, status_code: int, app: object, db_session: Session
) -> None:
    proposal = _proposal(db_session, ProposalStatus.SUBMITTED)
    client = client_logged_in_as(app, db_session, role, scope, f"coba_{role.value}")

    assert _post(client, proposal, "accept").status_code == status_code

    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED
    client.__exit__(None, None, None)


def test_two_officials_acting_at_once_exactly_one_wins_each_time(
    session_factory: sessionmaker[Session], policy_store: PolicyStore, db_session: Session
) -> None:
    """Threads race the same transition on the same version; repeated trials, one winner in each."""
    officials = make_detached_users(db_session, Role.OPERATOR_DINSOS, "52.72", "balap", 4)
    trials, racers = 30, len(officials)
    for _trial in range(trials):
        proposal = _proposal(db_session, ProposalStatus.SUBMITTED)
        seen = proposal.version
        barrier = threading.Barrier(racers)
        results: list[str] = []

        def race(
            user: User,
            proposal_id: int = proposal.id,
            version: int = seen,
            barrier: threading.Barrier = barrier,
            results: list[str] = results,
        ) -> None:
            actor = Actor.of(user, policy_store.allows)
            barrier.wait()
            try:
                with session_factory() as session:  # as the console's step does (console/views/steps.py)
                    begin_write(session)
                    perform(session, actor, proposal_id, "accept", note="", seen_version=version)
                    commit_or_conflict(session, changed=CHANGED_UNDER_YOU)
                results.append("won")
            except TransitionRefused:
                results.append("told")
            except Exception as error:  # noqa: BLE001 - any other outcome is a failure the assert shows
                results.append(repr(error))

        threads = [threading.Thread(target=race, args=(official,)) for official in officials]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results) == ["told"] * (racers - 1) + ["won"]
        db_session.expire_all()
        stored = db_session.get(Proposal, proposal.id)
        assert stored.status == ProposalStatus.ACCEPTED and stored.version == seen + 1
        history = db_session.scalars(select(ProposalHistory).where(ProposalHistory.proposal_id == proposal.id))
        assert len(history.all()) == 1
