"""StepTarget: how many working days a proposal may stay in each status before it is overdue ("Terlambat")."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utc_now


class StepTarget(Base):
    """The target duration of one status of the chain, editable; defaults from the Bima SOP (seed 003)."""

    __tablename__ = "step_target"
    __table_args__ = (CheckConstraint("working_days BETWEEN 0 AND 365", name="working_days_range"),)

    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    working_days: Mapped[int] = mapped_column(Integer)
    basis: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, onupdate=utc_now)

    def __str__(self) -> str:
        return f"{self.status}: {self.working_days} hari kerja"
