"""Profil Kantor and Penandatangan over HTTP: the administrator keeps them, offices read their own, bad input is
refused with its reason and changes nothing, and a printed letter carries what was kept (logo included)."""

from __future__ import annotations

import io

import pypdf
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import OfficeProfile, OfficeSigner, Role
from models.office import NIP_MESSAGE, nip_problem
from policies.rules import PolicyStore
from tests.console.certificate_letters import signed_certificate
from tests.console_client import ConsoleClient, client_logged_in_as

REGENCY = "52.72"  # Kota Bima


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 140), (20, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


def _profile_form(**fields: str) -> dict[str, str]:
    form = {"region_code": REGENCY, "government_name": "", "office_name": "Dinas Sosial",
            "address": "Jl. Gajah Mada No. 12, Kota Bima", "phone": "(0374) 43210",
            "email": "dinsos@bimakota.go.id", "website": "", "city": "Bima"}  # fmt: skip
    return form | fields


def _create_profile(client: ConsoleClient, logo: bytes | None = None, **fields: str):  # noqa: ANN202
    files = {"logo": ("logo.png", logo, "image/png")} if logo is not None else None
    return client.post("/admin/office-profile/create", data=_profile_form(**fields), files=files,
                       follow_redirects=False)  # fmt: skip


def test_the_administrator_keeps_a_profile_with_its_logo_and_signers(app: object, db_session: Session) -> None:
    admin = client_logged_in_as(app, db_session, Role.ADMIN, None, "admin_profil")
    assert _create_profile(admin, _png()).status_code == 302
    db_session.expire_all()
    profile = db_session.get(OfficeProfile, REGENCY)
    assert profile is not None and profile.logo_path and profile.logo_sha256 and profile.phone == "(0374) 43210"

    signer = {"profile": REGENCY, "duty": "kepala_dinas", "name": "Drs. H. Abdul Rahman, M.Si",
              "title": "Kepala Dinas Sosial Kota Bima", "rank": "Pembina Utama Muda (IV/c)"}  # fmt: skip
    refused = admin.post("/admin/office-signer/create", data=signer | {"nip": "19700315199503100"})
    assert refused.status_code == 400 and "NIP harus 18 angka" in refused.text
    no_nip = admin.post("/admin/office-signer/create", data=signer | {"nip": ""})
    assert no_nip.status_code == 400 and "NIP kepala dinas wajib diisi" in no_nip.text
    assert db_session.scalars(select(OfficeSigner)).all() == []
    good = admin.post("/admin/office-signer/create", data=signer | {"nip": "197003151995031002"},
                      follow_redirects=False)  # fmt: skip
    assert good.status_code == 302
    head = {"profile": REGENCY, "duty": "kepala_daerah", "name": "H. Arahman H. Abidin, SH",
            "title": "Wali Kota Bima", "rank": "", "nip": ""}  # fmt: skip
    assert admin.post("/admin/office-signer/create", data=head, follow_redirects=False).status_code == 302
    twice = admin.post("/admin/office-signer/create", data=signer | {"nip": "197003151995031002"})
    assert twice.status_code == 400  # one signer per duty
    db_session.expire_all()
    assert len(db_session.scalars(select(OfficeSigner)).all()) == 2

    reader = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, REGENCY, "dinsos_profil")
    assert reader.get("/admin/office-profile/list").status_code == 200
    assert reader.get("/admin/office-profile/create").status_code in (401, 403)
    for client in (admin, reader):
        client.__exit__(None, None, None)


def test_bad_profiles_are_refused_with_their_reason_and_change_nothing(app: object, db_session: Session) -> None:
    admin = client_logged_in_as(app, db_session, Role.ADMIN, None, "admin_profil_salah")
    cases = [
        ({"region_code": "5272"}, "Kode wilayah: provinsi"),
        ({"region_code": "52.72.01"}, "Paling banyak 5 karakter"),
        ({"region_code": "99.99"}, "tidak ada dalam daftar"),
        ({"phone": "telp kantor"}, "Nomor telepon"),
        ({"email": "dinsos@"}, "email tidak sah"),
    ]
    for fields, message in cases:
        response = _create_profile(admin, **fields)
        assert response.status_code == 400 and message in response.text, fields
    broken = _create_profile(admin, b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    assert broken.status_code == 400 and "PNG atau JPEG yang utuh" in broken.text
    pdf = _create_profile(admin, b"%PDF-1.4 not a logo")
    assert pdf.status_code == 400 and "PNG atau JPEG" in pdf.text
    db_session.expire_all()
    assert db_session.scalars(select(OfficeProfile)).all() == []
    admin.__exit__(None, None, None)


def test_the_ministry_profile_is_kept_under_00(app: object, db_session: Session) -> None:
    admin = client_logged_in_as(app, db_session, Role.ADMIN, None, "admin_pusat")
    response = _create_profile(admin, region_code="00", office_name="", city="Jakarta")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(OfficeProfile, "00") is not None
    admin.__exit__(None, None, None)


def test_a_letter_prints_the_logo_it_was_given(app: object, db_session: Session, policy_store: PolicyStore) -> None:
    admin = client_logged_in_as(app, db_session, Role.ADMIN, None, "admin_logo")
    assert _create_profile(admin, _png()).status_code == 302
    certificate, _household = signed_certificate(db_session, policy_store)
    desk = client_logged_in_as(app, db_session, Role.PETUGAS_LAYANAN, REGENCY, "layanan_logo")
    data = desk.get(f"/admin/certificate/letter/{certificate.id}/pdf").content
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    assert len(page.images) == 1 and "Jl. Gajah Mada No. 12" in page.extract_text()
    for client in (admin, desk):
        client.__exit__(None, None, None)


def test_nip_shape() -> None:
    assert nip_problem("197003151995031002") is None
    for wrong in ("19700315199503100", "197013151995031002", "197003151965031002", "197003151995033002",
                  "197003151995031000", "１９７００３１５１９９５０３１００２"):  # fmt: skip
        assert nip_problem(wrong) == NIP_MESSAGE, wrong
