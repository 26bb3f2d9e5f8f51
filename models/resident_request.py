"""Usul and sanggah: a resident's proposal or rebuttal (DTSEN's participatory path), with its evidence.

A resident proposes a family ("usul": it should receive assistance) or rebuts the register ("sanggah": a family
wrongly included, wrongly excluded, or with wrong data) at the village or the Dinsos desk, or through Cek Bansos,
by phone, letter, e-mail or social media. The request names the family and, for a sanggah, what is disputed; it
carries evidence (photos of assets, scans: stored like the signed BA and SK scans, chain/uploads.py). It is
routed into the same chain (models/resident_request_flow.py): a field check, the district's decision (a granted
request becomes a draft proposal of the family's village: new, removal or correction, which then takes the
Musdes, verval, decree and the ministry's steps), and the answer recorded for the resident. A complaint
(models/complaint.py) can become a sanggah: the link is kept, and the complaint keeps its own flow.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabelledEnum, RegencyScoped, TimestampMixin, enum_column, region_code_column, utc_now
from models.household import Household


class RequestKind(LabelledEnum):
    USUL = "usul", "Usul (pengusulan oleh warga)"
    SANGGAH = "sanggah", "Sanggah (sanggahan oleh warga)"


class RequestChannel(LabelledEnum):
    WALK_IN = "datang_langsung", "Datang langsung"
    CEK_BANSOS = "cek_bansos", "Aplikasi Cek Bansos"
    PHONE = "telepon", "Telepon/WhatsApp"
    LETTER = "surat", "Surat"
    EMAIL = "email", "Email"
    SOCIAL_MEDIA = "media_sosial", "Media sosial"


class Dispute(LabelledEnum):
    """What a sanggah disputes."""

    WRONGLY_INCLUDED = "salah_masuk", "Terdaftar tetapi tidak layak (inclusion error)"
    WRONGLY_EXCLUDED = "salah_keluar", "Layak tetapi tidak terdaftar (exclusion error)"
    WRONG_DATA = "data_salah", "Data keluarga tidak sesuai"


class RequestStatus(LabelledEnum):
    RECORDED = "dicatat", "Dicatat"
    FIELD_CHECK = "cek_lapangan", "Menunggu cek lapangan"
    CHECKED = "sudah_dicek", "Sudah dicek lapangan"
    GRANTED = "dikabulkan", "Dikabulkan (usulan dibuat)"
    REFUSED = "ditolak", "Ditolak"
    ANSWERED = "dijawab", "Dijawab kepada warga"


class ResidentRequest(RegencyScoped, TimestampMixin, Base):
    """One usul or sanggah for a family of the register."""

    __tablename__ = "resident_request"
    __table_args__ = (
        CheckConstraint("kind <> 'sanggah' OR dispute IS NOT NULL", name="sanggah_names_dispute"),
        UniqueConstraint("complaint_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    channel: Mapped[RequestChannel] = mapped_column(enum_column(RequestChannel))
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    region_code: Mapped[str] = region_code_column()
    dispute: Mapped[Dispute | None] = mapped_column(enum_column(Dispute))
    resident_name: Mapped[str] = mapped_column(String(120))
    resident_contact: Mapped[str] = mapped_column(String(120), default="")
    statement: Mapped[str] = mapped_column(Text)
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus), default=RequestStatus.RECORDED)
    field_finding: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposal.id", ondelete="SET NULL"))
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    household: Mapped[Household] = relationship()
    evidence: Mapped[list[RequestEvidence]] = relationship(
        back_populates="request", order_by="RequestEvidence.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.kind.label.split(' ')[0] if self.kind else 'Usul/sanggah'} #{self.id}"


class RequestEvidence(RegencyScoped, Base):
    """A photo or scan attached to an usul or sanggah, stored by its hash outside the database."""

    __tablename__ = "request_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("resident_request.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = region_code_column()
    file_path: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    request: Mapped[ResidentRequest] = relationship(back_populates="evidence")

    def __str__(self) -> str:
        return self.description or self.file_path
