"""Decree (SK): district ratification, province forwarding or ministry determination, with its annex."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Column,
    ColumnElement,
    Date,
    DateTime,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from models.base import (
    REGENCY_CODE_LENGTH,
    Base,
    LabelledEnum,
    TimestampMixin,
    enum_column,
    region_code_column,
    scope_indexes,
)
from models.periods import period_check

if TYPE_CHECKING:
    from models.proposal import Proposal


class DecreeKind(LabelledEnum):
    """Jenis keputusan."""

    DISTRICT_RATIFICATION = "pengesahan_kabupaten", "SK Pengesahan Bupati/Walikota"
    PROVINCE_FORWARDING = "penerusan_provinsi", "Surat Pengantar Provinsi"
    MINISTRY_DETERMINATION = "penetapan_kementerian", "SK Penetapan Menteri Sosial"


decree_proposal = Table(
    "decree_proposal",
    Base.metadata,
    Column("decree_id", ForeignKey("decree.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposal.id", ondelete="RESTRICT"), primary_key=True, index=True),
    # The proposal's regency code, the link's distribution column (models/distribution.py): the ORM's collection
    # copies it from the proposal (the secondary join below names it), the set-based determination selects it.
    Column("regency_code", String(REGENCY_CODE_LENGTH), nullable=False),
)


class Decree(TimestampMixin, Base):
    """A decree and the proposals in its annex; immutable once signed."""

    __tablename__ = "decree"
    __table_args__ = (
        *scope_indexes(__tablename__),
        UniqueConstraint("kind", "region_code", "number"),
        CheckConstraint(period_check("period"), name="period_shape"),  # a quarter (models/periods.py)
        CheckConstraint("kind <> 'penetapan_kementerian' OR period IS NOT NULL", name="determination_needs_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DecreeKind] = mapped_column(enum_column(DecreeKind), index=True)
    # Regency code for a district SK, province code for forwarding, empty for the ministry.
    region_code: Mapped[str] = region_code_column(default="")
    number: Mapped[str | None] = mapped_column(String(80))  # empty while a draft: numbered when signed
    decree_date: Mapped[date] = mapped_column(Date)
    signer_name: Mapped[str] = mapped_column(String(120))
    signer_title: Mapped[str] = mapped_column(String(120))
    period: Mapped[str | None] = mapped_column(String(7))
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signed_file_path: Mapped[str | None] = mapped_column(String(255))
    signed_file_sha256: Mapped[str | None] = mapped_column(String(64))

    proposals: Mapped[list[Proposal]] = relationship(
        secondary=decree_proposal,
        primaryjoin=lambda: Decree.id == decree_proposal.c.decree_id,
        secondaryjoin=lambda: _linked_proposal(),
        order_by="Proposal.id",
    )

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    def __str__(self) -> str:
        return f"{self.kind.label if self.kind else 'SK'} No. {self.number or '(draf)'}"


def _linked_proposal() -> ColumnElement[bool]:
    from models.proposal import Proposal

    return and_(
        Proposal.id == decree_proposal.c.proposal_id,
        Proposal.regency_code == foreign(decree_proposal.c.regency_code),
    )
