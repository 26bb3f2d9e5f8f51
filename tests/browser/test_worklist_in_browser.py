"""Each tier's day in chromium, at an office screen (1366 px) and a phone (360 px): log in, land on Kotak Kerja,
open the oldest waiting record's decision page, come back through the menu. axe-core finds no serious or critical
violation on the worklist and the decision page; at 360 px the page never scrolls sideways.

Screenshots: $DTKS_SCREENSHOT_DIR/worklist when that is set, else build/screenshots/worklist in the checkout.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Household, ProposalStatus, Role
from models.certificate import Certificate, CertificateResult, CertificateStep
from tests.browser.accessibility import assert_accessible
from tests.browser.page_helpers import assert_no_sideways_scroll, log_in, screenshot_folder
from tests.factories import make_proposal, make_user

pytestmark = pytest.mark.browser

VILLAGE = "52.72.01.1001"
VIEWPORTS = {"kantor": {"width": 1366, "height": 900}, "ponsel": {"width": 360, "height": 780}}
LATE = datetime.now(UTC) - timedelta(days=60)

# (role, scope, what waits for it, the decision page's URL part)
TIERS = [
    (Role.OPERATOR_DESA, VILLAGE, ProposalStatus.RETURNED, "/admin/proposal/workflow/"),
    (Role.KEPALA_DESA, VILLAGE, ProposalStatus.IN_MUSDES, "/admin/proposal/workflow/"),
    (Role.TKSK, "52.72.01", ProposalStatus.VISITED, "/admin/proposal/workflow/"),
    (Role.OPERATOR_DINSOS, "52.72", ProposalStatus.SUBMITTED, "/admin/proposal/workflow/"),
    (Role.SEKRETARIS, "52.72", None, "/admin/certificate/process/"),
    (Role.OPERATOR_PROVINSI, "52", ProposalStatus.RATIFIED, "/admin/proposal/workflow/"),
    (Role.PUSDATIN, None, ProposalStatus.FORWARDED, "/admin/proposal/workflow/"),
]


def _folder() -> Path:
    return screenshot_folder("worklist")


def _seed(session: Session, role: Role, scope: str | None, status: ProposalStatus | None) -> str:
    if status is not None:
        make_proposal(session, status, region_code=VILLAGE, status_changed_at=LATE)
        make_proposal(session, status, region_code=VILLAGE)
    else:
        session.add(
            Certificate(
                region_code="52.72", requested_nik="5272014107800001", applicant_name="Siti Aminah",
                result=CertificateResult.REGISTERED, step=CertificateStep.PARAF_KABID, requested_at=LATE,
            )
        )  # fmt: skip
    username = f"kerja_{role.value}"
    make_user(session, role, scope, username=username)
    session.commit()
    return username


def _open_menu_if_collapsed(page: Any) -> None:
    toggler = page.locator(".navbar-toggler:visible")
    if toggler.count():
        toggler.first.click()


@pytest.mark.parametrize("screen", list(VIEWPORTS))
@pytest.mark.parametrize(("role", "scope", "status", "decision_path"), TIERS, ids=[tier[0].value for tier in TIERS])
def test_each_tier_goes_from_its_worklist_to_a_decision_and_back(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
    role: Role,
    scope: str | None,
    status: ProposalStatus | None,
    decision_path: str,
    screen: str,
) -> None:
    page = browser_page
    page.set_viewport_size(VIEWPORTS[screen])
    username = _seed(db_session, role, scope, status)
    folder = _folder()

    log_in(page, live_server, username)
    assert page.url.endswith("/admin/worklist")
    assert page.locator("html").get_attribute("lang") == "id"
    summary = page.locator("#worklist-summary").inner_text()
    assert "menunggu tindakan Anda" in summary and "terlambat" in summary
    page.screenshot(path=str(folder / f"{role.value}-{screen}-kotak-kerja.png"), full_page=True)
    if screen == "ponsel":
        assert_no_sideways_scroll(page)
    assert_accessible(page)

    page.locator(".worklist-item a.btn").first.click()
    page.wait_for_load_state()
    assert decision_path in page.url
    page.screenshot(path=str(folder / f"{role.value}-{screen}-keputusan.png"), full_page=True)
    if screen == "ponsel":
        assert_no_sideways_scroll(page)
    assert_accessible(page)

    _open_menu_if_collapsed(page)
    page.click("#menu-worklist")
    page.wait_for_url(f"{live_server}/admin/worklist")
    assert page.locator(".worklist-item").count() >= 1


def test_the_district_accepts_what_came_in_at_once_from_a_phone(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
) -> None:
    page = browser_page
    page.set_viewport_size(VIEWPORTS["ponsel"])
    username = _seed(db_session, Role.OPERATOR_DINSOS, "52.72", ProposalStatus.SUBMITTED)
    log_in(page, live_server, username)
    page.check("#batch-submitted input[data-select-all]")  # "pick all shown" ticks both rows
    assert page.locator("#batch-submitted input[name=chosen]:checked").count() == 2
    page.fill("#note-submitted", "Berkas lengkap")
    page.click("#batch-submitted button[value=accept]")
    page.wait_for_load_state()
    assert page.url.endswith("/admin/worklist/batch")
    assert "2 diproses, 0 tidak diproses" in page.locator("#batch-summary").inner_text()
    page.screenshot(path=str(_folder() / "operator_dinsos-ponsel-keputusan-sekaligus.png"), full_page=True)
    assert_no_sideways_scroll(page)
    assert_accessible(page)
    page.click("text=Kembali ke Kotak Kerja")
    page.wait_for_url(f"{live_server}/admin/worklist")
    assert page.locator("#step-proposal-accepted").get_attribute("data-count") == "2"


@pytest.mark.parametrize("screen", list(VIEWPORTS))
def test_login_list_details_and_dashboard_pass_the_accessibility_check(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
    screen: str,
) -> None:
    page = browser_page
    page.set_viewport_size(VIEWPORTS[screen])
    username = _seed(db_session, Role.OPERATOR_DINSOS, "52.72", ProposalStatus.SUBMITTED)
    page.goto(f"{live_server}/admin/login")
    assert_accessible(page)
    log_in(page, live_server, username)
    household = db_session.scalars(select(Household.id).order_by(Household.id)).first()
    for path in ("/admin/household/list", f"/admin/household/details/{household}", "/admin/dashboard"):
        page.goto(f"{live_server}{path}")
        page.screenshot(path=str(_folder() / f"operator_dinsos-{screen}-{path.split('/')[2]}.png"), full_page=True)
        assert_accessible(page)
