"""Certificate requests and complaints for the register tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from models.certificate import Certificate, CertificateResult, CertificateStep
from models.complaint import Complaint, ComplaintCategory, ComplaintChannel
from tests.factories import next_nik


def a_certificate(session: Session, regency: str, **fields: Any) -> Certificate:
    asked = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    certificate = Certificate(
        region_code=regency,
        requested_nik=next_nik(regency + ".01", date(1980, 5, 5), False),
        applicant_name=fields.pop("applicant_name", "Pemohon Uji"),
        purpose="Beasiswa",
        result=CertificateResult.REGISTERED,
        step=CertificateStep.SIGNED,
        requested_at=asked,
        completed_at=asked + timedelta(minutes=12),
        letter_number="460/1/Dinsos/2026",
        **fields,
    )
    session.add(certificate)
    session.flush()
    return certificate


def a_complaint(session: Session, region_code: str, **fields: Any) -> Complaint:
    complaint = Complaint(
        region_code=region_code,
        channel=ComplaintChannel.WALK_IN,
        complainant_name="Pengadu Uji",
        nik=next_nik(region_code[:8], date(1975, 7, 7), True),
        category=ComplaintCategory.WRONGLY_EXCLUDED,
        description=fields.pop("description", "Tidak terdaftar"),
        **fields,
    )
    session.add(complaint)
    session.flush()
    return complaint
