"""The dashboard's three charts in chromium, under the console's own CSP: each SVG loads, none is blocked.

The screenshot is written to $DTKS_SCREENSHOT_DIR when that is set (to look at the charts by eye).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from console.charts import WIDE
from models import Proposal, ProposalKind, ProposalStatus, Role
from models.household import DtksStatus
from tests.browser.page_helpers import log_in
from tests.browser.test_console_security_in_browser import REPORT_VIOLATIONS
from tests.factories import make_household, make_user

pytestmark = pytest.mark.browser

# (village, status, proposals) across three kecamatan of Kota Bima; (village, desil, households).
PROPOSALS = [
    ("52.72.01.1001", ProposalStatus.DRAFT, 7),
    ("52.72.01.1001", ProposalStatus.SUBMITTED, 3),
    ("52.72.01.1002", ProposalStatus.AGREED, 5),
    ("52.72.02.1004", ProposalStatus.DETERMINED, 12),
    ("52.72.03.1001", ProposalStatus.FORWARDED, 1),
]
REGISTERED = [("52.72.01.1001", 1, 6), ("52.72.01.1002", 2, 4), ("52.72.02.1004", 3, 9), ("52.72.03.1001", 10, 2)]
CHARTS = ("Grafik usulan per status", "Grafik usulan per wilayah", "Grafik keluarga terdaftar per desil")


def _seed(session: Session) -> None:
    for village, status, count in PROPOSALS:
        for _ in range(count):
            household = make_household(session, region_code=village)
            proposal = Proposal(kind=ProposalKind.NEW, household=household, region_code=village, status=status)
            proposal.status_changed_at = datetime.now(UTC)
            session.add(proposal)
    for village, desil, count in REGISTERED:
        for _ in range(count):
            make_household(session, region_code=village, dtks_status=DtksStatus.REGISTERED, desil=desil)
    make_user(session, Role.OPERATOR_DINSOS, "52.72", username="dinsos_grafik")
    session.commit()


def test_the_district_dashboard_shows_its_three_charts_under_the_csp(
    live_server: str,
    browser_page,  # noqa: ANN001
    db_session: Session,
) -> None:
    _seed(db_session)
    page = browser_page
    messages: list[str] = []
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    failed: list[str] = []
    page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    page.set_viewport_size({"width": 1366, "height": 900})

    log_in(page, live_server, "dinsos_grafik")
    page.goto(f"{live_server}/admin/dashboard")
    page.wait_for_load_state("networkidle")

    for alt in CHARTS:
        size = page.eval_on_selector(
            f"img[alt='{alt}']", "img => [img.complete, img.naturalWidth, img.naturalHeight, img.clientWidth]"
        )
        # drawn at the dashboard's wide size and shown at least 600 px wide (text 12 px or more on screen)
        assert size[0] and size[1] == WIDE and size[2] > 100 and size[3] >= 600, (alt, size)
    assert not [message for message in messages if "CSP violation" in message]
    assert not [url for url in failed if "/admin/" in url], failed
    if shots := os.environ.get("DTKS_SCREENSHOT_DIR"):
        page.screenshot(path=str(Path(shots) / "dashboard.png"), full_page=True)
