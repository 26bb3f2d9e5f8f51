"""A Surat Keterangan signed through the whole paraf chain, by the chain's own functions (for the letter tests)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from chain import certificates
from chain.actor import Actor
from models import Certificate, Household, Role
from models.household import DtksStatus
from policies.rules import PolicyStore
from tests.factories import make_household, make_user

VILLAGE = "52.72.01.1001"  # Kota Bima
REGENCY = "52.72"
PARAF = ("paraf_penyuluh", "paraf_kabid", "paraf_sekretaris", "sign")
PARAF_ROLES = (Role.PENYULUH, Role.KABID, Role.SEKRETARIS, Role.KEPALA_DINAS)


def signed_certificate(session: Session, policy_store: PolicyStore) -> tuple[Certificate, Household]:
    household = make_household(session, region_code=VILLAGE, dtks_status=DtksStatus.REGISTERED, period="2026-07",
                               desil=2)  # fmt: skip
    desk = make_user(session, Role.PETUGAS_LAYANAN, REGENCY, username="meja_pdf")
    session.commit()
    nik = household.members[0].nik
    certificate = certificates.request_certificate(
        session, Actor.of(desk, policy_store.allows), nik=nik, applicant_name="Pemohon", purpose="beasiswa"
    )
    session.commit()
    for action, role in zip(PARAF, PARAF_ROLES, strict=True):
        official = make_user(session, role, REGENCY, username=f"pdf_{role.value}")
        session.commit()
        certificates.paraf(session, Actor.of(official, policy_store.allows), certificate.id, action)
        session.commit()
    return certificate, household
