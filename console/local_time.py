"""Times on the pages in the reader's zone: the server's TIME_ZONE when set, else the zone of the user's province
(models/time_zones.py); stored times stay UTC. Used by the list and details columns (console/views/base.py) and by
the templates (`local_time(value)`, `zone_name()`)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from starlette.requests import HTTPConnection

from console.request_context import current_request
from models.time_zones import NATIONAL_ZONE, in_zone, local_text, zone_named, zone_of_region


def zone_for(connection: HTTPConnection | None) -> timezone:
    """The zone this request's pages show times in."""
    if connection is None:
        return NATIONAL_ZONE
    settings = getattr(connection.app.state, "settings", None)
    chosen = zone_named(getattr(settings, "time_zone", "") or "")
    if chosen is not None:
        return chosen
    user = getattr(connection.state, "user", None)
    return zone_of_region(getattr(user, "scope_region_code", None))


def local_time(value: Any) -> str:
    """A stored time as the current request's reader reads it ("" for none)."""
    if not isinstance(value, datetime):
        return "" if value is None else str(value)
    return local_text(value, zone_for(current_request()))


def local_day(value: Any) -> str:
    """A stored time's day in the reader's zone ("05-12-2026"), where the hour says nothing (since when)."""
    if not isinstance(value, datetime):
        return "" if value is None else value.strftime("%d-%m-%Y")
    return in_zone(value, zone_for(current_request())).strftime("%d-%m-%Y")


def zone_name() -> str:
    """WIB, WITA or WIT: the zone of the current request (for column headings)."""
    return str(zone_for(current_request()).tzname(None))
