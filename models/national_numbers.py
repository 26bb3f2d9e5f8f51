"""National uniqueness of NIK and No. KK, held by two narrow lookup tables instead of unique indexes on the register.

One person has one NIK and one family one No. KK across the whole country, whichever regency records them. On
one server a unique index on `member.nik` says so; on a distributed engine (Citus, distributed by the regency:
docs/SCALING.md) a unique index may only hold within one regency's rows. So the rule lives here: `member_nik` and
`household_kk` are keyed by the number itself (on Citus each is distributed by that number, or kept as a
reference table) and say which member or household holds it, in which regency.

The database writes them, in the same statement as the register row (triggers of migration f2a4c6e8b0d1, on
both engines), so every writer (forms, the BNBA import, the set-based batch work, plain SQL) is held to the rule:
a second row with a NIK already held is refused by this table's primary key, `pk_member_nik` (console/errors.py
turns it into a message). The console never writes them itself and reads them only to say who holds a number.
"""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import SCOPE_PREFIXES, Base

REGENCY_CODE_LENGTH = SCOPE_PREFIXES["regency"]  # "52.72"


class NikHolder(Base):
    """Which member holds a NIK, and in which regency."""

    __tablename__ = "member_nik"

    nik: Mapped[str] = mapped_column(String(16), primary_key=True)
    member_id: Mapped[int] = mapped_column(Integer)
    regency_code: Mapped[str] = mapped_column(String(REGENCY_CODE_LENGTH))

    def __str__(self) -> str:
        return f"NIK anggota #{self.member_id} ({self.regency_code})"


class NoKkHolder(Base):
    """Which household holds a No. KK, and in which regency."""

    __tablename__ = "household_kk"

    no_kk: Mapped[str] = mapped_column(String(16), primary_key=True)
    household_id: Mapped[int] = mapped_column(Integer)
    regency_code: Mapped[str] = mapped_column(String(REGENCY_CODE_LENGTH))

    def __str__(self) -> str:
        return f"No. KK keluarga #{self.household_id} ({self.regency_code})"
