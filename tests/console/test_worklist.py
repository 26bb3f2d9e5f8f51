"""Kotak Kerja over HTTP: every user lands on it, rows link to their decision page, the menu counts what waits,
another region's records never show, and an official without a step of the chain gets a plain page."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from console.views import worklist as worklist_view
from models import ProposalStatus, Role
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
