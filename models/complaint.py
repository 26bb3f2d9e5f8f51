"""Complaint (Pengaduan): anyone's complaint about the register or the service, with its handling."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import DateTime, ForeignKey, String, Text
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
)

if TYPE_CHECKING:
    from models.region import Region
    from models.user import User


class ComplaintChannel(LabelledEnum):
    """Saluran pengaduan."""

    WALK_IN = "datang_langsung", "Datang langsung"
    PHONE = "telepon", "Telepon/WhatsApp"
    LETTER = "surat", "Surat"
    SUGGESTION_BOX = "kotak_saran", "Kotak saran"
    SLRT = "slrt", "SLRT"
    LAPOR = "sp4n_lapor", "SP4N-LAPOR!"


class ComplaintCategory(LabelledEnum):
    """Kategori pengaduan."""

    WRONGLY_EXCLUDED = "exclusion_error", "Layak tetapi tidak terdaftar"
    WRONGLY_INCLUDED = "inclusion_error", "Terdaftar tetapi tidak layak"
    WRONG_DATA = "data_salah", "Data tidak sesuai"
    SERVICE = "layanan", "Pelayanan"


class ComplaintStatus(LabelledEnum):
    """Status penanganan pengaduan."""

    NEW = "baru", "Baru"
    IN_PROGRESS = "diproses", "Sedang diproses"
    RESOLVED = "selesai", "Selesai"
    REJECTED = "ditolak", "Tidak dapat ditindaklanjuti"


class Complaint(RegencyScoped, TimestampMixin, Base):
    """A complaint, the region it concerns, who handles it and the answer given."""

    __tablename__ = "complaint"
    __table_args__ = (
        *scope_indexes(__tablename__),
        digits_check("nik", 16, nullable=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = region_code_column(ForeignKey("region.code"))
    channel: Mapped[ComplaintChannel] = mapped_column(enum_column(ComplaintChannel))
    complainant_name: Mapped[str] = mapped_column(String(120))
    complainant_contact: Mapped[str] = mapped_column(String(120), default="")
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    category: Mapped[ComplaintCategory] = mapped_column(enum_column(ComplaintCategory), index=True)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[ComplaintStatus] = mapped_column(
        enum_column(ComplaintStatus), default=ComplaintStatus.NEW, index=True
    )
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    response: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    region: Mapped[Region] = relationship(lazy="joined")
    assigned_to: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"Pengaduan #{self.id} ({self.category.label if self.category else '-'})"
