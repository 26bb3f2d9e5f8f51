"""The printed Surat Keterangan as PDF, and the public page that says whether a letter is genuine.

Real parts: the paraf chain over the chain's own functions, the PDF as the desk downloads it over HTTP, its text
read back with pypdf, its first page rendered to pixels (pypdfium2) and the QR decoded from them (zxing-cpp), as a
phone camera would. The public page is asked with the decoded address, with a forged code and with a real code and
a forged number.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.letter_verification import masked_name, parsed
from models import AuditAction, AuditEntry, Certificate, OfficeProfile, OfficeSigner, Role, SignerDuty
from policies.rules import PolicyStore
from tests.console.certificate_letters import signed_certificate
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.pdf_reading import pdf_text, qr_payloads

VILLAGE = "52.72.01.1001"  # Kota Bima
REGENCY = "52.72"


def _profile(session: Session) -> None:
    session.add(OfficeProfile(region_code=REGENCY, government_name="", office_name="Dinas Sosial",
                              address="Jl. Gajah Mada No. 12, Kota Bima 84111", phone="(0374) 43210",
                              email="dinsos@bimakota.go.id", website="", city="Bima"))  # fmt: skip
    session.flush()
    session.add(OfficeSigner(region_code=REGENCY, duty=SignerDuty.KEPALA_DINAS, name="Drs. H. Abdul Rahman, M.Si",
                             title="Kepala Dinas Sosial Kota Bima", rank="Pembina Utama Muda (IV/c)",
                             nip="197003151995031002"))  # fmt: skip
    session.commit()


def test_the_signed_letter_prints_with_full_numbers_a_qr_and_a_public_check(
    app: object, db_session: Session, policy_store: PolicyStore
) -> None:
    _profile(db_session)
    certificate, household = signed_certificate(db_session, policy_store)
    nik = certificate.requested_nik
    desk: ConsoleClient = client_logged_in_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_pdf")
    response = desk.get(f"/admin/certificate/letter/{certificate.id}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    text = pdf_text(response.content)
    db_session.expire_all()
    stored = db_session.get(Certificate, certificate.id)
    assert stored is not None and stored.verification_code
    for expected in (
        "PEMERINTAH KOTA BIMA",
        "DINAS SOSIAL",
        "Jl. Gajah Mada No. 12",
        "(0374) 43210",
        "SURAT KETERANGAN TERDAFTAR DALAM DTKS",
        stored.letter_number,
        nik,  # the resident's own numbers, in full
        household.no_kk,
        "tanpa dipungut biaya",
        "Drs. H. Abdul Rahman, M.Si",
        "NIP. 197003151995031002",
        f"5272-{stored.verification_code}",
        "Halaman 1 dari 1",
    ):
        assert expected in text, expected
    assert "KABUPATEN/KOTA" not in text and "KOTA KOTA" not in text

    [payload] = qr_payloads(response.content)
    assert payload == f"http://testserver/verifikasi/5272-{stored.verification_code}"
    public = ConsoleClient(app)  # no login
    genuine = public.get(payload.removeprefix("http://testserver"))
    assert genuine.status_code == 200 and 'data-valid="true"' in genuine.text
    member_name = household.members[0].name
    assert stored.letter_number in genuine.text and masked_name(member_name) in genuine.text
    assert member_name not in genuine.text
    for private in (nik, household.no_kk, household.address, nik[:6]):
        assert private not in genuine.text, private

    forged_code = public.get("/verifikasi/5272-AAAA-BBBB-CCCC-DDDD")
    assert (
        forged_code.status_code == 404 and 'data-valid="false"' in forged_code.text and "TIDAK SAH" in forged_code.text
    )
    forged_number = public.get(
        "/verifikasi", params={"kode": f"5272-{stored.verification_code}", "nomor": "474/999/DINSOS/2026"}
    )
    assert forged_number.status_code == 404 and stored.letter_number not in forged_number.text
    typed = public.get(
        "/verifikasi", params={"kode": f" 5272 {stored.verification_code.lower()} ", "nomor": stored.letter_number}
    )
    assert typed.status_code == 200 and 'data-valid="true"' in typed.text
    assert public.get("/verifikasi").status_code == 200  # the empty form

    printed = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT, AuditEntry.object_type == "certificate")
    ).all()
    assert [entry.object_id for entry in printed] == [str(certificate.id)]
    desk.__exit__(None, None, None)


def test_the_pdf_needs_the_full_nik_right_and_the_scope(
    app: object, db_session: Session, policy_store: PolicyStore
) -> None:
    certificate, _household = signed_certificate(db_session, policy_store)
    penyuluh = client_logged_in_as(app, db_session, Role.PENYULUH, REGENCY, "penyuluh_pdf")  # no full-NIK right
    assert penyuluh.get(f"/admin/certificate/letter/{certificate.id}/pdf").status_code == 403
    outsider = client_logged_in_as(app, db_session, Role.PETUGAS_LAYANAN, "73.02", "layanan_luar_pdf")
    assert outsider.get(f"/admin/certificate/letter/{certificate.id}/pdf").status_code == 404
    for client in (penyuluh, outsider):
        client.__exit__(None, None, None)


def test_a_letter_without_a_profile_prints_with_the_naming_defaults(
    app: object, db_session: Session, policy_store: PolicyStore
) -> None:
    certificate, _household = signed_certificate(db_session, policy_store)
    desk = client_logged_in_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_pdf_polos")
    text = pdf_text(desk.get(f"/admin/certificate/letter/{certificate.id}/pdf").content)
    assert "PEMERINTAH KOTA BIMA" in text and "Bima, " in text
    assert "Pengguna Uji pdf_kepala_dinas" in text  # the signer recorded on the letter
    desk.__exit__(None, None, None)


def test_codes_are_parsed_forgivingly_and_only_in_their_shape() -> None:
    assert parsed("5272-abcd-efgh-jkLM-npqr") == ("52.72", "ABCD-EFGH-JKLM-NPQR")
    assert parsed("5272ABCDEFGHJKLMNPQR") == ("52.72", "ABCD-EFGH-JKLM-NPQR")
    for wrong in ("", "5272-ABCD", "52.72-ABCD-EFGH-JKLM-NPQR", "5272-ABCD-EFGH-JKLM-NPQ1", "x" * 200):
        assert parsed(wrong) is None
    assert re.fullmatch(r"[A-Z]\** [A-Z]\**", masked_name("Siti Rahmah"))
