"""The demo offices' profiles: the regency's Dinas Sosial, its province's and the ministry's, with their signers,
so the demo's printed letters carry a kop, an address and a NIP (all marked as demo data)."""

from __future__ import annotations

from demo.run import DemoRun
from models.office import MINISTRY_KEY, OfficeProfile, OfficeSigner, SignerDuty
from models.office_names import names_for

DEMO_NOTE = "(data demo)"


def create_offices(run: DemoRun) -> None:
    """One profile per issuing office of the demo; draws nothing from the run's random numbers."""
    regency, province = run.geography.regency.code, run.geography.province.code
    for code in (regency, province, MINISTRY_KEY):
        names = names_for(None if code == MINISTRY_KEY else code)
        run.session.add(
            OfficeProfile(
                region_code=code,
                government_name="",
                office_name="",
                address=f"Jl. Contoh No. 1, {names.region} {DEMO_NOTE}",
                phone="(0374) 000000",
                email="dinsos@contoh.go.id",
                website="",
                city=names.place,
            )
        )
        run.session.flush()
        office = "Dinas Sosial" if code != MINISTRY_KEY else "Pusat Data dan Informasi Kesejahteraan Sosial"
        run.session.add_all(
            [
                OfficeSigner(region_code=code, duty=SignerDuty.KEPALA_DINAS, name=f"Kepala Dinas Demo {DEMO_NOTE}",
                             title=f"Kepala {office} {names.region}", rank="Pembina Utama Muda (IV/c)",
                             nip="197003151995031002"),
                OfficeSigner(region_code=code, duty=SignerDuty.KEPALA_DAERAH, name=f"Kepala Daerah Demo {DEMO_NOTE}",
                             title=names.head_title, rank="", nip=None),  # an elected head has no NIP
            ]
        )  # fmt: skip
