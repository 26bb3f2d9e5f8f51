"""The loop back to the village: a forwarded proposal the BPS ranking file refuses returns to its village with the
reason; the village proposes the family again as a new draft for its next Musdes, linked to the rejected one; the
ranking file's matched families are received. Every step through the core in its own committed transaction."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from chain.acting import run_as
from chain.actor import Actor, actor_for
from chain.ranking import RankingPlan, import_ranking
from chain.resubmission import ALREADY, ONLY_REJECTED, rejection_reason, resubmission_of, resubmit
from chain.store import write_transaction
from console.database import make_session_factory
from models import (
    AuditEntry,
    Proposal,
    ProposalHistory,
    ProposalResubmission,
    ProposalStatus,
    RankingStatus,
    Role,
    User,
)
from models.refusals import Conflict, NotAllowed, NotFound
from reports.xlsx_upload import UploadLimits
from tests.factories import DEFAULT_VILLAGE, make_proposal, make_user
from tests.ranking_files import PERIOD, ranking_bytes, row_of

LIMITS = UploadLimits(max_bytes=10 * 1024 * 1024, max_rows=50_000)
OTHER_VILLAGE = "52.72.01.1002"  # Kelurahan Nae, beside Paruga


def _run(db_session: Session, user: User, work: Callable[[Session, Actor], Any]) -> Any:
    actor = actor_for(db_session, user)
    bind = db_session.get_bind()
    assert isinstance(bind, Engine)
    db_session.rollback()
    result = run_as(user, lambda: write_transaction(make_session_factory(bind), lambda s: work(s, actor)))
    db_session.expire_all()
    return result


def _status(db_session: Session, proposal_id: int) -> ProposalStatus:
    db_session.expire_all()
    return db_session.get_one(Proposal, proposal_id).status


@pytest.fixture
def forwarded(db_session: Session) -> tuple[Proposal, Proposal]:
    """Two forwarded proposals of the demo village: one BPS will rank, one whose head's NIK is inactive."""
    ranked = make_proposal(db_session, ProposalStatus.FORWARDED, members=2, reason="Rumah tidak layak huni")
    refused = make_proposal(db_session, ProposalStatus.FORWARDED, members=1, reason="Lansia tunggal")
    db_session.commit()
    return ranked, refused


def _import_as(db_session: Session, user: User, data: bytes) -> RankingPlan:
    plan: RankingPlan = _run(
        db_session, user, lambda s, actor: import_ranking(s, actor, PERIOD, data, LIMITS, file_name="bps.xlsx")
    )
    return plan


def test_the_ministrys_import_receives_the_ranked_and_returns_the_refused_with_the_reason(
    db_session: Session, forwarded: tuple[Proposal, Proposal]
) -> None:
    ranked, refused = forwarded
    pusdatin = make_user(db_session, Role.PUSDATIN, None)
    db_session.commit()
    data = ranking_bytes([row_of(ranked.household, 3), row_of(refused.household, status="Non aktif")])

    plan = _import_as(db_session, pusdatin, data)

    assert (plan.received, plan.rejected) == (1, 1)
    assert _status(db_session, ranked.id) == ProposalStatus.RECEIVED
    assert _status(db_session, refused.id) == ProposalStatus.REJECTED_MINISTRY
    rejected = db_session.get_one(Proposal, refused.id)
    assert (
        rejection_reason(rejected) == f"{RankingStatus.NIK_INACTIVE.label} (hasil pemeringkatan BPS periode {PERIOD})"
    )
    moved = db_session.scalar(
        select(func.count()).where(AuditEntry.object_type == "proposal", AuditEntry.action == "transition")
    )
    assert moved == 2
    assert _import_as(db_session, pusdatin, data).already_imported is not None  # the same file: nothing moves again
    assert _status(db_session, ranked.id) == ProposalStatus.RECEIVED


def test_a_district_import_records_the_results_but_leaves_the_ministrys_matching_to_the_ministry(
    db_session: Session, forwarded: tuple[Proposal, Proposal]
) -> None:
    ranked, refused = forwarded
    dinsos = make_user(db_session, Role.OPERATOR_DINSOS, "52.72")
    db_session.commit()

    plan = _import_as(
        db_session, dinsos, ranking_bytes([row_of(ranked.household, 3), row_of(refused.household, status="Ganda")])
    )

    assert (plan.new, plan.received, plan.rejected) == (2, 0, 0)
    assert _status(db_session, ranked.id) == _status(db_session, refused.id) == ProposalStatus.FORWARDED


def test_the_village_proposes_a_rejected_family_again_once_and_the_loop_is_in_both_histories(
    db_session: Session, forwarded: tuple[Proposal, Proposal]
) -> None:
    _ranked, refused = forwarded
    pusdatin = make_user(db_session, Role.PUSDATIN, None)
    village = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    db_session.commit()
    _import_as(db_session, pusdatin, ranking_bytes([row_of(refused.household, status="NIK ganda")]))

    draft_id = _run(db_session, village, lambda s, actor: resubmit(s, actor, refused.id).id)

    draft = db_session.get_one(Proposal, draft_id)
    old = db_session.get_one(Proposal, refused.id)
    assert draft.status == ProposalStatus.DRAFT and old.status == ProposalStatus.REJECTED_MINISTRY
    assert (draft.household_id, draft.kind, draft.reason) == (old.household_id, old.kind, "Lansia tunggal")
    assert (draft.has_ktp, draft.has_kk, draft.has_sktm) == (old.has_ktp, old.has_kk, old.has_sktm)
    created = db_session.scalars(select(ProposalHistory).where(ProposalHistory.proposal_id == draft_id)).one()
    assert created.from_status is None and created.to_status == ProposalStatus.DRAFT
    assert created.note.startswith(f"Diusulkan ulang dari usulan #{refused.id} yang ditolak Pusdatin: NIK ganda")
    link = resubmission_of(db_session, draft_id)
    assert link is not None and (link.rejected_id, link.proposal_id) == (refused.id, draft_id)
    assert resubmission_of(db_session, refused.id) == link
    assert (
        db_session.scalar(
            select(func.count()).where(AuditEntry.object_type == "proposal_resubmission", AuditEntry.action == "create")
        )
        == 1
    )

    with pytest.raises(Conflict, match=re.escape(ALREADY.format(rejected=refused.id, proposal=draft_id))):
        _run(db_session, village, lambda s, actor: resubmit(s, actor, refused.id))
    assert db_session.scalar(select(func.count()).select_from(ProposalResubmission)) == 1


def test_only_a_rejected_proposal_in_ones_own_village_and_with_the_right_to_propose_is_proposed_again(
    db_session: Session, forwarded: tuple[Proposal, Proposal]
) -> None:
    ranked, _refused = forwarded
    rejected = make_proposal(db_session, ProposalStatus.REJECTED_MINISTRY)
    village = make_user(db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)
    neighbour = make_user(db_session, Role.OPERATOR_DESA, OTHER_VILLAGE)
    tksk = make_user(db_session, Role.TKSK, "52.72.01")
    db_session.commit()
    proposals_before = db_session.scalar(select(func.count()).select_from(Proposal))

    with pytest.raises(Conflict, match=re.escape(ONLY_REJECTED)):
        _run(db_session, village, lambda s, actor: resubmit(s, actor, ranked.id))
    with pytest.raises(NotFound):
        _run(db_session, neighbour, lambda s, actor: resubmit(s, actor, rejected.id))
    with pytest.raises(NotAllowed):
        _run(db_session, tksk, lambda s, actor: resubmit(s, actor, rejected.id))

    assert db_session.scalar(select(func.count()).select_from(Proposal)) == proposals_before
    assert db_session.scalar(select(func.count()).select_from(ProposalResubmission)) == 0
