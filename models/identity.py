"""The one validator for NIK and No. KK (Nomor Induk Kependudukan, Nomor Kartu Keluarga).

Structure (Dukcapil; see reference/domain-notes.md section 3):
NIK   = PP RR KK DDMMYY SSSS: kecamatan of first registration, birth date (day + 40 for women), serial.
No.KK = PP RR KK DDMMYY SSSS: kecamatan of issue, registration date (no +40), family serial.
An unknown kecamatan prefix is only a warning: historic and split kecamatan codes are not in today's list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.region_codes import kecamatan_exists

IDENTITY_LENGTH = 16
FEMALE_DAY_OFFSET = 40


class InvalidIdentityNumber(ValueError):
    """A NIK or No. KK that cannot be valid; the message is in Bahasa Indonesia."""


@dataclass(frozen=True)
class IdentityCheck:
    """Errors (the number is refused) and warnings (accepted, but worth a second look)."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class NikParts:
    """What a NIK encodes."""

    kecamatan_code: str  # dotted, "35.15.01"
    birth_day: int
    birth_month: int
    birth_year_2digit: int
    is_female: bool
    serial: str

    def possible_birth_dates(self) -> list[date]:
        return _dates_for(self.birth_day, self.birth_month, self.birth_year_2digit)


def _dates_for(day: int, month: int, year_2digit: int) -> list[date]:
    found = []
    for century in (1900, 2000):
        try:
            found.append(date(century + year_2digit, month, day))
        except ValueError:
            continue
    return found


def _dotted_kecamatan(number: str) -> str:
    return f"{number[0:2]}.{number[2:4]}.{number[4:6]}"


def _shape_errors(number: str, what: str) -> list[str]:
    if not number:
        return [f"{what} wajib diisi."]
    if not number.isascii() or not number.isdigit():
        return [f"{what} hanya boleh berisi angka 0-9 (tanpa spasi, titik atau huruf)."]
    if len(number) != IDENTITY_LENGTH:
        return [f"{what} harus tepat 16 digit (terisi {len(number)} digit)."]
    return []


def parse_nik(nik: str) -> NikParts:
    """Split a NIK into its parts, or raise InvalidIdentityNumber with every reason it cannot be valid."""
    result = check_nik(nik)
    if not result.ok:
        raise InvalidIdentityNumber(" ".join(result.errors))
    raw_day = int(nik[6:8])
    return NikParts(
        kecamatan_code=_dotted_kecamatan(nik),
        birth_day=raw_day - FEMALE_DAY_OFFSET if raw_day > FEMALE_DAY_OFFSET else raw_day,
        birth_month=int(nik[8:10]),
        birth_year_2digit=int(nik[10:12]),
        is_female=raw_day > FEMALE_DAY_OFFSET,
        serial=nik[12:16],
    )


def check_nik(nik: str, *, is_female: bool | None = None, birth_date: date | None = None) -> IdentityCheck:
    """Check a NIK's structure and, when given, its agreement with the person's sex and birth date."""
    nik = (nik or "").strip()
    errors = _shape_errors(nik, "NIK")
    if errors:
        return IdentityCheck(errors)
    warnings: list[str] = []
    raw_day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    female_coded = raw_day > FEMALE_DAY_OFFSET
    day = raw_day - FEMALE_DAY_OFFSET if female_coded else raw_day
    if not (1 <= raw_day <= 31 or 41 <= raw_day <= 71):
        errors.append(f"NIK: tanggal lahir '{nik[6:8]}' tidak mungkin (01-31 untuk laki-laki, 41-71 untuk perempuan).")
    elif not 1 <= month <= 12:
        errors.append(f"NIK: bulan lahir '{nik[8:10]}' tidak mungkin (harus 01-12).")
    elif not _dates_for(day, month, year):
        errors.append(f"NIK: tanggal lahir {day:02d}-{month:02d}-{year:02d} bukan tanggal yang ada.")
    if nik[12:16] == "0000":
        errors.append("NIK: nomor urut (4 digit terakhir) tidak boleh 0000.")
    if errors:
        return IdentityCheck(errors)
    if is_female is not None and is_female != female_coded:
        errors.append(
            "NIK tidak cocok dengan jenis kelamin: "
            + ("tanggal di NIK ditambah 40 (perempuan)." if female_coded else "NIK bertanda laki-laki.")
        )
    if birth_date is not None and birth_date not in _dates_for(day, month, year):
        errors.append(
            f"NIK tidak cocok dengan tanggal lahir: NIK memuat {day:02d}-{month:02d}-{year:02d}, "
            f"tanggal lahir tercatat {birth_date:%d-%m-%Y}."
        )
    if not kecamatan_exists(_dotted_kecamatan(nik)):
        warnings.append(
            f"Kode kecamatan {_dotted_kecamatan(nik)} di NIK tidak ada dalam daftar wilayah saat ini "
            "(bisa kode lama atau hasil pemekaran); periksa kembali."
        )
    return IdentityCheck(errors, warnings)


def check_no_kk(no_kk: str) -> IdentityCheck:
    """Check a No. KK's structure: 16 digits, a real registration date, serial not 0000."""
    no_kk = (no_kk or "").strip()
    errors = _shape_errors(no_kk, "No. KK")
    if errors:
        return IdentityCheck(errors)
    day, month, year = int(no_kk[6:8]), int(no_kk[8:10]), int(no_kk[10:12])
    if not _dates_for(day, month, year):
        errors.append(f"No. KK: tanggal pencatatan {no_kk[6:8]}-{no_kk[8:10]}-{no_kk[10:12]} bukan tanggal yang ada.")
    if no_kk[12:16] == "0000":
        errors.append("No. KK: nomor urut (4 digit terakhir) tidak boleh 0000.")
    warnings: list[str] = []
    if not errors and not kecamatan_exists(_dotted_kecamatan(no_kk)):
        warnings.append(f"Kode kecamatan {_dotted_kecamatan(no_kk)} di No. KK tidak ada dalam daftar wilayah saat ini.")
    return IdentityCheck(errors, warnings)


def make_nik(kecamatan_code: str, birth_date: date, *, is_female: bool, serial: int) -> str:
    """Compose a structurally valid NIK (demo data and test factories)."""
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1..9999")
    day = birth_date.day + (FEMALE_DAY_OFFSET if is_female else 0)
    return f"{kecamatan_code.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


def make_no_kk(kecamatan_code: str, registered_on: date, *, serial: int) -> str:
    """Compose a structurally valid No. KK (demo data and test factories)."""
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1..9999")
    return f"{kecamatan_code.replace('.', '')}{registered_on:%d%m%y}{serial:04d}"


def mask_identity_number(number: str | None) -> str:
    """`3515**********01`: for roles that do not need full NIK or No. KK numbers (DESIGN section 6)."""
    if not number:
        return ""
    if len(number) <= 6:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 6) + number[-2:]
