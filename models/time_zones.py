"""Indonesia's three time zones and which province keeps which: times are stored in UTC and shown in the office's.

WIB (UTC+7): Sumatra, Java, West and Central Kalimantan. WITA (UTC+8): Bali, Nusa Tenggara, South, East and North
Kalimantan, Sulawesi. WIT (UTC+9): Maluku and Papua (Presidential Decree 41/1987). None keeps daylight saving, so
fixed offsets are exact and need no time-zone database. A region's zone is its province's, by the first two digits
of its Kemendagri code; the nation (ministry users) is shown in WIB, Jakarta's, unless the server says otherwise.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(timedelta(hours=7), "WIB")
WITA = timezone(timedelta(hours=8), "WITA")
WIT = timezone(timedelta(hours=9), "WIT")
ZONES = {zone.tzname(None): zone for zone in (WIB, WITA, WIT)}

_WITA_PROVINCES = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT_PROVINCES = {"81", "82", "91", "92", "93", "94", "95", "96"}
NATIONAL_ZONE = WIB


def zone_of_region(code: str | None) -> timezone:
    """The zone an office of this region keeps (its province's); WIB for the nation or an unknown province."""
    province = (code or "")[:2]
    if province in _WITA_PROVINCES:
        return WITA
    if province in _WIT_PROVINCES:
        return WIT
    return NATIONAL_ZONE


def zone_named(name: str) -> timezone | None:
    """WIB, WITA or WIT by name (any case); None for anything else."""
    return ZONES.get(name.strip().upper())


def in_zone(moment: datetime, zone: timezone) -> datetime:
    """`moment` in `zone`; a naive moment is taken as UTC (how the database hands back stored times)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone)


def local_text(moment: datetime, zone: timezone) -> str:
    """ "04-12-2026 11:00 WITA": the moment as an office in `zone` reads it."""
    return in_zone(moment, zone).strftime("%d-%m-%Y %H:%M ") + str(zone.tzname(None))
