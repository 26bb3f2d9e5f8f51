"""PMT results and the household's DTKS standing per period (the outcome of the ministry's determination)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    DateTime,
    Float,
    ForeignKey,
    SmallInteger,
    String,
    Subquery,
    UniqueConstraint,
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, QueryableAttribute, mapped_column, relationship

from models.base import Base, RegencyScoped, enum_column, region_code_column, scope_indexes, utc_now
from models.household import DtksStatus, Household


class PmtResult(RegencyScoped, Base):
    """One household's PMT score for a period: the score, its national desil, each variable's contribution."""

    __tablename__ = "pmt_result"
    __table_args__ = (
        *scope_indexes(__tablename__),
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


class HouseholdPeriod(RegencyScoped, Base):
    """A household's DTKS standing in one determination period (history kept per period)."""

    __tablename__ = "household_period"
    __table_args__ = (
        *scope_indexes(__tablename__),
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


@dataclass(frozen=True)
class StandingAsOf:
    """A household's DTKS standing as of a period, as SQL: its latest per-period row at or before the period.

    A household stays as an SK Penetapan left it until a later one changes it, so its standing in period P is
    its latest `household_period` row with period <= P. A household with no such row (registered before
    per-period rows were kept, or by the demo) falls back to its current standing and registering period.
    Outer-join `latest` on `latest.c.household_id == Household.id`, then filter by `registered`.
    """

    period: str
    latest: Subquery

    @classmethod
    def of(cls, period: str, region_condition: ColumnElement[bool] | None = None) -> StandingAsOf:
        ranked = select(
            HouseholdPeriod.household_id,
            HouseholdPeriod.dtks_status,
            HouseholdPeriod.desil,
            func.row_number()
            .over(partition_by=HouseholdPeriod.household_id, order_by=HouseholdPeriod.period.desc())
            .label("rank"),
        ).where(HouseholdPeriod.period <= period)
        if region_condition is not None:
            ranked = ranked.where(region_condition)
        table = ranked.subquery("ranked_standing")
        latest = select(table.c.household_id, table.c.dtks_status, table.c.desil).where(table.c.rank == 1)
        return cls(period, latest.subquery("standing"))

    def joined_on(self, household_id: ColumnElement[Any] | QueryableAttribute[Any]) -> ColumnElement[bool]:
        return self.latest.c.household_id == household_id

    @property
    def registered(self) -> ColumnElement[bool]:
        recorded = self.latest.c.dtks_status == DtksStatus.REGISTERED
        unrecorded = and_(
            self.latest.c.household_id.is_(None),
            Household.dtks_status == DtksStatus.REGISTERED,
            Household.period <= self.period,
        )
        return or_(recorded, unrecorded)

    @property
    def desil(self) -> ColumnElement[Any]:
        return case((self.latest.c.household_id.is_(None), Household.desil), else_=self.latest.c.desil)

    @property
    def status(self) -> ColumnElement[Any]:
        """The household's DTKS status as of the period; NULL when it had no determined standing by then.

        The same rule as `registered`: a recorded standing wins; an unrecorded household keeps its current
        status if an SK Penetapan of the period or before registered or removed it (`Household.period`).
        """
        determined = and_(
            Household.dtks_status.in_((DtksStatus.REGISTERED, DtksStatus.REMOVED)), Household.period <= self.period
        )
        return case(
            (self.latest.c.household_id.is_not(None), self.latest.c.dtks_status),
            (determined, Household.dtks_status),
            else_=None,
        )
