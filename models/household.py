"""Household (Keluarga): one Kartu Keluarga, its address and its standing in the DTKS."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
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
    table_of,
)
from models.periods import period_check
from models.text import checked_text

if TYPE_CHECKING:
    from models.determination import PmtResult
    from models.member import Member
    from models.proposal import Proposal
    from models.region import Region
    from models.visit import Visit


class DtksStatus(LabelledEnum):
    """Where a household stands in the register."""

    NOT_REGISTERED = "belum_terdaftar", "Belum terdaftar"
    PROPOSED = "diusulkan", "Dalam pengusulan"
    REGISTERED = "terdaftar", "Terdaftar di DTKS"
    REMOVED = "dikeluarkan", "Dikeluarkan dari DTKS"


class Household(RegencyScoped, TimestampMixin, Base):
    """A family (one No. KK) with its address and DTKS standing; scoped by its village code."""

    __tablename__ = "household"
    __table_args__ = (
        *scope_indexes(__tablename__),
        digits_check("no_kk", 16),
        CheckConstraint("desil IS NULL OR desil BETWEEN 1 AND 10", name="desil_range"),
        CheckConstraint(period_check("period"), name="period_shape"),  # a quarter (models/periods.py)
        CheckConstraint("length(region_code) = 13", name="village_level"),
        Index("ix_household_region_code_id", "region_code", "id"),
        # No. KK is unique nationally through household_kk (models/national_numbers.py); SQLite keeps the unique
        # constraint its first schema made (dropping it would rebuild the table), PostgreSQL an index for lookups.
        UniqueConstraint("no_kk", name="uq_household_no_kk", info={"only_dialect": "sqlite"}).ddl_if(dialect="sqlite"),
        Index("ix_household_no_kk", "no_kk", info={"only_dialect": "postgresql"}).ddl_if(dialect="postgresql"),
        Index("ix_household_dtks_status_region_code", "dtks_status", "region_code"),
        # Name search is ILIKE '%term%' on the head's name: on PostgreSQL a trigram index serves it.
        Index(
            "ix_household_head_name_trgm",
            "head_name",
            postgresql_using="gin",
            postgresql_ops={"head_name": "gin_trgm_ops"},
            info={"only_dialect": "postgresql"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    no_kk: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = region_code_column(ForeignKey("region.code"))
    address: Mapped[str] = mapped_column(String(200))
    rt: Mapped[str] = mapped_column(String(3), default="")
    rw: Mapped[str] = mapped_column(String(3), default="")
    dtks_status: Mapped[DtksStatus] = mapped_column(
        enum_column(DtksStatus), default=DtksStatus.NOT_REGISTERED, index=True
    )
    desil: Mapped[int | None] = mapped_column(SmallInteger, index=True)
    period: Mapped[str | None] = mapped_column(String(7))  # "2026-10": the SK Penetapan period
    notes: Mapped[str] = mapped_column(Text, default="")
    # The head member's name, kept by triggers on `member` (migration b4d2e6f8a1c3): sortable and indexed for
    # the list; '' while the household has no head. Read it after a flush with session.refresh if members changed.
    head_name: Mapped[str] = mapped_column(String(120), default="", server_default="", index=True)

    region: Mapped[Region] = relationship(lazy="joined")
    members: Mapped[list[Member]] = relationship(
        back_populates="household", cascade="all, delete-orphan", order_by="Member.id"
    )
    # passive_deletes: the database decides (RESTRICT keeps a household that has proposals; visits cascade).
    proposals: Mapped[list[Proposal]] = relationship(
        back_populates="household", order_by="Proposal.id", passive_deletes="all"
    )
    visits: Mapped[list[Visit]] = relationship(back_populates="household", order_by="Visit.id", passive_deletes=True)
    # Read-only: the PMT results per period, newest first (shown on the household page: why this desil).
    pmt_results: Mapped[list[PmtResult]] = relationship(viewonly=True, order_by="PmtResult.period.desc()")

    @property
    def head(self) -> Member | None:
        from models.member import FamilyRelation

        return next((m for m in self.members if m.family_relation == FamilyRelation.HEAD), None)

    def __str__(self) -> str:
        # Only own columns: sqladmin renders this on detached objects (ajax pickers), where members cannot load.
        return f"KK {self.no_kk}"


# What an update proposal (usulan perbaikan data) may change on the household it names (DESIGN section 4: the
# determination applies the requested changes): the address on the KK. The No. KK, the village and the DTKS
# standing have their own procedures (a new KK, a move, the determination itself), so they are not listed.
UPDATABLE_FIELDS: dict[str, str] = {"address": "Alamat", "rt": "RT", "rw": "RW"}
_RT_RW = re.compile(r"^\d{1,3}$")


def requested_household_changes(changes: Mapping[str, Any]) -> dict[str, str]:
    """The changes as a proposal stores them: listed fields only, trimmed, empty ones left out; else refused."""
    unknown = sorted(set(changes) - set(UPDATABLE_FIELDS))
    if unknown:
        raise ValueError(f"Perubahan tidak dapat diminta untuk: {', '.join(unknown)} (hanya alamat, RT dan RW).")
    cleaned = {name: str(value).strip() for name, value in changes.items() if str(value or "").strip()}
    if "address" in cleaned:
        checked_text(table_of(Household).c.address, cleaned["address"], "Alamat")
    for name in ("rt", "rw"):
        if name in cleaned and not _RT_RW.match(cleaned[name]):
            raise ValueError(f"{UPDATABLE_FIELDS[name]} berupa angka, paling banyak 3 digit.")
    return {name: cleaned[name] for name in UPDATABLE_FIELDS if name in cleaned}


def apply_requested_changes(household: Household, changes: Mapping[str, Any]) -> None:
    """Write a determined update proposal's changes onto the household, checked again (the JSON may be old)."""
    for name, value in requested_household_changes(changes).items():
        setattr(household, name, value)


def changes_text(changes: Mapping[str, Any]) -> str:
    """Requested changes as a page shows them: "Alamat: Jl. ...; RT: 004"."""
    return "; ".join(f"{UPDATABLE_FIELDS.get(name, name)}: {value}" for name, value in changes.items()) or "Tidak ada"
