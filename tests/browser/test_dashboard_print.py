"""The head's dashboard in chromium at 1366 px and printed on A4: the demo Kepala Dinas Sosial of Kota Bima sees
full-width charts with 12 px or larger text, the per-kecamatan table, no serious axe violation; the screenshot and
the printed PDF go to the screenshot folder (build/screenshots/dashboard, or $DTKS_SCREENSHOT_DIR/dashboard).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from demo import DEMO_PASSWORD
from models import Role
from tests.browser.accessibility import assert_accessible
from tests.browser.page_helpers import log_in, screenshot_folder

pytestmark = pytest.mark.browser

REGENCY = "52.72"  # Kota Bima, the demo regency
DEMO_HOUSEHOLDS = 300
CHARTS = ("Grafik usulan per status", "Grafik usulan per wilayah", "Grafik keluarga terdaftar per desil")
SMALLEST_TEXT_PX = 12
WIDEST_CHART_UNITS = 720  # console/charts.py WIDE: the SVG's own width, its text 15 units high


def test_the_head_s_dashboard_reads_at_1366_px_and_prints_on_a4(
    live_server: str,
    browser_page,  # noqa: ANN001
    demo_seeder: Callable[[str, int], Session],
) -> None:
    demo_seeder(REGENCY, DEMO_HOUSEHOLDS)
    page = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, live_server, Role.KEPALA_DINAS.value, DEMO_PASSWORD)
    page.goto(f"{live_server}/admin/dashboard")
    page.wait_for_load_state("networkidle")

    for alt in CHARTS:
        loaded, shown_width = page.eval_on_selector(
            f"img[alt='{alt}']", "img => [img.complete && img.naturalWidth > 0, img.getBoundingClientRect().width]"
        )
        assert loaded and shown_width >= 600, (alt, shown_width)
        assert 15 * shown_width / WIDEST_CHART_UNITS >= SMALLEST_TEXT_PX, (alt, shown_width)
    kecamatan = page.locator("#region-table thead th[data-region]")
    assert kecamatan.count() >= 2  # the kecamatan of Kota Bima, a column each
    assert page.locator("#region-table tbody tr[data-status='jumlah'] a").count() == kecamatan.count() + 1
    first_link = page.locator("#region-table tbody a").first
    assert first_link.get_attribute("href")
    assert_accessible(page)
    folder = screenshot_folder("dashboard")
    page.screenshot(path=str(folder / "dasbor-dinsos.png"), full_page=True)

    page.emulate_media(media="print")
    assert page.locator("aside.navbar, #recap-download, #roster-download").first.is_hidden()
    print_width = page.eval_on_selector(
        "img[alt='Grafik usulan per status']", "img => img.getBoundingClientRect().width"
    )
    assert print_width >= 600
    pdf = page.pdf(path=str(folder / "dasbor-dinsos.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
