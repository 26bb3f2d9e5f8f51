"""User: an official with one role and one scope region; passwords hashed with argon2id."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import REGION_CODE_LENGTH, Base, LabelledEnum, TimestampMixin, enum_column
from models.region_codes import CODE_LENGTH, RegionLevel

if TYPE_CHECKING:
    from models.region import Region


class Role(LabelledEnum):
    """Peran (casbin subject); the tier of DESIGN section 2 follows from the role."""

    OPERATOR_DESA = "operator_desa", "Operator desa/kelurahan"
    KEPALA_DESA = "kepala_desa", "Kepala desa/Lurah"
    PENDATA = "pendata", "Petugas pendata (verval)"
    TKSK = "tksk", "TKSK kecamatan"
    PENDAMPING_PKH = "pendamping_pkh", "Pendamping PKH"
    OPERATOR_DINSOS = "operator_dinsos", "Operator Dinas Sosial"
    KABID = "kabid", "Kepala bidang"
    KEPALA_DINAS = "kepala_dinas", "Kepala Dinas Sosial"
    PETUGAS_LAYANAN = "petugas_layanan", "Petugas layanan"
    PENYULUH = "penyuluh", "Penyuluh sosial"
    SEKRETARIS = "sekretaris", "Sekretaris dinas"
    OPERATOR_PROVINSI = "operator_provinsi", "Operator Dinas Sosial provinsi"
    PUSDATIN = "pusdatin", "Pusdatin Kemensos"
    ADMIN = "admin", "Administrator"

    @property
    def scope_level(self) -> RegionLevel | None:
        """The region level a user of this role is scoped to (None: the whole nation)."""
        return ROLE_SCOPE_LEVEL[self]

    @property
    def writes_in_assigned_villages(self) -> bool:
        """Sees the whole kecamatan, writes only in the villages assigned to them (models/pendamping.py)."""
        return self is Role.PENDAMPING_PKH


ROLE_SCOPE_LEVEL: dict[Role, RegionLevel | None] = {
    Role.OPERATOR_DESA: RegionLevel.VILLAGE,
    Role.KEPALA_DESA: RegionLevel.VILLAGE,
    Role.PENDATA: RegionLevel.VILLAGE,
    Role.TKSK: RegionLevel.KECAMATAN,
    Role.PENDAMPING_PKH: RegionLevel.KECAMATAN,
    Role.OPERATOR_DINSOS: RegionLevel.REGENCY,
    Role.KABID: RegionLevel.REGENCY,
    Role.KEPALA_DINAS: RegionLevel.REGENCY,
    Role.PETUGAS_LAYANAN: RegionLevel.REGENCY,
    Role.PENYULUH: RegionLevel.REGENCY,
    Role.SEKRETARIS: RegionLevel.REGENCY,
    Role.OPERATOR_PROVINSI: RegionLevel.PROVINCE,
    Role.PUSDATIN: None,
    Role.ADMIN: None,
}


def _role_scope_check() -> str:
    clauses = []
    for role, level in ROLE_SCOPE_LEVEL.items():
        if level is None:
            clauses.append(f"(role = '{role.value}' AND scope_region_code IS NULL)")
        else:
            clauses.append(
                f"(role = '{role.value}' AND scope_region_code IS NOT NULL"
                f" AND length(scope_region_code) = {CODE_LENGTH[level]})"
            )
    return " OR ".join(clauses)


_hasher = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106 low-memory profile)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


class User(TimestampMixin, Base):
    """An official who logs in: one role, one scope region (none for the ministry)."""

    __tablename__ = "user_account"
    __table_args__ = (CheckConstraint(_role_scope_check(), name="role_matches_scope_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    scope_region_code: Mapped[str | None] = mapped_column(
        String(REGION_CODE_LENGTH), ForeignKey("region.code"), index=True
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    scope_region: Mapped[Region | None] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"
