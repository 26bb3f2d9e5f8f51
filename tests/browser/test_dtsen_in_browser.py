"""The DTSEN pages in a real browser, on a console deployed with REGISTER_MODE=DTSEN: the ministry desk offers
the BPS ranking instead of the PMT run; Pusdatin imports a ranking file through the page (a forwarded proposal is
received, a refused one goes back to its village); the village proposes the refused family again and uploads a
resident's evidence to a sanggah; the district decides the suspension review of a PKH family ranked desil 5.

Screenshots go to $DTKS_SCREENSHOT_DIR when it is set (CI keeps them as artefacts), else to the test's tmp folder.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from console.app import create_app
from models import (
    DecreeReview,
    Dispute,
    DtksStatus,
    MembershipStatus,
    Programme,
    ProgrammeMembership,
    ProposalResubmission,
    ProposalStatus,
    ProposalWindow,
    RequestChannel,
    RequestEvidence,
    RequestKind,
    ResidentRequest,
    Role,
    Visit,
)
from models.dates import today_in_indonesia
from models.ground_check import VisitKind
from models.periods import period_of
from tests.browser.page_helpers import log_in, log_in_as_new_user, set_date
from tests.conftest import settings_for
from tests.factories import DEFAULT_VILLAGE, assign_villages, make_decree, make_household, make_proposal, make_user
from tests.ranking_files import ranking_bytes, row_of

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def app(database_url: str, engine: Engine, regions: frozenset[str], tmp_path: Path) -> Starlette:
    """The console in the DTSEN mode (overrides the suite's app: live_server serves this one)."""
    return create_app(settings_for(database_url, tmp_path / "uploads", register_mode="DTSEN"))


def _shot(page: object, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("DTKS_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"dtsen-{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_dtsen_ranking_loop_sanggah_and_review_in_the_browser(
    browser_page: object, live_server: str, db_session: Session, tmp_path: Path
) -> None:
    page, base = browser_page, live_server
    period = period_of(today_in_indonesia())
    ranked = make_proposal(db_session, ProposalStatus.FORWARDED, members=2)
    refused = make_proposal(db_session, ProposalStatus.FORWARDED, members=1)
    pkh_family = make_household(db_session, members=1, dtks_status=DtksStatus.REGISTERED, desil=2, period="2025-04")
    db_session.commit()
    pkh = db_session.scalars(select(Programme).where(Programme.code == "PKH")).one()
    membership = ProgrammeMembership(household_id=pkh_family.id, programme_id=pkh.id, period=period,
                                     region_code=pkh_family.region_code)  # fmt: skip
    sanggah = ResidentRequest(kind=RequestKind.SANGGAH, channel=RequestChannel.WALK_IN, household_id=pkh_family.id,
                              region_code=pkh_family.region_code, dispute=Dispute.WRONGLY_INCLUDED,
                              resident_name="Warga", statement="Sudah mampu.")  # fmt: skip
    db_session.add_all([membership, sanggah])
    db_session.commit()
    ranking = tmp_path / "hasil-bps.xlsx"
    ranking.write_bytes(
        ranking_bytes(
            [row_of(ranked.household, 4), row_of(refused.household, status="NIK ganda"), row_of(pkh_family, 5)]
        )  # fmt: skip
    )

    # Pusdatin: the desk points to the ranking page; the file goes in through the form.
    log_in_as_new_user(page, base, db_session, Role.PUSDATIN, None, "pusdatin_dtsen")
    page.goto(f"{base}/admin/pmt-model/desk")  # type: ignore[attr-defined]
    assert page.locator("#dtsen-ranking").is_visible()  # type: ignore[attr-defined]
    page.click("#dtsen-ranking a")  # type: ignore[attr-defined]
    page.fill("#period", period)  # type: ignore[attr-defined]
    page.set_input_files("#sheet", str(ranking))  # type: ignore[attr-defined]
    page.click("#ranking-import-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#ranking-counts")  # type: ignore[attr-defined]
    counts = page.inner_text("#ranking-counts")  # type: ignore[attr-defined]
    assert "Usulan diteruskan yang diterima" in counts and "Usulan diteruskan yang ditolak" in counts
    _shot(page, tmp_path, "ranking-import")
    db_session.expire_all()
    assert db_session.get_one(type(ranked), ranked.id).status == ProposalStatus.RECEIVED
    assert db_session.get_one(type(refused), refused.id).status == ProposalStatus.REJECTED_MINISTRY

    # The SK Penetapan of the quarter registers the ranked family with its BPS desil.
    page.goto(f"{base}/admin/pmt-model/desk")  # type: ignore[attr-defined]
    sk = "form[action$='/determine']"
    page.fill(f"{sk} input[name=period]", period)  # type: ignore[attr-defined]
    page.fill(f"{sk} input[name=number]", "150/HUK/2026")  # type: ignore[attr-defined]
    page.fill(f"{sk} input[name=decree_date]", f"{today_in_indonesia():%Y-%m-%d}")  # type: ignore[attr-defined]
    page.fill(f"{sk} input[name=signer_name]", "Menteri Sosial")  # type: ignore[attr-defined]
    page.click(f"{sk} button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    _shot(page, tmp_path, "sk-penetapan")
    db_session.expire_all()
    assert db_session.get_one(type(ranked), ranked.id).status == ProposalStatus.DETERMINED
    determined = db_session.get_one(type(ranked.household), ranked.household_id)
    assert (determined.dtks_status, determined.desil) == (DtksStatus.REGISTERED, 4)

    # The village: the rejected proposal's page says why and proposes the family again; evidence for the sanggah.
    page.context.clear_cookies()  # type: ignore[attr-defined]
    log_in_as_new_user(page, base, db_session, Role.OPERATOR_DESA, DEFAULT_VILLAGE, "desa_dtsen")
    page.goto(f"{base}/admin/proposal/workflow/{refused.id}")  # type: ignore[attr-defined]
    assert "NIK ganda" in page.inner_text("#rejection")  # type: ignore[attr-defined]
    page.click("#resubmit-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#resubmission-of")  # type: ignore[attr-defined]
    _shot(page, tmp_path, "resubmitted")
    assert db_session.scalars(select(ProposalResubmission)).one().rejected_id == refused.id
    page.goto(f"{base}/admin/resident-request/process/{sanggah.id}")  # type: ignore[attr-defined]
    evidence = tmp_path / "toko.png"
    evidence.write_bytes(PNG)
    page.set_input_files("#evidence", str(evidence))  # type: ignore[attr-defined]
    page.fill("#description", "Foto toko")  # type: ignore[attr-defined]
    page.click("#evidence-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#request-evidence a")  # type: ignore[attr-defined]
    _shot(page, tmp_path, "sanggah-evidence")
    assert db_session.scalars(select(RequestEvidence)).one().description == "Foto toko"

    # The district: the PKH family ranked desil 5 is on the suspension review; the decision is recorded.
    page.context.clear_cookies()  # type: ignore[attr-defined]
    log_in_as_new_user(page, base, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_dtsen")
    page.goto(f"{base}/admin/programme-review?period={period}")  # type: ignore[attr-defined]
    row = page.locator(f'tr[data-membership="{membership.id}"]')  # type: ignore[attr-defined]
    assert "1-4" in row.inner_text() and "5" in row.inner_text()
    row.locator("select[name=decision]").select_option("tangguhkan")
    row.locator("input[name=note]").fill("Menunggu cek lapangan pendamping")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(f'tr[data-membership="{membership.id}"]:has-text("Ditangguhkan")')  # type: ignore[attr-defined]
    _shot(page, tmp_path, "programme-review")
    db_session.expire_all()
    assert db_session.get_one(ProgrammeMembership, membership.id).status == MembershipStatus.SUSPENDED


def test_dtsen_regents_review_before_the_signature_and_the_monthly_windows_in_the_browser(
    browser_page: object, live_server: str, db_session: Session, tmp_path: Path
) -> None:
    page, base = browser_page, live_server
    accepted = make_proposal(db_session, ProposalStatus.ACCEPTED)
    decree = make_decree(db_session)
    db_session.commit()
    log_in_as_new_user(page, base, db_session, Role.OPERATOR_DINSOS, "52.72", "dinsos_review")

    # Jadwal Usulan: the year filled on the reported days in one click.
    page.goto(f"{base}/admin/proposal-window/list")  # type: ignore[attr-defined]
    page.fill("#fill-year-form input[name=year]", "2027")  # type: ignore[attr-defined]
    page.click("#fill-year-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("text=12 bulan jadwal usulan dibuat")  # type: ignore[attr-defined]
    _shot(page, tmp_path, "windows")
    assert db_session.scalar(select(func.count()).select_from(ProposalWindow)) == 12

    # The SK page: the signature waits for the regent's agreeing review of the list.
    page.goto(f"{base}/admin/decree/annex/{decree.id}")  # type: ignore[attr-defined]
    page.select_option("#proposal-select", str(accepted.id))  # type: ignore[attr-defined]
    page.click("text=Masukkan ke draf SK")  # type: ignore[attr-defined]
    page.wait_for_selector("#review-form")  # type: ignore[attr-defined]
    assert "belum ditinjau" in page.inner_text("#review-standing")  # type: ignore[attr-defined]
    page.fill("#reviewed_on", f"{datetime.now(UTC).date():%Y-%m-%d}")  # type: ignore[attr-defined]
    page.fill("#reviewer_name", "H. Muhammad Lutfi")  # type: ignore[attr-defined]
    page.select_option("#outcome", "setuju")  # type: ignore[attr-defined]
    page.click("#review-form button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_selector("#review-history")  # type: ignore[attr-defined]
    assert "telah disetujui" in page.inner_text("#review-standing")  # type: ignore[attr-defined]
    _shot(page, tmp_path, "regent-review")
    review = db_session.scalars(select(DecreeReview)).one()
    assert (review.reviewer_name, review.proposal_count) == ("H. Muhammad Lutfi", 1)


def test_dtsen_the_pendamping_pkh_ground_checks_a_proposal_of_an_assigned_village_in_the_browser(
    browser_page: object, live_server: str, db_session: Session, tmp_path: Path
) -> None:
    page, base = browser_page, live_server
    agreed = make_proposal(db_session, ProposalStatus.AGREED)
    pendamping = make_user(db_session, Role.PENDAMPING_PKH, "52.72.01", username="pendamping_browser")
    assign_villages(db_session, pendamping, DEFAULT_VILLAGE)
    db_session.commit()
    log_in(page, base, "pendamping_browser")

    # "Kunjungan Verval" opened from the proposal: household and proposal filled in; the groundcheck's variables.
    query = f"household={agreed.household_id}&proposal={agreed.id}"
    page.goto(f"{base}/admin/visit/create?{query}")  # type: ignore[attr-defined]
    page.fill("#enumerator_name", "Sri Wahyuni")  # type: ignore[attr-defined]
    set_date(page, "visited_on", today_in_indonesia())
    page.select_option("#floor_material", "tanah")  # type: ignore[attr-defined]
    page.select_option("#family_presence", "ditemukan")  # type: ignore[attr-defined]
    page.select_option("#livelihood", "buruh_harian")  # type: ignore[attr-defined]
    page.select_option("#income_band", "lt_500rb")  # type: ignore[attr-defined]
    page.fill("#children_out_of_school", "2")  # type: ignore[attr-defined]
    page.select_option("#health_cover", "tidak_ada")  # type: ignore[attr-defined]
    _shot(page, tmp_path, "groundcheck-form")
    page.click("input[type=submit][value=Simpan]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base}/admin/visit/list*")  # type: ignore[attr-defined]
    visit = db_session.scalars(select(Visit)).one()
    assert (visit.kind, visit.proposal_id, visit.children_out_of_school) == (VisitKind.GROUND_CHECK, agreed.id, 2)

    page.goto(f"{base}/admin/proposal/workflow/{agreed.id}")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Konfirmasi: Kunjungan verval selesai", exact=True).click()  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert page.inner_text("#proposal-status") == ProposalStatus.VISITED.label  # type: ignore[attr-defined]
    _shot(page, tmp_path, "groundcheck-done")
