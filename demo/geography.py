"""The demo regency's regions: the villages it seeds, where the village roles work, and how regions read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.region import Region, within_region
from models.region_codes import RegionLevel, is_desa


@dataclass(frozen=True)
class Geography:
    """The regency's regions, read once; the village roles work in the first desa (else the first village)."""

    regency: Region
    province: Region
    villages: list[Region]
    demo_village: Region
    birth_places: list[str]

    @classmethod
    def load(cls, session: Session, regency_code: str) -> Geography:
        regency = session.get(Region, regency_code)
        if regency is None or regency.level != RegionLevel.REGENCY or regency.parent is None:
            raise ValueError(f"Kode kabupaten/kota tidak dikenal: {regency_code!r}")
        in_regency = select(Region).where(within_region(Region.code, regency_code)).order_by(Region.code)
        rows = session.scalars(in_regency).all()
        villages = sorted((r for r in rows if r.level == RegionLevel.VILLAGE), key=lambda r: r.code)
        siblings = select(Region.name).where(Region.parent_code == regency.parent_code).order_by(Region.code)
        neighbours = session.scalars(siblings)
        places = [short_name(regency.name)] * 12 + [short_name(n) for n in neighbours if n != regency.name]
        places += [r.name for r in rows if r.level == RegionLevel.KECAMATAN]
        demo_village = next((v for v in villages if is_desa(v.code)), villages[0])
        return cls(regency, regency.parent, villages, demo_village, places)


def short_name(regency_name: str) -> str:
    return regency_name.removeprefix("Kabupaten ").removeprefix("Kota ")


def region_label(region: Region | None) -> str:
    if region is None:
        return "Seluruh Indonesia"
    parent = f", {region.parent.name}" if region.parent and region.level == RegionLevel.VILLAGE else ""
    prefix = {
        RegionLevel.PROVINCE: "Provinsi ",
        RegionLevel.REGENCY: "",
        RegionLevel.KECAMATAN: "Kecamatan ",
        RegionLevel.VILLAGE: "Desa " if is_desa(region.code) else "Kelurahan ",
    }[RegionLevel(region.level)]
    return f"{prefix}{region.name}{parent} ({region.code})"
