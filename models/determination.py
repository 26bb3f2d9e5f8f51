"""PMT results and the household's DTKS standing per period (the outcome of the ministry's determination)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, DateTime, Float, ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, enum_column, region_code_column, utc_now
from models.household import DtksStatus

if TYPE_CHECKING:
    from models.household import Household


class PmtResult(Base):
    """One household's PMT score for a period: the score, its national desil, each variable's contribution."""

    __tablename__ = "pmt_result"
    __table_args__ = (
        UniqueConstraint("household_id", "period"),
        CheckConstraint("desil BETWEEN 1 AND 10", name="desil_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("pmt_model.id", ondelete="RESTRICT"))
    score: Mapped[float] = mapped_column(Float)
    desil: Mapped[int] = mapped_column(SmallInteger)
    # {"floor_material=tanah": -0.14, ..., "intercept": 13.35}: they add up to the score.
    contributions: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    region_code: Mapped[str] = region_code_column()
    computed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    household: Mapped[Household] = relationship()

    def __str__(self) -> str:
        return f"PMT {self.period}: skor {self.score:.3f}, desil {self.desil}"


class HouseholdPeriod(Base):
    """A household's DTKS standing in one determination period (history kept per period)."""

    __tablename__ = "household_period"
    __table_args__ = (
        UniqueConstraint("household_id", "period"),
        CheckConstraint("desil IS NULL OR desil BETWEEN 1 AND 10", name="desil_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    dtks_status: Mapped[DtksStatus] = mapped_column(enum_column(DtksStatus, name="period_dtks_status"))
    desil: Mapped[int | None] = mapped_column(SmallInteger)
    decree_id: Mapped[int | None] = mapped_column(ForeignKey("decree.id", ondelete="SET NULL"))
    region_code: Mapped[str] = region_code_column()
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    household: Mapped[Household] = relationship()

    def __str__(self) -> str:
        return f"{self.period}: {self.dtks_status.label if self.dtks_status else '-'}"
