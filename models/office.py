"""The office profile of a regency, a province or the ministry: what its printed documents carry.

One row per issuing office, keyed by its region code ("52.72" a regency, "52" a province, "00" the ministry): the
kop (government line, office name), address, phone, email, the place letters are dated, the logo (a stored PNG or
JPEG, chain/uploads.py), and its signers (`OfficeSigner`: the kepala dinas, the regional head) with name, title,
rank and NIP. The administrator keeps them (console/views/offices.py); a region without a row prints with the
defaults of models/office_names.py, so a letter is never blocked by a profile nobody filled in yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, LabelledEnum, enum_column, utc_now
from models.office_names import GovernmentNames, names_for
from models.region_codes import RegionLevel, ancestor_at, is_region_code, level_of, region_name

MINISTRY_KEY = "00"  # the ministry's row: it has no region, and no province is numbered 00
MINISTRY_OFFICE = "PUSAT DATA DAN INFORMASI KESEJAHTERAAN SOSIAL"
REGIONAL_OFFICE = "DINAS SOSIAL"
NIP_LENGTH = 18
NIP_MESSAGE = (
    "NIP harus 18 angka: tanggal lahir (TTTTBBHH), bulan pengangkatan (TTTTBB), jenis kelamin (1 atau 2) dan "
    "nomor urut (3 angka)."
)
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
PHONE_PATTERN = re.compile(r"[0-9 ()+\-./]{5,40}")


class SignerDuty(LabelledEnum):
    """What a signer signs for the office."""

    KEPALA_DINAS = "kepala_dinas", "Kepala Dinas (surat keterangan, SPTJM, surat pengantar)"
    KEPALA_DAERAH = "kepala_daerah", "Kepala daerah (SK Bupati/Wali Kota, Gubernur, Menteri)"


class OfficeProfile(Base):
    """The kop and contacts of one issuing office."""

    __tablename__ = "office_profile"
    __table_args__ = (
        CheckConstraint("length(region_code) IN (2, 5)", name="office_region_shape"),
        CheckConstraint("logo_path IS NULL OR logo_sha256 IS NOT NULL", name="logo_with_digest"),
    )

    region_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    government_name: Mapped[str] = mapped_column(String(160), default="")
    office_name: Mapped[str] = mapped_column(String(160), default="")
    address: Mapped[str] = mapped_column(String(250), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    website: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(80), default="")  # where letters are dated ("Bima, 6 Desember 2026")
    logo_path: Mapped[str | None] = mapped_column(String(255))
    logo_sha256: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, onupdate=utc_now)

    def __str__(self) -> str:
        return f"{self.government_name or self.region_code} {self.office_name}".strip()


class OfficeSigner(Base):
    """Who signs what for an office: one signer per duty."""

    __tablename__ = "office_signer"
    __table_args__ = (
        UniqueConstraint("region_code", "duty"),  # one signer per duty
        CheckConstraint("nip IS NULL OR length(nip) = 18", name="nip_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    region_code: Mapped[str] = mapped_column(
        String(5), ForeignKey("office_profile.region_code", ondelete="CASCADE"), index=True
    )
    duty: Mapped[SignerDuty] = mapped_column(enum_column(SignerDuty))
    name: Mapped[str] = mapped_column(String(120))
    title: Mapped[str] = mapped_column(String(160))  # "Kepala Dinas Sosial Kota Bima"
    rank: Mapped[str] = mapped_column(String(80), default="")  # pangkat/golongan: "Pembina Tingkat I (IV/b)"
    nip: Mapped[str | None] = mapped_column(String(18))  # an elected head has none

    profile: Mapped[OfficeProfile] = relationship()

    def __str__(self) -> str:
        return f"{self.name} ({self.duty.label})"


def nip_problem(nip: str) -> str | None:
    """Why `nip` is not a civil servant's NIP (PP 11/2017 layout), or None when it is one."""
    if len(nip) != NIP_LENGTH or not nip.isascii() or not nip.isdigit():
        return NIP_MESSAGE
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
        appointed = date(int(nip[8:12]), int(nip[12:14]), 1)
    except ValueError:
        return NIP_MESSAGE
    if appointed <= born or nip[14] not in "12" or nip[15:] == "000":
        return NIP_MESSAGE
    return None


def profile_refusal(region_code: str, phone: str, email: str) -> str | None:
    """Why a profile cannot be kept as typed (the key, the phone, the email), or None."""
    if region_code != MINISTRY_KEY:
        if not is_region_code(region_code) or level_of(region_code) not in (RegionLevel.PROVINCE, RegionLevel.REGENCY):
            return "Kode wilayah: provinsi (52), kabupaten/kota (52.72), atau 00 untuk Kementerian Sosial."
        if region_name(region_code) is None:
            return f"Wilayah {region_code} tidak ada dalam daftar Kemendagri."
    if phone and not PHONE_PATTERN.fullmatch(phone):
        return "Nomor telepon hanya berisi angka, spasi, tanda kurung, +, - atau titik (contoh: (0374) 43210)."
    if email and not EMAIL_PATTERN.fullmatch(email):
        return "Alamat email tidak sah (contoh: dinsos@bimakota.go.id)."
    return None


def signer_refusal(duty: SignerDuty | None, name: str, title: str, nip: str) -> str | None:
    """Why a signer cannot be kept as typed, or None. A kepala dinas is a civil servant and needs a NIP; an
    elected head (Bupati, Wali Kota, Gubernur) has none, so theirs is optional."""
    if duty is None:
        return "Pilih tugas penandatangan."
    if not name.strip() or not title.strip():
        return "Nama dan jabatan penandatangan wajib diisi."
    if nip:
        return nip_problem(nip)
    if duty is SignerDuty.KEPALA_DINAS:
        return "NIP kepala dinas wajib diisi (18 angka)."
    return None


@dataclass(frozen=True)
class Signer:
    """A signature block as printed: the line above the title (place and date, or a role), title, name, rank, NIP."""

    name: str
    title: str
    rank: str = ""
    nip: str = ""
    above: str = ""


@dataclass(frozen=True)
class Letterhead:
    """What a document prints of its office: the kop, contacts, the logo file and the signers by duty."""

    names: GovernmentNames
    government: str
    office: str
    address: str
    contacts: str
    city: str
    logo_path: str | None
    signers: dict[SignerDuty, Signer]

    def signer(self, duty: SignerDuty, fallback: Signer) -> Signer:
        return self.signers.get(duty, fallback)


def office_key(region_code: str | None, *, regency_level: bool = True) -> str:
    """The profile key of the office issuing for `region_code`: its regency (a village or kecamatan reads as its
    regency), the province itself, or the ministry for none."""
    if not region_code:
        return MINISTRY_KEY
    return ancestor_at(region_code, RegionLevel.REGENCY if regency_level else RegionLevel.PROVINCE)


def default_office(region_code: str | None) -> str:
    return REGIONAL_OFFICE if region_code else MINISTRY_OFFICE


def letterhead_of(profile: OfficeProfile | None, signers: list[OfficeSigner], region_code: str | None) -> Letterhead:
    """The letterhead from a stored profile, or the naming defaults where the profile is missing or blank."""
    names = names_for(region_code or None)
    contacts = ""
    if profile is not None:
        parts = [f"Telp. {profile.phone}" if profile.phone else "", profile.email, profile.website]
        contacts = " · ".join(part for part in parts if part)
    return Letterhead(
        names=names,
        government=(profile.government_name if profile and profile.government_name else names.government),
        office=(profile.office_name if profile and profile.office_name else default_office(region_code)),
        address=profile.address if profile else "",
        contacts=contacts,
        city=(profile.city if profile and profile.city else names.place),
        logo_path=profile.logo_path if profile else None,
        signers={s.duty: Signer(s.name, s.title, s.rank, s.nip or "") for s in signers},
    )
