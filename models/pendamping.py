"""Desa dampingan: the villages a pendamping PKH is assigned to (DTSEN ground check, since 2025).

A pendamping PKH is scoped to a kecamatan: they see its households, proposals and usul/sanggah like the TKSK. They
write (the ground-check visit, "Kunjungan verval selesai", the field-check finding of an usul or sanggah) only in
the villages assigned to them here, by the district's Dinsos or the administrator. The write rule itself lives with
the region scope (policies/scope.py, `Scope.may_write`); this module says which assignments are valid.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import REGION_CODE_LENGTH, Base, TimestampMixin
from models.region_codes import CODE_LENGTH, RegionLevel, is_within
from models.user import User

if TYPE_CHECKING:
    from models.region import Region

NOT_A_PENDAMPING = "Desa dampingan hanya untuk pengguna berperan Pendamping PKH."
NOT_A_VILLAGE = "Pilih sebuah desa/kelurahan (kode wilayah 13 karakter), bukan wilayah di atasnya."
OUTSIDE_KECAMATAN = "Desa {village} berada di luar kecamatan tugas pendamping ini ({kecamatan})."
NOT_ASSIGNED = (
    "Desa {village} bukan desa dampingan Anda: Pendamping PKH mencatat cek lapangan hanya di desa yang ditugaskan "
    "kepadanya (Administrasi > Desa Dampingan PKH, diisi Dinas Sosial)."
)


class PendampingVillage(TimestampMixin, Base):
    """One village assigned to one pendamping PKH (a reference row, like the account it belongs to)."""

    __tablename__ = "pendamping_village"
    __table_args__ = (UniqueConstraint("user_id", "region_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    region_code: Mapped[str] = mapped_column(String(REGION_CODE_LENGTH), ForeignKey("region.code"), index=True)

    user: Mapped[User] = relationship()
    region: Mapped[Region] = relationship()

    def __str__(self) -> str:
        return f"Desa {self.region_code} - {self.user.full_name if self.user is not None else self.user_id}"


def assignment_refusal(user: User | None, village_code: str | None) -> str | None:
    """Why `village_code` may not be assigned to `user` (None: it may)."""
    if user is None or not user.role.writes_in_assigned_villages:
        return NOT_A_PENDAMPING
    if village_code is None or len(village_code) != CODE_LENGTH[RegionLevel.VILLAGE]:
        return NOT_A_VILLAGE
    kecamatan = user.scope_region_code or ""
    if not is_within(village_code, kecamatan):
        return OUTSIDE_KECAMATAN.format(village=village_code, kecamatan=kecamatan or "-")
    return None
