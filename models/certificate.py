"""Certificate (Surat Keterangan Terdaftar DTKS): the register of every request, found or not."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    LabelledEnum,
    RegencyScoped,
    TimestampMixin,
    digits_check,
    enum_column,
    region_code_column,
    scope_indexes,
    utc_now,
)

if TYPE_CHECKING:
    from models.household import Household
    from models.region import Region
    from models.user import User

SERVICE_TARGET_MINUTES = 15  # Bulukumba service standard (seed 004)


# The verification code printed on a signed letter (chain/letter_verification.py): 16 symbols of 32 (80 bits).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0 or 1: nothing to misread on paper
CODE_SYMBOLS = 16
CODE_GROUP = 4


def new_code() -> str:
    """A fresh verification code as stored: "ABCD-EFGH-JKLM-NPQR"."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_SYMBOLS))
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, CODE_SYMBOLS, CODE_GROUP))


class CertificateResult(LabelledEnum):
    """Hasil pencarian NIK."""

    REGISTERED = "terdaftar", "Terdaftar di DTKS"
    NOT_REGISTERED = "tidak_terdaftar", "Tidak terdaftar"


class CertificateStep(LabelledEnum):
    """Langkah paraf, in order: penyuluh sosial -> kabid -> sekretaris -> kepala dinas (signs)."""

    REQUESTED = "diajukan", "Diajukan"
    PARAF_PENYULUH = "paraf_penyuluh", "Diparaf penyuluh sosial"
    PARAF_KABID = "paraf_kabid", "Diparaf kabid"
    PARAF_SEKRETARIS = "paraf_sekretaris", "Diparaf sekretaris"
    SIGNED = "ditandatangani", "Ditandatangani kepala dinas"
    CLOSED = "selesai_tidak_terdaftar", "Selesai (tidak terdaftar)"


class Certificate(RegencyScoped, TimestampMixin, Base):
    """One certificate request at the district desk: NIK asked, result, letter number and paraf chain."""

    __tablename__ = "certificate"
    __table_args__ = (
        *scope_indexes(__tablename__),
        digits_check("requested_nik", 16),
        UniqueConstraint("region_code", "year", "sequence"),
        Index("uq_certificate_region_code_verification_code", "region_code", "verification_code", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = region_code_column(ForeignKey("region.code"))  # the regency of the office
    requested_nik: Mapped[str] = mapped_column(String(16), index=True)
    applicant_name: Mapped[str] = mapped_column(String(120))
    purpose: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[CertificateResult] = mapped_column(enum_column(CertificateResult))
    household_id: Mapped[int | None] = mapped_column(ForeignKey("household.id", ondelete="SET NULL"))
    year: Mapped[int | None] = mapped_column(Integer)
    sequence: Mapped[int | None] = mapped_column(Integer)
    letter_number: Mapped[str | None] = mapped_column(String(80))
    # Given at signing (chain/certificates.py); printed with its QR, checked on the public page /verifikasi.
    verification_code: Mapped[str | None] = mapped_column(String(19))
    step: Mapped[CertificateStep] = mapped_column(enum_column(CertificateStep), default=CertificateStep.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")

    region: Mapped[Region] = relationship(lazy="joined")
    household: Mapped[Household | None] = relationship()
    handled_by: Mapped[User | None] = relationship()
    approvals: Mapped[list[CertificateApproval]] = relationship(
        back_populates="certificate", cascade="all, delete-orphan", order_by="CertificateApproval.id"
    )

    @property
    def elapsed_minutes(self) -> float | None:
        if self.completed_at is None or self.requested_at is None:
            return None
        return (self.completed_at - self.requested_at).total_seconds() / 60

    def __str__(self) -> str:
        return self.letter_number or f"Permohonan #{self.id}"


class CertificateApproval(RegencyScoped, Base):
    """One paraf (or the signature) on a certificate, by a user of the role that step needs."""

    __tablename__ = "certificate_approval"
    __table_args__ = (UniqueConstraint("certificate_id", "step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificate.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = region_code_column()  # the certificate's, copied (models/scope_sync.py)
    step: Mapped[CertificateStep] = mapped_column(enum_column(CertificateStep, name="approval_step"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    user_name: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    certificate: Mapped[Certificate] = relationship(back_populates="approvals")

    def __str__(self) -> str:
        return f"{self.step.label} oleh {self.user_name}"
