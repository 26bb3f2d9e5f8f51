"""Indonesia's three zones by province (models/time_zones.py): stored UTC read as the office reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models.time_zones import WIB, WIT, WITA, in_zone, local_text, zone_named, zone_of_region


@pytest.mark.parametrize(
    ("code", "zone"),
    [
        ("52.72.01.1001", WITA),  # Kota Bima, NTB
        ("52", WITA),
        ("51.71", WITA),  # Bali
        ("73.71", WITA),  # Makassar
        ("64.72", WITA),  # Samarinda, East Kalimantan
        ("61.71", WIB),  # Pontianak, West Kalimantan
        ("31.71", WIB),  # Jakarta
        ("11.71", WIB),  # Banda Aceh
        ("81.71", WIT),  # Ambon
        ("91.71", WIT),  # Jayapura
        ("96.71", WIT),  # Sorong, Papua Barat Daya
        (None, WIB),  # the nation: the ministry reads Jakarta's time
        ("", WIB),
    ],
)
def test_a_region_keeps_its_provinces_zone(code: str | None, zone: object) -> None:
    assert zone_of_region(code) is zone


def test_a_stored_time_reads_in_the_offices_zone() -> None:
    stored = datetime(2026, 12, 4, 17, 30, tzinfo=UTC)
    assert local_text(stored, WITA) == "05-12-2026 01:30 WITA"  # past midnight in Bima: the next day
    assert local_text(stored, WIB) == "05-12-2026 00:30 WIB"
    assert local_text(stored.replace(tzinfo=None), WIT) == "05-12-2026 02:30 WIT"  # naive is UTC (SQLite)
    assert in_zone(stored, WIT).utcoffset().total_seconds() == 9 * 3600  # type: ignore[union-attr]


def test_zones_by_name() -> None:
    assert zone_named(" wita ") is WITA and zone_named("WIT") is WIT and zone_named("UTC") is None
