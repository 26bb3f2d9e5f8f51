"""Proposal (Usulan): the unit that travels the chain from the village to the ministry, with its history."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import (
    Base,
    LabelledEnum,
    RegencyScoped,
    TimestampMixin,
    enum_column,
    region_code_column,
    scope_indexes,
    utc_now,
)

if TYPE_CHECKING:
    from models.decree import Decree
    from models.household import Household
    from models.meeting import MeetingDecision
    from models.user import User
    from models.visit import Visit


class ProposalKind(LabelledEnum):
    """Jenis usulan (Musdes outcome categories)."""

    NEW = "baru", "Usulan baru"
    UPDATE = "perbaikan", "Perbaikan data"
    REMOVE = "dikeluarkan", "Dikeluarkan"
    KEEP = "tetap", "Tetap (tidak ada perbaikan)"


class RemovalReason(LabelledEnum):
    """Alasan dikeluarkan (DESIGN section 4)."""

    DIED = "meninggal", "Meninggal dunia"
    MOVED = "pindah", "Pindah keluar kabupaten/kota"
    NOT_ELIGIBLE = "tidak_layak", "Tidak lagi memenuhi kriteria"
    DUPLICATE = "ganda", "Data ganda"


class ProposalStatus(LabelledEnum):
    """Status usulan along the chain of DESIGN section 4; `colour` is the badge shown in lists."""

    DRAFT = "draft", "Draf"
    IN_MUSDES = "in_musdes", "Agenda Musdes"
    AGREED = "agreed", "Disetujui Musdes"
    REJECTED_MUSDES = "rejected_musdes", "Ditolak Musdes"
    VISITED = "visited", "Sudah dikunjungi"
    VERIFIED = "verified", "Terverifikasi"
    NOT_ELIGIBLE = "not_eligible", "Tidak layak"
    SUBMITTED = "submitted", "Dikirim ke Dinsos"
    ACCEPTED = "accepted", "Diterima Dinsos"
    RETURNED = "returned", "Dikembalikan ke desa"
    IN_DECREE = "in_decree", "Dalam draf SK"
    RATIFIED = "ratified", "Disahkan SK Bupati/Walikota"
    FORWARDED = "forwarded", "Diteruskan provinsi"
    RECEIVED = "received", "Diterima Pusdatin"
    REJECTED_MINISTRY = "rejected_ministry", "Ditolak Pusdatin"
    DETERMINED = "determined", "Ditetapkan"
    NOT_DETERMINED = "not_determined", "Tidak ditetapkan"

    @property
    def is_final(self) -> bool:
        return self in FINAL_STATUSES

    @property
    def colour(self) -> str:
        if self in FINAL_STATUSES:
            return "green" if self == ProposalStatus.DETERMINED else "red"
        return "orange" if self == ProposalStatus.RETURNED else "blue"


FINAL_STATUSES = frozenset(
    {
        ProposalStatus.REJECTED_MUSDES,
        ProposalStatus.NOT_ELIGIBLE,
        ProposalStatus.REJECTED_MINISTRY,
        ProposalStatus.DETERMINED,
        ProposalStatus.NOT_DETERMINED,
    }
)


class Proposal(RegencyScoped, TimestampMixin, Base):
    """A proposal to add, correct, remove or keep a household; `status` moves only through the state machine."""

    __tablename__ = "proposal"
    __table_args__ = (
        *scope_indexes(__tablename__),
        CheckConstraint("kind <> 'dikeluarkan' OR removal_reason IS NOT NULL", name="removal_needs_reason"),
        Index("ix_proposal_region_code_status", "region_code", "status"),
        Index("ix_proposal_status_changed_at", "status", "status_changed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProposalKind] = mapped_column(enum_column(ProposalKind), index=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="RESTRICT"), index=True)
    region_code: Mapped[str] = region_code_column()
    reason: Mapped[str] = mapped_column(Text, default="")
    removal_reason: Mapped[RemovalReason | None] = mapped_column(enum_column(RemovalReason))
    requested_changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Documents checklist (KTP, KK, SKTM) that must be complete before the village sends.
    has_ktp: Mapped[bool] = mapped_column(Boolean, default=False)
    has_kk: Mapped[bool] = mapped_column(Boolean, default=False)
    has_sktm: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus), default=ProposalStatus.DRAFT)
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)
    return_reason: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    # Loaded with the proposal by a second statement, not a join: two tables kept by regency are joined only on
    # the id and the regency code (models/base.regency_join), which a relationship sqladmin's forms read cannot be.
    household: Mapped[Household] = relationship(back_populates="proposals", lazy="selectin")
    history: Mapped[list[ProposalHistory]] = relationship(
        back_populates="proposal", order_by="ProposalHistory.id", cascade="all, delete-orphan"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="proposal")
    decisions: Mapped[list[MeetingDecision]] = relationship(back_populates="proposal", viewonly=True)
    decrees: Mapped[list[Decree]] = relationship(
        secondary="decree_proposal",
        viewonly=True,
        primaryjoin="and_(Proposal.id == decree_proposal.c.proposal_id,"
        " Proposal.regency_code == decree_proposal.c.regency_code)",
        secondaryjoin="Decree.id == decree_proposal.c.decree_id",
    )
    created_by: Mapped[User | None] = relationship()

    # Optimistic concurrency: an UPDATE carries "WHERE version = <read version>"; a stale write fails.
    __mapper_args__ = {"version_id_col": version}

    def __str__(self) -> str:
        return f"Usulan #{self.id} {self.kind.label if self.kind else ''}".strip()


REMOVAL_NEEDS_REASON = "Usulan dikeluarkan wajib memilih alasan dikeluarkan."


def fields_of_kind(values: dict[str, Any]) -> None:
    """Fit a proposal's entered values to its kind, in place: what each kind carries and nothing else.

    A removal names its reason (the `removal_needs_reason` check, said before the database refuses it);
    only a removal keeps one, and only an update carries requested changes (applied at the SK Penetapan).
    Raises ValueError with the official's message when a removal has no reason.
    """
    if values.get("kind") == ProposalKind.REMOVE and not values.get("removal_reason"):
        raise ValueError(REMOVAL_NEEDS_REASON)
    if values.get("kind") != ProposalKind.REMOVE:
        values["removal_reason"] = None
    if values.get("kind") != ProposalKind.UPDATE:
        values["requested_changes"] = {}


class ProposalHistory(RegencyScoped, Base):
    """One recorded status change of a proposal: who, when, from, to, and the note."""

    __tablename__ = "proposal_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = region_code_column()
    from_status: Mapped[ProposalStatus | None] = mapped_column(enum_column(ProposalStatus, name="history_from_status"))
    to_status: Mapped[ProposalStatus] = mapped_column(enum_column(ProposalStatus, name="history_to_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, index=True)
    note: Mapped[str] = mapped_column(Text, default="")

    proposal: Mapped[Proposal] = relationship(back_populates="history")

    def __str__(self) -> str:
        start = self.from_status.label if self.from_status else "-"
        return f"{start} -> {self.to_status.label} ({self.actor_name})"


def documents_checklist(proposal: Proposal) -> list[tuple[str, bool, bool]]:
    """The proposal's documents as the decision page lists them: (document, present, required for this kind).

    The same rule as the `documents_complete` precondition of "Kirim ke Dinas Sosial" (models/workflow.py): KTP and
    KK always, the SKTM for a new proposal.
    """
    return [
        ("KTP", proposal.has_ktp, True),
        ("KK", proposal.has_kk, True),
        ("SKTM", proposal.has_sktm, proposal.kind == ProposalKind.NEW),
    ]
