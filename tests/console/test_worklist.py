"""Kotak Kerja over HTTP: every user lands on it, rows link to their decision page, the menu counts what waits,
another region's records never show, and an official without a step of the chain gets a plain page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.views import worklist as worklist_view
from models import Proposal, ProposalStatus, Role
from tests.console_client import log_in_as_new_user
from tests.factories import make_proposal

VILLAGE = "52.72.01.1001"
OTHER_REGENCY_VILLAGE = "52.71.01.1004"
LONG_AGO = datetime(2026, 1, 5, 2, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fresh_badges(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worklist_view, "BADGES", worklist_view._Badges())


def _rows(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'class="worklist-item[^"]*" data-record="(\d+)"', html)]


def test_home_is_the_worklist_with_links_to_the_decision_pages(client: TestClient, db_session: Session) -> None:
    late = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE, status_changed_at=LONG_AGO)
    fresh = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE)
    elsewhere = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")

    home = client.get("/admin/", follow_redirects=False)
    assert home.status_code == 302 and home.headers["location"].endswith("/admin/worklist")
    page = client.get("/admin/worklist")
    assert page.status_code == 200
    html = page.text
    assert "Kotak Kerja" in html and "2 menunggu tindakan Anda" in html and "1 terlambat" in html
    submitted = html.split('id="step-proposal-submitted"', 1)[1].split("</section>", 1)[0]
    assert _rows(submitted) == [late.id, fresh.id]  # oldest first
    assert elsewhere.id not in _rows(html)
    assert f'href="http://testserver/admin/proposal/workflow/{late.id}"' in submitted
    assert late.household.head_name in submitted
    assert "Terlambat" in submitted.split(f'data-record="{fresh.id}"')[0]
    assert "status=submitted" in submitted and "tenggat=terlambat" in submitted
    # The menu carries the count on every page.
    assert re.search(r'id="menu-worklist-count"[^>]*>2<', client.get("/admin/proposal/list").text)
    # The filtered list the step links to shows the same records.
    listed = client.get("/admin/proposal/list?status=submitted&tenggat=terlambat").text
    assert f"/admin/proposal/details/{late.id}" in listed and f"/admin/proposal/details/{fresh.id}" not in listed


def test_the_decision_page_a_row_opens_answers(client: TestClient, db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.IN_MUSDES, region_code=VILLAGE)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.KEPALA_DESA, VILLAGE)
    html = client.get("/admin/worklist").text
    (link,) = re.findall(r'href="(http://testserver/admin/proposal/workflow/\d+)"', html)[:1]
    assert link.endswith(f"/{proposal.id}")
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("role", [role for role in Role if role is not Role.ADMIN])
def test_every_role_opens_its_worklist(client: TestClient, db_session: Session, role: Role) -> None:
    scope = {1: "52", 2: "52.72", 3: "52.72.01", 4: VILLAGE}.get(role.scope_level or 0)
    log_in_as_new_user(client, db_session, role, scope)
    page = client.get("/admin/worklist")
    assert page.status_code == 200
    assert "Kotak Kerja" in page.text
    assert "Tidak ada yang menunggu tindakan Anda." in page.text


def test_admin_has_no_chain_step_and_is_told_so(client: TestClient, db_session: Session) -> None:
    log_in_as_new_user(client, db_session, Role.ADMIN, None)
    page = client.get("/admin/worklist")
    assert page.status_code == 200 and "Peran Anda tidak mengambil langkah pada alur" in page.text
    assert 'id="menu-worklist-count"' not in page.text


def test_the_worklist_needs_a_login(client: TestClient) -> None:
    response = client.get("/admin/worklist", follow_redirects=False)
    assert response.status_code in (302, 303) and "/admin/login" in response.headers["location"]


def test_a_batch_decides_each_ticked_proposal_as_if_alone(client: TestClient, db_session: Session) -> None:
    from models.audit import AuditEntry

    first = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE)
    second = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE)
    moved = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE)
    elsewhere = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=OTHER_REGENCY_VILLAGE)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    page = client.get("/admin/worklist").text
    assert 'name="chosen"' in page and 'value="accept"' in page and 'value="return_to_village"' not in page
    form = {"action": "accept", "note": "Lengkap"}
    chosen = [first.id, second.id, moved.id, elsewhere.id]
    versions = {f"version-{pk}": "1" for pk in chosen}
    versions[f"version-{moved.id}"] = "0"  # seen before someone else changed it
    response = client.post("/admin/worklist/batch", data={**form, **versions, "chosen": [str(pk) for pk in chosen]})
    assert response.status_code == 200
    html = response.text
    assert re.search(r'id="batch-summary"><strong>2</strong> diproses, <strong>2</strong> tidak diproses', html)
    done = dict(re.findall(r'data-record="(\d+)" data-done="(ya|tidak)"', html))
    assert done == {str(first.id): "ya", str(second.id): "ya", str(moved.id): "tidak", str(elsewhere.id): "tidak"}
    assert "sudah diubah oleh petugas lain" in html  # the version refusal, in the single page's words
    assert "di luar wilayah tugas" in html  # another regency's proposal: as if opened alone
    db_session.expire_all()
    statuses = {pk: db_session.get(Proposal, pk).status for pk in chosen}  # type: ignore[union-attr]
    assert statuses == {
        first.id: ProposalStatus.ACCEPTED,
        second.id: ProposalStatus.ACCEPTED,
        moved.id: ProposalStatus.SUBMITTED,
        elsewhere.id: ProposalStatus.SUBMITTED,
    }
    audited = db_session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.object_type == "proposal", AuditEntry.action == "transition")
    ).all()
    assert sorted(audited) == sorted([str(first.id), str(second.id)])


def test_a_batch_of_an_arrow_that_needs_its_own_reason_is_refused(client: TestClient, db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DINSOS, "52.72")
    data = {"action": "return_to_village", "chosen": str(proposal.id), f"version-{proposal.id}": "1"}
    response = client.post("/admin/worklist/batch", data=data)
    assert response.status_code == 400 and "satu per satu" in response.text
    assert client.post("/admin/worklist/batch", data={"action": "accept"}).status_code == 400
    db_session.expire_all()
    assert db_session.get(Proposal, proposal.id).status == ProposalStatus.SUBMITTED  # type: ignore[union-attr]


def test_a_batch_arrow_of_another_role_is_forbidden(client: TestClient, db_session: Session) -> None:
    proposal = make_proposal(db_session, ProposalStatus.SUBMITTED, region_code=VILLAGE)
    db_session.commit()
    log_in_as_new_user(client, db_session, Role.OPERATOR_DESA, VILLAGE)
    data = {"action": "accept", "chosen": str(proposal.id), f"version-{proposal.id}": "1"}
    assert client.post("/admin/worklist/batch", data=data).status_code == 403
