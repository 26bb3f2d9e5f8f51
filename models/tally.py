"""Tallies: households and proposals counted per region, kept by the database as the register changes.

The dashboard and the recap read these few rows instead of grouping the register on every view. Each row
counts one region at one level of the tree (province, regency, kecamatan, village: `level` is the
RegionLevel, `region_code` that region's code), so a national view reads the 38 provinces' rows and a
regency's view its kecamatan rows, never the villages of the nation. Triggers on `household` and `proposal`
(alembic revision c5e7a9b1d3f2) add and subtract in the same transaction as the change, on both engines and
whatever writes (the ORM, bulk Core statements, the BNBA import): code only reads the tallies. On SQLite they
change as each statement runs; on PostgreSQL each statement appends its deltas (TallyDelta) and the
transaction's commit folds them in, so a transaction reads its own changes in the tallies only once committed.
A row whose count falls to 0 is kept at 0 (the combination is likely to come back; no delete and re-insert
churn). Every row carries its regency code (a province's row its province code), the distribution column of
docs/SCALING.md, which the triggers write with it (alembic e5a7c9d1f3b5).

On PostgreSQL the tally rows are locked only by the fold, at commit, in key order: two officials adding a
household of the same status in one province wait for each other only for the length of a fold, and a long
bulk transaction (a BNBA import, the SK Penetapan) blocks nobody's tally while it runs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ColumnElement, Integer, Select, SmallInteger, String, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import REGION_CODE_LENGTH, Base, RegencyScoped, enum_column
from models.household import DtksStatus
from models.proposal import ProposalStatus
from models.region_codes import RegionLevel

NO_DESIL = 0  # a household without a desil (not ranked yet)
NO_PERIOD = ""  # a household no SK Penetapan has placed in a period yet


class HouseholdTally(RegencyScoped, Base):
    """Households of one region (any level) per DTKS status, desil (0: none) and period ('': none)."""

    __tablename__ = "household_tally"
    __table_args__ = (
        CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),
        CheckConstraint("desil BETWEEN 0 AND 10", name="desil_range"),
    )

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH), primary_key=True)
    dtks_status: Mapped[DtksStatus] = mapped_column(enum_column(DtksStatus, name="tally_dtks_status"), primary_key=True)
    desil: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    households: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return f"{self.region_code} {self.dtks_status.label}: {self.households}"


class ProposalTally(RegencyScoped, Base):
    """Proposals of one region (any level) per status."""

    __tablename__ = "proposal_tally"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH), primary_key=True)
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus, name="tally_proposal_status"), primary_key=True
    )
    proposals: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return f"{self.region_code} {self.status.label}: {self.proposals}"


class TallyDelta(RegencyScoped, Base):
    """PostgreSQL: a change to a tally written by a statement, folded into the tally when its transaction commits.

    Many statements of one transaction (an ORM flush of thousands of rows, each its own UPDATE) would otherwise
    update the same province row thousands of times, and PostgreSQL walks the chain of versions one transaction
    leaves of a row on every update: the cost per statement grows with the statements before it. Deltas are
    only appended; a deferred trigger sums them into the tallies once, at commit (TallyPending). Empty on SQLite,
    whose triggers update the tallies in place.
    """

    __tablename__ = "tally_delta"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    xact: Mapped[int] = mapped_column(BigInteger, index=True)  # txid_current() of the writing transaction
    tally: Mapped[str] = mapped_column(String(20))  # the tally's table name
    level: Mapped[int] = mapped_column(SmallInteger)
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH))
    status: Mapped[str] = mapped_column(String(20))
    desil: Mapped[int] = mapped_column(SmallInteger)
    period: Mapped[str] = mapped_column(String(7))
    count: Mapped[int] = mapped_column(Integer)

    def __str__(self) -> str:
        return f"{self.tally} {self.region_code} {self.status}: {self.count:+d}"


class TallyPending(Base):
    """PostgreSQL: one row per transaction that wrote deltas; its deferred trigger folds them at commit."""

    __tablename__ = "tally_pending"

    xact: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)

    def __str__(self) -> str:
        return f"transaksi {self.xact}"


Tally = type[HouseholdTally] | type[ProposalTally]


def tally_rows(tally: Tally, level: RegionLevel, area: ColumnElement[bool], *columns: Any) -> Select[tuple[Any, ...]]:
    """SELECT `columns`, summed count FROM the tally's rows of `level` in `area`, grouped by `columns`.

    `area` is a condition on `tally.region_code` (the actor's scope, a region): the same whole-segment range
    as on the register, so one range of the primary key (level, region_code, ...) serves it.
    """
    count = HouseholdTally.households if tally is HouseholdTally else ProposalTally.proposals
    return select(*columns, func.coalesce(func.sum(count), 0)).where(tally.level == int(level), area).group_by(*columns)
