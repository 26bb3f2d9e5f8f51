"""PMT model (Proxy Means Testing): versioned, illustrative weights over instrument answers and desil cut-offs.

The weights are illustrative, never official coefficients (reference/domain-notes.md section 5).
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, TimestampMixin, region_code_column


class PmtModel(TimestampMixin, Base):
    """One version of the scoring model, national (no region) or overriding it for one regency."""

    __tablename__ = "pmt_model"
    __table_args__ = (UniqueConstraint("version", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    region_code: Mapped[str] = region_code_column(default="")  # "" = national
    intercept: Mapped[float] = mapped_column(Float, default=0.0)
    # Nine ascending score cut-offs separating desil 1..10 (desil 1 = poorest).
    desil_cutoffs: Mapped[list[float]] = mapped_column(JSON, default=list)
    effective_period: Mapped[str] = mapped_column(String(7))
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    weights: Mapped[list[PmtWeight]] = relationship(
        back_populates="model", cascade="all, delete-orphan", order_by="PmtWeight.id"
    )

    def __str__(self) -> str:
        scope = self.region_code or "nasional"
        return f"PMT {self.version} ({scope})"


class PmtWeight(Base):
    """The weight of one instrument answer (variable = choice) or of a numeric variable (choice empty)."""

    __tablename__ = "pmt_weight"
    __table_args__ = (UniqueConstraint("model_id", "variable", "choice"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model_id: Mapped[int] = mapped_column(ForeignKey("pmt_model.id", ondelete="CASCADE"), index=True)
    variable: Mapped[str] = mapped_column(String(40))
    choice: Mapped[str] = mapped_column(String(40), default="")
    weight: Mapped[float] = mapped_column(Float)

    model: Mapped[PmtModel] = relationship(back_populates="weights")

    def __str__(self) -> str:
        return f"{self.variable}={self.choice or '*'}: {self.weight:+.3f}"
