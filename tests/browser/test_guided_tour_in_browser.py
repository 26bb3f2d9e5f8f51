"""The README's guided tour, walked in a real browser on the demo data, one demo login after another.

Each step logs in through the login form as the README's demo user, reaches the page the README names by
clicking the sidebar menu (and the links and buttons on the pages), checks that the buttons the README
mentions are there and that the demo data offers something to act on, and performs the tour's key actions:
an agenda with a decision and a signed BA finalised by the kepala desa, a proposal accepted by the Dinas
Sosial, a ratified SK forwarded by the province, a NIK looked up at the certificate desk and initialled up
the paraf chain. Everything happens in Kelurahan Paruga (the demo village) of Kota Bima.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from demo import DEMO_PASSWORD, DEMO_USER_NAMES
from models import Household, Member, Proposal, Role
from models.certificate import Certificate, CertificateStep
from models.decree import Decree, DecreeKind
from models.household import DtksStatus
from models.meeting import Decision, Meeting
from models.proposal import ProposalStatus
from tests.browser.page_helpers import log_in

pytestmark = pytest.mark.browser

REGENCY = "52.72"  # Kota Bima
PARUGA = "52.72.01.1001"  # the demo village (Kelurahan Paruga)
# Enough households for Paruga to hold one proposal in every status (the seed gives the demo village at
# least one of each when it has 17 households or more); a few seconds of seeding.
DEMO_HOUSEHOLDS = 700
S = ProposalStatus


# --- what a person does --------------------------------------------------------------------------------


class Tour:
    """The browser page and the console's address, with the moves a new user makes."""

    def __init__(self, page: Any, base: str) -> None:
        self.page, self.base = page, base

    def log_in(self, username: str) -> None:
        self.page.context.clear_cookies()  # the previous official is gone; a fresh login form
        log_in(self.page, self.base, username, DEMO_PASSWORD)
        assert "Dasbor" in self.menu_entries(), f"{username} has no Dasbor"  # every tier has one

    def menu(self, category: str, entry: str | None = None) -> None:
        """Click a sidebar entry: a top-level one (Dasbor), or a category and then its entry."""
        navigation = self.page.locator("#navbar-menu")
        if entry is None:
            navigation.get_by_role("link", name=category, exact=True).click()
        else:
            group = navigation.locator(f'li[data-sqladmin-menu-category="{category}"]')
            if not group.locator(".dropdown-menu").is_visible():
                group.locator("a.dropdown-toggle").click()
            link = group.locator(".dropdown-menu").get_by_role("link", name=entry, exact=True)
            assert link.count() == 1, f"no menu entry {category} > {entry}"
            link.click()
        self.page.wait_for_load_state()

    def menu_entries(self) -> str:
        return self.page.locator("#navbar-menu").inner_text()

    def filter_list(self, label: str) -> None:
        """Pick a value in the list's filter sidebar (e.g. a proposal status)."""
        self.page.locator("#filter-sidebar a", has_text=label).first.click()
        self.page.wait_for_load_state()

    def open_row(self, identity: str, pk: int | None = None) -> None:
        """Open a record from the list: the given one, or the first row."""
        links = self.page.locator(f'table tbody a[href*="/{identity}/details/"]')
        if pk is not None:
            links = self.page.locator(f'table tbody a[href$="/{identity}/details/{pk}"]')
        links.first.click()
        self.page.wait_for_load_state()

    def click(self, text: str) -> None:
        """Click the link or button showing exactly this text."""
        self.page.get_by_text(text, exact=True).first.click()
        self.page.wait_for_load_state()

    def button(self, text: str) -> Any:
        return self.page.get_by_role("button", name=text, exact=True)

    def search(self, term: str) -> None:
        """The list's search box (a POST form: what is searched stays out of the URL)."""
        self.page.fill("#search-input", term)
        self.page.click("#dtks-search-button")
        self.page.wait_for_url("**search=*")

    def text(self) -> str:
        return self.page.inner_text("body")

    def open_proposal(self, status: ProposalStatus, pk: int) -> None:
        """Alur Usulan > Usulan, filtered by status, then the proposal's "Tindakan alur usulan"."""
        self.menu("Alur Usulan", "Usulan")
        self.filter_list(status.label)
        self.open_row("proposal", pk)
        self.click("Tindakan alur usulan")
        assert self.page.inner_text("#proposal-status") == status.label


# --- the demo data, read the way the tour needs it -----------------------------------------------------


def paruga_proposal(session: Session, status: ProposalStatus) -> Proposal:
    found = session.scalars(
        select(Proposal).where(Proposal.region_code == PARUGA, Proposal.status == status).order_by(Proposal.id)
    ).first()
    assert found is not None, f"the demo gives Paruga no proposal with status {status.value}"
    return found


def status_of(session: Session, proposal_id: int) -> ProposalStatus:
    session.expire_all()
    proposal = session.get(Proposal, proposal_id)
    assert proposal is not None
    return proposal.status


@pytest.fixture
def demo(demo_seeder: Callable[[str, int], Session]) -> Session:
    """The demo data for Kota Bima on the test database."""
    return demo_seeder(REGENCY, DEMO_HOUSEHOLDS)


# --- the tour ------------------------------------------------------------------------------------------


def test_the_readme_guided_tour_walks_through_the_demo_data(
    live_server: str,
    browser_page,  # noqa: ANN001
    demo: Session,
    tmp_path,  # noqa: ANN001
) -> None:
    tour = Tour(browser_page, live_server)
    draft = paruga_proposal(demo, S.DRAFT)
    on_agenda = paruga_proposal(demo, S.IN_MUSDES)
    agreed = paruga_proposal(demo, S.AGREED)
    visited = paruga_proposal(demo, S.VISITED)
    verified = paruga_proposal(demo, S.VERIFIED)
    submitted = paruga_proposal(demo, S.SUBMITTED)
    meeting = demo.scalars(select(Meeting).where(Meeting.region_code == PARUGA, Meeting.finalised_at.is_(None))).one()
    agenda_ids = {on_agenda.id, draft.id}

    # 1. operator_desa: a family, its "Buat usulan", and the upcoming meeting's agenda, decisions and BA.
    tour.log_in("operator_desa")
    tour.menu("Register DTKS", "Keluarga")
    assert tour.page.get_by_text("+ Tambah Keluarga", exact=True).is_visible()
    tour.open_row("household")
    assert tour.page.get_by_role("link", name="Buat usulan", exact=True).is_visible()
    tour.menu("Alur Usulan", "Musdes/Muskel")
    tour.open_row("meeting", meeting.id)
    tour.click("Agenda, keputusan dan Berita Acara")
    tour.page.check(f"input[name=proposal][value='{draft.id}']")
    tour.button("Masukkan ke agenda").click()
    tour.page.wait_for_load_state()
    agenda = tour.page.locator("#agenda")
    for proposal_id in agenda_ids:
        assert f"#{proposal_id}" in agenda.inner_text()
    assert status_of(demo, draft.id) == S.IN_MUSDES
    for choice in agenda.locator("select").all():  # the seeded item and the one just added: agreed
        choice.select_option(Decision.AGREED.value)
    tour.button("Simpan keputusan").click()
    tour.page.wait_for_load_state()
    scan = tmp_path / "ba.pdf"
    scan.write_bytes(b"%PDF-1.4\n% BA Muskel Paruga, ditandatangani\n%%EOF\n")
    tour.page.fill("#ba_number", "140/12/BA-MUSKEL/XI/2026")
    tour.page.set_input_files("#ba_file", str(scan))
    tour.button("Unggah").click()
    tour.page.wait_for_load_state()
    assert tour.page.locator("#ba-download").is_visible()

    # 2. kepala_desa: the same meeting page, "Finalkan": the whole agenda is decided.
    tour.log_in("kepala_desa")
    tour.menu("Alur Usulan", "Musdes/Muskel")
    tour.open_row("meeting", meeting.id)
    tour.click("Agenda, keputusan dan Berita Acara")
    assert "Finalkan musyawarah" in tour.text()
    tour.button("Konfirmasi: finalkan").click()
    tour.page.wait_for_load_state()
    assert tour.page.locator("#meeting-final").is_visible()
    assert {status_of(demo, pk) for pk in agenda_ids} == {S.AGREED}

    # 3. pendata: Kunjungan Verval > "+ Tambah", and the agreed proposal's "Kunjungan verval selesai".
    tour.log_in("pendata")
    tour.menu("Alur Usulan", "Kunjungan Verval")
    assert tour.page.get_by_text("+ Tambah Kunjungan Verval", exact=True).is_visible()
    tour.open_proposal(S.AGREED, agreed.id)
    assert tour.button("Konfirmasi: Kunjungan verval selesai").is_visible()

    # 4. tksk: the visited proposal's "Konfirmasi: layak" / "tidak layak".
    tour.log_in("tksk")
    tour.open_proposal(S.VISITED, visited.id)
    assert tour.button("Konfirmasi: layak").is_visible()
    assert tour.button("Konfirmasi: tidak layak").is_visible()

    # 5. operator_desa: the verified proposal's "Kirim ke Dinas Sosial".
    tour.log_in("operator_desa")
    tour.open_proposal(S.VERIFIED, verified.id)
    assert tour.button("Konfirmasi: Kirim ke Dinas Sosial").is_visible()

    # 6. operator_dinsos: "Terima" (or "Kembalikan ke desa"); then the draft SK's annex and signature.
    tour.log_in("operator_dinsos")
    tour.open_proposal(S.SUBMITTED, submitted.id)
    assert tour.button("Konfirmasi: Kembalikan ke desa").is_visible()
    tour.button("Konfirmasi: Terima").click()
    tour.page.wait_for_load_state()
    assert tour.page.inner_text("#proposal-status") == S.ACCEPTED.label
    assert status_of(demo, submitted.id) == S.ACCEPTED
    draft_decree = demo.scalars(
        select(Decree).where(Decree.kind == DecreeKind.DISTRICT_RATIFICATION, Decree.signed_at.is_(None))
    ).one()
    annexed = len(draft_decree.proposals)
    tour.menu("Alur Usulan", "Surat Keputusan (SK)")
    tour.open_row("decree", draft_decree.id)
    tour.click("Lampiran dan tanda tangan SK")
    candidates = tour.page.locator("#proposal-select option")
    chosen = [int(value) for value in candidates.evaluate_all("options => options.map(o => o.value)")]
    assert submitted.id in chosen  # the proposal just accepted can join the draft SK, with the others
    tour.page.select_option("#proposal-select", [str(pk) for pk in chosen])
    tour.button("Masukkan ke draf SK").click()
    tour.page.wait_for_load_state()
    assert f"Lampiran: {annexed + len(chosen)} usulan" in tour.text()
    assert {status_of(demo, pk) for pk in chosen} == {S.IN_DECREE}
    assert tour.button("Catat tanda tangan").is_visible()

    # 7. operator_provinsi: Penerusan SK forwards the ratified district SK.
    signed_decrees = demo.scalars(
        select(Decree).where(Decree.kind == DecreeKind.DISTRICT_RATIFICATION, Decree.signed_at.is_not(None))
    ).all()
    waiting = [d for d in signed_decrees if d.proposals and {p.status for p in d.proposals} == {S.RATIFIED}]
    assert len(waiting) == 1, "the demo has no signed district SK whose proposals all wait to be forwarded"
    ratified_decree, ratified_ids = waiting[0], [p.id for p in waiting[0].proposals]
    tour.log_in("operator_provinsi")
    tour.menu("Alur Usulan", "Penerusan SK")
    form = tour.page.locator("form", has_text=ratified_decree.number)
    form.locator("input[name=number]").fill("460/4321/DINSOS/2026")
    form.locator("input[name=letter_date]").fill("2026-11-20")
    form.locator("input[name=signer_name]").fill("H. Muhammad Rizal")
    form.get_by_role("button", name="Teruskan ke Kementerian Sosial").click()
    tour.page.wait_for_load_state()
    assert {status_of(demo, pk) for pk in ratified_ids} == {S.FORWARDED}

    # 8. pusdatin: Meja Kementerian lists the forwarded proposals, the PMT run and the SK Penetapan.
    tour.log_in("pusdatin")
    tour.menu("Kementerian", "Meja Kementerian")
    desk = tour.text()
    for proposal_id in ratified_ids:
        assert f"#{proposal_id}" in desk
    for label in ("Padankan semua", "Jalankan PMT"):
        assert tour.button(label).is_visible()
    assert "SK Penetapan" in desk

    # 9. petugas_layanan: "Layanan NIK" looks a registered NIK up; penyuluh .. kepala_dinas initial it.
    member = demo.scalars(
        select(Member)
        .join(Member.household)
        .where(Household.dtks_status == DtksStatus.REGISTERED, Household.region_code.startswith(REGENCY))
        .order_by(Member.id)
    ).first()
    assert member is not None
    tour.log_in("petugas_layanan")
    tour.menu("Layanan", "Register Surat Keterangan DTKS")
    tour.click("Layanan NIK (permohonan baru)")
    tour.page.fill("#nik", member.nik)
    tour.page.fill("#applicant_name", member.name)
    tour.page.fill("#purpose", "Persyaratan beasiswa")
    tour.button("Cari dan catat permohonan").click()
    tour.page.wait_for_load_state()
    assert member.nik not in tour.page.url
    assert "Terdaftar di DTKS" in tour.page.inner_text("#certificate-result")
    certificate = demo.scalars(select(Certificate).where(Certificate.requested_nik == member.nik)).one()
    for official in ("penyuluh", "kabid", "sekretaris", "kepala_dinas"):
        tour.log_in(official)
        tour.menu("Layanan", "Register Surat Keterangan DTKS")
        tour.open_row("certificate", certificate.id)
        tour.click("Proses paraf dan surat")
        tour.page.locator("form button", has_text="Konfirmasi:").click()
        tour.page.wait_for_load_state()
    assert tour.page.inner_text("#certificate-step") == CertificateStep.SIGNED.label
    assert tour.page.locator("#letter-link").is_visible()

    # 10. admin: Jejak Audit shows the steps above (who, when, from where, what), NIK masked.
    tour.log_in("admin")
    tour.menu("Administrasi", "Jejak Audit")
    tour.search(DEMO_USER_NAMES[Role.OPERATOR_DINSOS])
    trail = tour.page.inner_text("table tbody")
    assert f"Terima: {S.SUBMITTED.label} -> {S.ACCEPTED.label}" in trail
    assert "127.0.0.1" in trail
    tour.menu("Administrasi", "Jejak Audit")
    tour.search(DEMO_USER_NAMES[Role.PETUGAS_LAYANAN])
    assert tour.page.locator("table tbody tr").count() > 0
    assert member.nik not in tour.text()
    entries = tour.menu_entries()
    for entry in ("Kebijakan Akses (casbin)", "Sesi Masuk", "Target Waktu"):
        assert entry in entries

    # Dasbor: proposals per status and region, the overdue list, the desil distribution.
    tour.menu("Dasbor")
    assert "Terlambat" in tour.text()
    assert tour.page.locator("#desil-counts").is_visible()
