"""The SK's own text and the province's cover letter as PDF: the heading and the signature name the head alike,
the annex lists every member as kept at signing, out-of-scope officials get nothing, and each print is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.applications import Starlette

from models import AuditAction, AuditEntry, Decree, DecreeKind, Household, ProposalStatus, Role
from tests.console.test_decrees import PDF, _sign
from tests.console_client import ConsoleClient, client_logged_in_as
from tests.factories import make_decree
from tests.finality_world import place
from tests.pdf_reading import pdf_text

S = ProposalStatus


def _signed_district_sk(app: Starlette, session: Session, username: str) -> tuple[Decree, int, ConsoleClient]:
    """A district SK holding one proposal of a family of two, signed by the Dinsos operator (who is returned)."""
    placed = place(session, S.IN_DECREE)
    session.commit()
    operator = client_logged_in_as(app, session, Role.OPERATOR_DINSOS, "52.72", username)
    decree = session.get(Decree, placed.decree_ids[0])
    assert _sign(operator, decree, ("sk.pdf", PDF, "application/pdf")).status_code == 303
    session.expire_all()
    signed = session.get(Decree, placed.decree_ids[0])
    assert signed is not None
    return signed, placed.household_id, operator


def test_the_signed_sk_prints_its_text_and_the_annex_kept_at_signing(app: Starlette, db_session: Session) -> None:
    decree, household_id, operator = _signed_district_sk(app, db_session, "naskah_sk")
    household = db_session.get(Household, household_id)
    assert 'id="decree-text-pdf"' in operator.get(f"/admin/decree/annex/{decree.id}").text
    response = operator.get(f"/admin/decree/annex/{decree.id}/naskah.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        "PEMERINTAH KOTA BIMA",
        "KEPUTUSAN WALI KOTA BIMA",
        decree.number,
        "Menimbang:",
        "Mengingat:",
        "MEMUTUSKAN:",
        "1 keluarga (2 jiwa)",
        "Ditetapkan di Bima",
        decree.signer_name,
        "LAMPIRAN KEPUTUSAN WALI KOTA BIMA",
        *(member.nik for member in household.members),
        household.no_kk,
    ):
        assert expected in text, expected
    assert "WALIKOTA KOTA" not in text.upper() and "KOTA KOTA" not in text.upper()
    audited = db_session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.EXPORT,
                                                          AuditEntry.object_type == "decree")).all()  # fmt: skip
    assert [entry.object_id for entry in audited] == [str(decree.id)]

    outsider = client_logged_in_as(app, db_session, Role.OPERATOR_DINSOS, "73.02", "naskah_luar")
    assert outsider.get(f"/admin/decree/annex/{decree.id}/naskah.pdf").status_code == 404
    for client in (operator, outsider):
        client.__exit__(None, None, None)


def test_the_province_cover_letter_names_the_district_sks_it_sends_on(app: Starlette, db_session: Session) -> None:
    district, _household_id, operator = _signed_district_sk(app, db_session, "naskah_kab")
    cover = make_decree(db_session, DecreeKind.PROVINCE_FORWARDING, region_code="52", number="400/12/DINSOS/2026",
                        signer_name="Dr. Ahmad Provinsi", signer_title="Kepala Dinas Sosial Provinsi NTB")  # fmt: skip
    cover.proposals.extend(district.proposals)
    db_session.commit()
    province = client_logged_in_as(app, db_session, Role.OPERATOR_PROVINSI, "52", "naskah_prov")
    text = pdf_text(province.get(f"/admin/decree/annex/{cover.id}/naskah.pdf").content)
    for expected in (
        "PEMERINTAH PROVINSI NUSA TENGGARA BARAT",
        "400/12/DINSOS/2026",
        "Menteri Sosial Republik Indonesia",
        f"Keputusan Wali Kota Bima Nomor {district.number}",
        "(1 keluarga)",
        "Dr. Ahmad Provinsi",
        "LAMPIRAN SURAT PENGANTAR",
    ):
        assert expected in text, expected
    for client in (operator, province):
        client.__exit__(None, None, None)


def test_an_annex_too_long_for_the_pdf_is_left_whole_to_the_spreadsheet(
    app: Starlette, db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the PDF's row cap the annex is not printed in part: the PDF says how many rows and where they are."""
    for module in ("chain.documents", "reports.documents"):
        monkeypatch.setattr(f"{module}.PDF_ANNEX_MOST_ROWS", 1)  # the annex here has 2 rows
    decree, household_id, operator = _signed_district_sk(app, db_session, "naskah_panjang")
    household = db_session.get(Household, household_id)
    text = pdf_text(operator.get(f"/admin/decree/annex/{decree.id}/naskah.pdf").content)
    assert "1 keluarga (2 jiwa)" in text and "Lampiran ini memuat 2 baris, lebih dari 1 " in text
    assert "Lampiran SK (.xlsx)" in text
    assert not any(member.nik in text or member.name in text for member in household.members)
    operator.__exit__(None, None, None)
