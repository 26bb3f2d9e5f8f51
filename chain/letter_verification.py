"""Whether a printed Surat Keterangan Terdaftar is genuine: the code on the letter, and what the public may learn.

A letter gets its code when the kepala dinas signs it (chain/certificates.paraf, models/certificate.new_code):
16 characters of an alphabet without look-alikes (no I, O, 0 or 1), 80 bits from `secrets`, printed as
"5272-ABCD-EFGH-JKLM-NPQR" (the regency's digits first: the code is unique within its regency, and the lookup
reads that regency only) and in the QR as the address of the public page. Nobody can guess a code; a forged
letter that copies a real code still shows, on the page, the real letter's number, date and masked name.

The public page learns only: valid or not, the letter number, the signing date, the issuing office and the name
masked ("S*** R******"). No NIK, No. KK, address, desil or purpose: the letter itself carries those, and whoever
holds only the code (a photo of the QR) should learn nothing more about the family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from chain.certificates import requested_member
from chain.offices import letterhead
from models import Certificate, CertificateStep
from models.certificate import CODE_GROUP, CODE_SYMBOLS

_PUBLIC = re.compile(r"([0-9]{4})-?((?:[A-Z2-9]{4}-?){3}[A-Z2-9]{4})")


def public_code(certificate: Certificate) -> str | None:
    """The code as printed, with its regency's digits first: "5272-ABCD-EFGH-JKLM-NPQR"."""
    if not certificate.verification_code:
        return None
    return f"{certificate.region_code.replace('.', '')}-{certificate.verification_code}"


def parsed(text: str) -> tuple[str, str] | None:
    """(regency code, stored code) of a typed or scanned code; None for anything else. Spaces and case are
    forgiven (a code read aloud or typed from paper), nothing else."""
    found = _PUBLIC.fullmatch("".join(text.split()).upper()[:40])
    if found is None:
        return None
    digits, raw = found.group(1), found.group(2).replace("-", "")
    return f"{digits[:2]}.{digits[2:]}", "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_SYMBOLS, CODE_GROUP))


def masked_name(name: str) -> str:
    """Each word's first letter and a star per further letter: "Siti Rahmah" -> "S*** R*****"."""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in name.split())


def letter_name(certificate: Certificate) -> str:
    """The name the letter carries: the registered member's, else the name the applicant gave."""
    member = requested_member(certificate)
    return member.name if member is not None else certificate.applicant_name


@dataclass(frozen=True)
class Verified:
    """What the public page shows of a genuine letter."""

    letter_number: str
    signed_on: date | None
    masked_name: str
    office: str  # "PEMERINTAH KOTA BIMA · DINAS SOSIAL"


def verify(session: Session, code: str, number: str = "") -> Verified | None:
    """The genuine, signed letter of `code` (and, when typed, of that letter number); None otherwise.

    A number that does not match the code's letter reads as not genuine: a forged letter that copied a real code
    keeps the real letter's number only if it is that letter."""
    key = parsed(code)
    if key is None:
        return None
    regency, stored = key
    certificate = session.scalars(
        select(Certificate).where(
            Certificate.region_code == regency,
            Certificate.verification_code == stored,
            Certificate.step == CertificateStep.SIGNED,
        )
    ).first()
    if certificate is None or certificate.letter_number is None:
        return None
    if number.strip() and " ".join(number.split()).upper() != certificate.letter_number.upper():
        return None
    signed = next((a.at for a in certificate.approvals if a.step == CertificateStep.SIGNED), None)
    head = letterhead(session, certificate.region_code)
    return Verified(
        letter_number=certificate.letter_number,
        signed_on=signed.date() if signed is not None else None,
        masked_name=masked_name(letter_name(certificate)),
        office=f"{head.government} · {head.office.upper()}",
    )
