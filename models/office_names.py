"""How a region's government, its head and its place are written on letters, decrees and annexes: the one rule.

Kemendagri names a regency "Kabupaten Bima" or "Kota Bima", so "PEMERINTAH KABUPATEN/KOTA " + name reads
"PEMERINTAH KABUPATEN/KOTA KOTA BIMA" and "WALIKOTA " + name "WALIKOTA KOTA BIMA". Official letters write
"PEMERINTAH KOTA BIMA", "Wali Kota Bima" (the spelling of UU 23/2014 and the Permendagri on official writing),
"PEMERINTAH KABUPATEN BIMA", "Bupati Bima", "PEMERINTAH PROVINSI NUSA TENGGARA BARAT", "Gubernur Nusa Tenggara
Barat"; the ministry writes "KEMENTERIAN SOSIAL REPUBLIK INDONESIA" and "Menteri Sosial Republik Indonesia". A
region's office profile (models/office.py) may override the government line; these are the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.region_codes import RegionLevel, ancestor_at, is_region_code, level_of, region_name

MINISTRY_GOVERNMENT = "KEMENTERIAN SOSIAL REPUBLIK INDONESIA"
MINISTRY_HEAD = "Menteri Sosial Republik Indonesia"
MINISTRY_PLACE = "Jakarta"

# (prefix of the Kemendagri name, the government's word, the head's title), longest prefix first.
_REGENCY_KINDS = (
    ("Kabupaten Administrasi ", "KABUPATEN ADMINISTRASI", "Bupati"),
    ("Kota Administrasi ", "KOTA ADMINISTRASI", "Wali Kota"),
    ("Kabupaten ", "KABUPATEN", "Bupati"),
    ("Kota ", "KOTA", "Wali Kota"),
)


@dataclass(frozen=True)
class GovernmentNames:
    """One region's names as its letters write them."""

    government: str  # "PEMERINTAH KOTA BIMA": the kop's first line
    head_title: str  # "Wali Kota Bima": who signs its decrees, in the heading and under the signature alike
    place: str  # "Bima": where its letters are dated ("Bima, 6 Desember 2026")
    region: str  # "Kota Bima": the region as Kemendagri names it

    @property
    def head_word(self) -> str:
        """ "Wali Kota", "Bupati", "Gubernur" or "Menteri Sosial": the title without the place."""
        return self.head_title.removesuffix(self.place).strip() if self.place else self.head_title


def names_for(region_code: str | None) -> GovernmentNames:
    """The names of a province or regency (a kecamatan or village code reads as its regency); the ministry's
    for no region. A code the reference data does not know keeps the code itself as the name."""
    if not region_code:
        return GovernmentNames(MINISTRY_GOVERNMENT, MINISTRY_HEAD, MINISTRY_PLACE, "Kementerian Sosial")
    if not is_region_code(region_code):
        return GovernmentNames(f"PEMERINTAH {region_code}", region_code, region_code, region_code)
    if level_of(region_code) is RegionLevel.PROVINCE:
        name = region_name(region_code) or region_code
        return GovernmentNames(f"PEMERINTAH PROVINSI {name.upper()}", f"Gubernur {name}", name, name)
    code = ancestor_at(region_code, RegionLevel.REGENCY)
    name = region_name(code) or code
    for prefix, word, head in _REGENCY_KINDS:
        if name.startswith(prefix):
            place = name.removeprefix(prefix)
            return GovernmentNames(f"PEMERINTAH {word} {place.upper()}", f"{head} {place}", place, name)
    return GovernmentNames(f"PEMERINTAH {name.upper()}", f"Kepala Daerah {name}", name, name)
