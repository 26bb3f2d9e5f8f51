"""The forms officials fill in the field, on a phone (360 x 740), on the demo data as the demo officials: the verval
visit form, the new-household form, the certificate desk and a request's paraf page, the Musdes agenda page and
the complaint form. On each: the page never scrolls sideways, every visible control is touch-sized (40 px or
taller) and axe-core finds no serious or critical violation (issue 13 item 6).

Screenshots: $DTKS_SCREENSHOT_DIR/phone when that is set, else build/screenshots/phone in the checkout.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import DEMO_PASSWORD
from models import Role
from models.certificate import Certificate, CertificateStep
from models.meeting import Meeting
from tests.browser.accessibility import assert_accessible
from tests.browser.page_helpers import (
    assert_no_sideways_scroll,
    assert_touch_sized,
    log_in,
    screenshot_folder,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
REGENCY = "52.72"  # Kota Bima
PARUGA = "52.72.01.1001"  # the demo village, where the village tiers' demo users work
DEMO_HOUSEHOLDS = 700  # enough for Paruga to hold a meeting still to be held (tests/browser/test_guided_tour_...)


def _musdes_page(session: Session) -> str:
    """Paruga's meeting still ahead (its agenda still open), else its latest one."""
    meeting = session.scalars(
        select(Meeting).where(Meeting.region_code == PARUGA).order_by(Meeting.finalised_at.is_not(None), Meeting.id)
    ).first()
    assert meeting is not None, "the demo holds no meeting in Paruga"
    return f"/admin/meeting/musdes/{meeting.id}"


def _paraf_page(session: Session) -> str:
    """The demo's request halfway up the paraf chain, initialled by the kabid: the sekretaris initials next."""
    certificate = session.scalars(select(Certificate).where(Certificate.step == CertificateStep.PARAF_KABID)).first()
    assert certificate is not None, "the demo holds no certificate waiting for a paraf"
    return f"/admin/certificate/process/{certificate.id}"


# (screenshot name, demo official, the page's address: fixed, or found in the demo data)
PAGES: list[tuple[str, Role, str | Callable[[Session], str]]] = [
    ("kunjungan-verval", Role.PENDATA, "/admin/visit/create"),
    ("keluarga-baru", Role.OPERATOR_DESA, "/admin/household/create"),
    ("loket-surat-keterangan", Role.PETUGAS_LAYANAN, "/admin/certificate/desk"),
    ("paraf-surat-keterangan", Role.SEKRETARIS, _paraf_page),
    ("musdes", Role.OPERATOR_DESA, _musdes_page),
    ("pengaduan-baru", Role.PETUGAS_LAYANAN, "/admin/complaint/create"),
]


@pytest.fixture
def demo(demo_seeder: Callable[[str, int], Session]) -> Session:
    """The demo data for Kota Bima on the test database."""
    return demo_seeder(REGENCY, DEMO_HOUSEHOLDS)


@pytest.mark.parametrize(("name", "role", "address"), PAGES, ids=[page[0] for page in PAGES])
def test_a_field_form_fits_a_phone_with_touch_sized_controls_and_passes_the_accessibility_check(
    live_server: str,
    browser_page,  # noqa: ANN001
    demo: Session,
    name: str,
    role: Role,
    address: str | Callable[[Session], str],
) -> None:
    page = browser_page
    page.set_viewport_size(PHONE)
    path = address if isinstance(address, str) else address(demo)
    log_in(page, live_server, role.value, DEMO_PASSWORD)

    response = page.goto(f"{live_server}{path}")
    page.wait_for_load_state("networkidle")
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.screenshot(path=str(screenshot_folder("phone") / f"{role.value}-{name}.png"), full_page=True)

    assert_no_sideways_scroll(page)
    assert_touch_sized(page)
    assert_accessible(page)


@pytest.mark.parametrize("viewport", [PHONE, {"width": 1366, "height": 900}], ids=["ponsel", "kantor"])
def test_the_public_letter_check_answers_without_a_login_and_passes_the_accessibility_check(
    live_server: str,
    browser_page,  # noqa: ANN001
    demo: Session,
    viewport: dict[str, int],
) -> None:
    """A bank clerk types a demo letter's code at /verifikasi (no login): SAH with the number and a masked name;
    a forged code: TIDAK SAH. Either page fits the screen and passes axe."""
    signed = demo.scalars(select(Certificate).where(Certificate.step == CertificateStep.SIGNED)).first()
    assert signed is not None and signed.verification_code and signed.letter_number
    page = browser_page
    page.set_viewport_size(viewport)
    folder = screenshot_folder("verifikasi")
    size = "ponsel" if viewport is PHONE else "kantor"

    page.goto(f"{live_server}/verifikasi")
    page.fill("#kode", f"5272-{signed.verification_code}")
    page.fill("#nomor", signed.letter_number)
    page.click("button[type=submit]")
    page.wait_for_selector("#verdict")
    assert page.get_attribute("#verdict", "data-valid") == "true"
    assert page.inner_text("#verified-number") == signed.letter_number
    assert signed.requested_nik not in page.content()
    page.screenshot(path=str(folder / f"sah-{size}.png"), full_page=True)
    assert_no_sideways_scroll(page)
    assert_touch_sized(page)
    assert_accessible(page)

    page.goto(f"{live_server}/verifikasi/5272-AAAA-BBBB-CCCC-DDDD")
    assert page.get_attribute("#verdict", "data-valid") == "false"
    page.screenshot(path=str(folder / f"tidak-sah-{size}.png"), full_page=True)
    assert_accessible(page)
