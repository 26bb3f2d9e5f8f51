"""Meeting (Musdes/Muskel): the village deliberation, its participants and its decision per proposal."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    LabelledEnum,
    RegencyScoped,
    TimestampMixin,
    enum_column,
    region_code_column,
    scope_indexes,
)

if TYPE_CHECKING:
    from models.proposal import Proposal
    from models.region import Region
    from models.user import User


class MeetingKind(LabelledEnum):
    """Musyawarah desa (desa) or musyawarah kelurahan (kelurahan)."""

    MUSDES = "musdes", "Musyawarah Desa (Musdes)"
    MUSKEL = "muskel", "Musyawarah Kelurahan (Muskel)"


class ParticipantPosition(LabelledEnum):
    """Jabatan peserta musyawarah."""

    HEAD = "kades_lurah", "Kepala Desa/Lurah"
    VILLAGE_STAFF = "perangkat", "Perangkat desa/kelurahan"
    RT_RW = "rt_rw", "Ketua RT/RW"
    BPD = "bpd", "BPD"
    RELIGIOUS_LEADER = "tokoh_agama", "Tokoh agama"
    COMMUNITY_LEADER = "tokoh_masyarakat", "Tokoh masyarakat"
    SOCIAL_WORKER = "tksk_pendamping", "TKSK/pendamping sosial"
    OTHER = "lainnya", "Lainnya"


class Decision(LabelledEnum):
    """Keputusan musyawarah atas satu usulan."""

    AGREED = "setuju", "Disetujui"
    REJECTED = "tolak", "Ditolak"


class Meeting(RegencyScoped, TimestampMixin, Base):
    """One Musdes/Muskel of a village: agenda, participants, BA and decisions; final once signed."""

    __tablename__ = "meeting"
    __table_args__ = scope_indexes(__tablename__)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind), default=MeetingKind.MUSDES)
    region_code: Mapped[str] = region_code_column(ForeignKey("region.code"))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    ba_number: Mapped[str] = mapped_column(String(80), default="")
    ba_file_path: Mapped[str | None] = mapped_column(String(255))
    ba_file_sha256: Mapped[str | None] = mapped_column(String(64))
    notes: Mapped[str] = mapped_column(Text, default="")
    finalised_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finalised_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    region: Mapped[Region] = relationship(lazy="joined")
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingParticipant.id"
    )
    decisions: Mapped[list[MeetingDecision]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingDecision.id"
    )
    finalised_by: Mapped[User | None] = relationship()

    @property
    def is_final(self) -> bool:
        return self.finalised_at is not None

    def __str__(self) -> str:
        return f"{self.kind.label if self.kind else 'Musyawarah'} {self.held_on:%d-%m-%Y}"


class MeetingParticipant(RegencyScoped, Base):
    """A person who attended a Musdes/Muskel, with their position."""

    __tablename__ = "meeting_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = region_code_column()
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[ParticipantPosition] = mapped_column(enum_column(ParticipantPosition))

    meeting: Mapped[Meeting] = relationship(back_populates="participants")

    def __str__(self) -> str:
        return f"{self.name} ({self.position.label if self.position else '-'})"


class MeetingDecision(RegencyScoped, Base):
    """The meeting's decision on one proposal on its agenda (empty until decided)."""

    __tablename__ = "meeting_decision"
    __table_args__ = (UniqueConstraint("meeting_id", "proposal_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = region_code_column()
    decision: Mapped[Decision | None] = mapped_column(enum_column(Decision))
    note: Mapped[str] = mapped_column(Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    proposal: Mapped[Proposal] = relationship(back_populates="decisions")

    def __str__(self) -> str:
        return f"Usulan #{self.proposal_id}: {self.decision.label if self.decision else 'belum diputus'}"
