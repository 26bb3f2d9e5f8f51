"""Social-assistance programmes selecting families by desil band (DTSEN): bands per period as data, memberships,
and the review of members whose desil left their programme's band (DESIGN section 9).

- `Programme`: PKH, Sembako/BPNT, PBI-JK, KIP, BST (national, seeded by the migration) and the local ones the admin
  adds for an office (`owner_code`: its regency's code).
- `ProgrammeBand`: the desil band a programme selects from a period on (PKH desil 1-4, Sembako/BPNT 1-5, PBI-JK 1-5
  as reported in 2025). The band of a period is the one with the latest start at or before it. A band takes effect
  from a period that has not begun (`band_refusal`): editing the bands changes eligibility for the next period
  only, never for one already under way or past.
- `ProgrammeMembership`: a family receiving a programme in a period (recorded by the office, or imported from the
  programme's recipient list), with its status: active, suspended, ended.
- `ProgrammeReview`: a member of a period whose desil as of that period lies outside the band (a PKH family ranked
  desil 5, the Kota Malang case): the suspension review, pending until the office records its decision.

Eligibility is computed, never stored: a family is eligible for a programme in a period when its desil as of the
period (models/determination.StandingAsOf: the standing the SK Penetapan or the BPS ranking left) lies in the
period's band (chain/programmes.py).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabelledEnum, RegencyScoped, TimestampMixin, enum_column, region_code_column, utc_now
from models.household import Household
from models.periods import next_period, period_check, period_of

BAND_STARTED = (
    "Batas desil berlaku mulai periode {period}, yang sudah berjalan atau lewat: perubahan batas desil hanya untuk "
    "periode yang belum dimulai (periode berikutnya: {next})."
)


class MembershipStatus(LabelledEnum):
    ACTIVE = "aktif", "Aktif"
    SUSPENDED = "ditangguhkan", "Ditangguhkan"
    ENDED = "dihentikan", "Dihentikan"


class MembershipSource(LabelledEnum):
    RECORDED = "dicatat", "Dicatat petugas"
    IMPORTED = "diimpor", "Diimpor dari daftar penerima"


class ReviewDecision(LabelledEnum):
    """What the office decided for a member outside the band."""

    CONTINUE = "lanjut", "Tetap menerima (hasil cek lapangan)"
    SUSPEND = "tangguhkan", "Ditangguhkan menunggu cek lapangan"
    END = "hentikan", "Dihentikan dari program"


class Programme(TimestampMixin, Base):
    """A programme: national (region '') or local to a regency."""

    __tablename__ = "programme"
    __table_args__ = (UniqueConstraint("code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    # '' for a national programme; a regency's code for a local one (national data: every tier sees every programme).
    owner_code: Mapped[str] = mapped_column(String(13), default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    bands: Mapped[list[ProgrammeBand]] = relationship(
        back_populates="programme", order_by="ProgrammeBand.effective_period", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.code} ({self.name})"


class ProgrammeBand(TimestampMixin, Base):
    """The desil band a programme selects from `effective_period` on, until a later band."""

    __tablename__ = "programme_band"
    __table_args__ = (
        UniqueConstraint("programme_id", "effective_period"),
        CheckConstraint("min_desil BETWEEN 1 AND 10 AND max_desil BETWEEN 1 AND 10", name="desil_range"),
        CheckConstraint("min_desil <= max_desil", name="band_order"),
        CheckConstraint(period_check("effective_period"), name="period_shape"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="CASCADE"), index=True)
    effective_period: Mapped[str] = mapped_column(String(7))
    min_desil: Mapped[int] = mapped_column(SmallInteger, default=1)
    max_desil: Mapped[int] = mapped_column(SmallInteger)
    basis: Mapped[str] = mapped_column(String(200), default="")

    programme: Mapped[Programme] = relationship(back_populates="bands")

    def __str__(self) -> str:
        return f"desil {self.min_desil}-{self.max_desil} mulai {self.effective_period}"


class ProgrammeMembership(RegencyScoped, TimestampMixin, Base):
    """A family receiving a programme in a period."""

    __tablename__ = "programme_membership"
    __table_args__ = (
        UniqueConstraint("household_id", "programme_id", "period"),
        CheckConstraint(period_check("period"), name="period_shape"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programme.id", ondelete="RESTRICT"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    status: Mapped[MembershipStatus] = mapped_column(enum_column(MembershipStatus), default=MembershipStatus.ACTIVE)
    source: Mapped[MembershipSource] = mapped_column(enum_column(MembershipSource), default=MembershipSource.RECORDED)
    region_code: Mapped[str] = region_code_column()

    household: Mapped[Household] = relationship()
    programme: Mapped[Programme] = relationship()

    def __str__(self) -> str:
        code = self.programme.code if self.programme is not None else "?"
        return f"{code} {self.period}"


class ProgrammeReview(RegencyScoped, Base):
    """The decision on a member whose desil of the period lies outside the programme's band."""

    __tablename__ = "programme_review"
    __table_args__ = (UniqueConstraint("membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("programme_membership.id", ondelete="CASCADE"))
    desil: Mapped[int | None] = mapped_column(SmallInteger)
    min_desil: Mapped[int] = mapped_column(SmallInteger)
    max_desil: Mapped[int] = mapped_column(SmallInteger)
    decision: Mapped[ReviewDecision] = mapped_column(enum_column(ReviewDecision))
    note: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str] = region_code_column()
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_by_name: Mapped[str] = mapped_column(String(120), default="")
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    def __str__(self) -> str:
        return f"Tinjauan #{self.membership_id}: {self.decision.label if self.decision else '-'}"


def band_refusal(effective_period: str, today: date) -> str | None:
    """Why a band may not start (or be changed, or removed) at `effective_period`: that period has begun."""
    current = period_of(today)
    if effective_period <= current:
        return BAND_STARTED.format(period=effective_period, next=next_period(current))
    return None
