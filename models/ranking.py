"""The DTSEN ranking: the register's mode, and each family's BPS ranking result per period (DESIGN section 9).

Since Inpres 4/2025 the register is DTSEN: BPS ranks every family into desil 1-10 and the ministry "menetapkan";
neither Dinsos nor Kemensos computes a desil. A deployment runs in one `RegisterMode` (the `REGISTER_MODE`
setting): `DTKS`, the seeds' chain where the ministry's PMT gives the desil (models/pmt.py), or `DTSEN`, where the
desil comes back from BPS as a file (chain/ranking.py reads it through reports/interchange.py).

`RankingImport` is one imported file for one period and one importer's region, named by its SHA-256: the same file
imported again is recognised and changes nothing. `RankingResult` is one family's result of a period: ranked with
its desil, or refused by the Dukcapil matching (NIK not found, inactive, duplicate). One row per family per period;
the periods together are the family's history, and every change of a row is in the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabelledEnum, RegencyScoped, enum_column, region_code_column, scope_indexes, utc_now
from models.household import Household
from models.periods import period_check


class RegisterMode(LabelledEnum):
    """Where a deployment's desil comes from."""

    DTKS = "DTKS", "DTKS: desil dari PMT Kementerian Sosial (alur 2021-2022)"
    DTSEN = "DTSEN", "DTSEN: desil dari pemeringkatan BPS (sejak Inpres 4/2025)"


class RankingStatus(LabelledEnum):
    """A family's result in a ranking file: ranked with a desil, or refused by the Dukcapil matching."""

    RANKED = "diperingkat", "Diperingkat BPS"
    NIK_NOT_FOUND = "nik_tidak_ditemukan", "NIK tidak ditemukan di Dukcapil"
    NIK_INACTIVE = "nik_tidak_aktif", "NIK tidak aktif di Dukcapil"
    NIK_DUPLICATE = "nik_ganda", "NIK ganda"

    @property
    def is_refusal(self) -> bool:
        return self is not RankingStatus.RANKED


class RankingImport(Base):
    """One ranking file imported for a period by an official of a region ('' = national); kept, never changed."""

    __tablename__ = "ranking_import"
    __table_args__ = (
        UniqueConstraint("period", "scope_code", "file_sha256"),
        CheckConstraint(period_check("period"), name="period_shape"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    scope_code: Mapped[str] = mapped_column(String(13), default="")
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    rows: Mapped[int] = mapped_column(Integer, default=0)
    ranked: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unknown: Mapped[int] = mapped_column(Integer, default=0)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    imported_by_name: Mapped[str] = mapped_column(String(120), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    def __str__(self) -> str:
        return f"Impor pemeringkatan {self.period} ({self.file_name or self.file_sha256[:12]})"


class RankingResult(RegencyScoped, Base):
    """One family's ranking result for a period: its desil when ranked, else the matching's refusal."""

    __tablename__ = "ranking_result"
    __table_args__ = (
        *scope_indexes(__tablename__),
        UniqueConstraint("household_id", "period"),
        CheckConstraint("desil IS NULL OR desil BETWEEN 1 AND 10", name="desil_range"),
        CheckConstraint("(status = 'diperingkat') = (desil IS NOT NULL)", name="desil_when_ranked"),
        CheckConstraint(period_check("period"), name="period_shape"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), index=True)
    period: Mapped[str] = mapped_column(String(7), index=True)
    status: Mapped[RankingStatus] = mapped_column(enum_column(RankingStatus))
    desil: Mapped[int | None] = mapped_column(SmallInteger)
    import_id: Mapped[int] = mapped_column(ForeignKey("ranking_import.id", ondelete="RESTRICT"), index=True)
    region_code: Mapped[str] = region_code_column()
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now)

    household: Mapped[Household] = relationship()

    def __str__(self) -> str:
        shown = f"desil {self.desil}" if self.desil is not None else self.status.label
        return f"Pemeringkatan {self.period}: {shown}"
