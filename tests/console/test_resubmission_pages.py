"""The loop back to the village over HTTP: a rejected proposal's page shows why and offers "Usulkan ulang" to the
village operator; the POST (with CSRF) creates the linked draft and opens it; the draft's page names the loop."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Proposal, ProposalHistory, ProposalResubmission, ProposalStatus, Role
from tests.console_client import ConsoleClient, log_in_as_new_user
from tests.factories import DEFAULT_VILLAGE, make_proposal

_FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _rejected(db_session: Session) -> Proposal:
    proposal = make_proposal(db_session, ProposalStatus.REJECTED_MINISTRY)
    proposal.history.append(
        ProposalHistory(
            from_status=ProposalStatus.FORWARDED,
            to_status=ProposalStatus.REJECTED_MINISTRY,
            actor_name="Pusdatin",
            note="NIK tidak aktif di Dukcapil (hasil pemeringkatan BPS periode 2026-10)",
            region_code=proposal.region_code,
        )
    )
    db_session.commit()
    return proposal


def test_the_village_proposes_a_rejected_family_again_from_its_page(client: ConsoleClient, db_session: Session) -> None:
    rejected = _rejected(db_session)
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE)

    page = client.get(f"/admin/proposal/workflow/{rejected.id}")
    assert page.status_code == 200
    assert 'id="rejection"' in page.text and "NIK tidak aktif di Dukcapil" in page.text
    assert 'id="resubmit-form"' in page.text
    token = _FORM_TOKEN.search(page.text)
    assert token is not None

    done = client.post(f"/admin/proposal/resubmit/{rejected.id}", data={"csrf_token": token.group(1)})

    assert done.status_code == 200
    db_session.expire_all()
    link = db_session.scalars(select(ProposalResubmission)).one()
    assert done.url.path == f"/admin/proposal/workflow/{link.proposal_id}"
    assert 'id="resubmission-of"' in done.text and f"usulan #{rejected.id}" in done.text
    assert db_session.get_one(Proposal, link.proposal_id).status == ProposalStatus.DRAFT
    again = client.get(f"/admin/proposal/workflow/{rejected.id}")
    assert 'id="resubmitted-as"' in again.text and 'id="resubmit-form"' not in again.text
    refused = client.post(f"/admin/proposal/resubmit/{rejected.id}", data={"csrf_token": token.group(1)})
    assert refused.status_code == 409 and "sudah diusulkan ulang" in refused.text
    assert db_session.scalar(select(func.count()).select_from(ProposalResubmission)) == 1


def test_the_district_sees_the_rejection_but_is_not_offered_to_propose_again(
    client: ConsoleClient, db_session: Session
) -> None:
    rejected = _rejected(db_session)
    log_in_as_new_user(client, db_session, Role.KABID, "52.72")
    page = client.get(f"/admin/proposal/workflow/{rejected.id}")
    assert page.status_code == 200 and 'id="rejection"' in page.text and 'id="resubmit-form"' not in page.text
    token = _FORM_TOKEN.search(page.text)
    assert token is not None
    refused = client.post(f"/admin/proposal/resubmit/{rejected.id}", data={"csrf_token": token.group(1)})
    assert refused.status_code in (403, 404)
    assert db_session.scalar(select(func.count()).select_from(ProposalResubmission)) == 0
