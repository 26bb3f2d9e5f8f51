"""Plausible dates per field: one table of bounds, used by the forms, the console's own pages and the import.

A date outside its field's bounds is a typing slip (1800-01-01, 9999-12-31, a year written 0202), never a
record: the register and its predecessor (the Basis Data Terpadu) begin in the 2010s, so no meeting, visit
or decree of this chain is older than 2010, and nobody alive on a Kartu Keluarga was born before 1900.
"Today" is the date in eastern Indonesia (WIT, UTC+9), the first of the three zones to reach a new day: an
official in Jayapura recording a visit at 07:00 must not be told the date lies in the future.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Column

INDONESIA_EAST = timezone(timedelta(hours=9), "WIT")
REGISTER_START = date(2010, 1, 1)
OLDEST_BIRTH = date(1900, 1, 1)
A_YEAR = 365


def today_in_indonesia() -> date:
    return datetime.now(INDONESIA_EAST).date()


class DateRefused(ValueError):
    """A date outside its field's bounds; the message (Bahasa Indonesia) names the bounds."""


@dataclass(frozen=True)
class DateBounds:
    """The earliest date a field takes and how many days after today it may lie."""

    earliest: date
    days_ahead: int = 0

    def latest(self, today: date | None = None) -> date:
        return (today or today_in_indonesia()) + timedelta(days=self.days_ahead)

    def problem(self, value: date, today: date | None = None) -> str | None:
        latest = self.latest(today)
        if self.earliest <= value <= latest:
            return None
        return f"Tanggal harus antara {self.earliest:%d-%m-%Y} dan {latest:%d-%m-%Y}; terisi {value:%d-%m-%Y}."


# "table.column" -> bounds. Meetings and draft decrees may be dated ahead (a Musdes is planned, an SK drafted
# before it is signed); a birth and a visit have happened by the time they are recorded.
DATE_BOUNDS: dict[str, DateBounds] = {
    "member.birth_date": DateBounds(OLDEST_BIRTH),
    "visit.visited_on": DateBounds(REGISTER_START),
    "meeting.held_on": DateBounds(REGISTER_START, days_ahead=A_YEAR),
    "decree.decree_date": DateBounds(REGISTER_START, days_ahead=A_YEAR),
    "decree_review.reviewed_on": DateBounds(REGISTER_START),
}


def bounds_for(column: Column[Any]) -> DateBounds | None:
    return DATE_BOUNDS.get(f"{column.table.name}.{column.name}")


def date_problem(column: Column[Any], value: date | None, today: date | None = None) -> str | None:
    bounds = bounds_for(column)
    if bounds is None or value is None:
        return None
    return bounds.problem(value, today)


def checked_date(column: Column[Any], value: date, label: str, refused: type[ValueError] = DateRefused) -> date:
    """`value` when its column's bounds take it; else `refused` naming the field by `label`."""
    problem = date_problem(column, value)
    if problem is not None:
        raise refused(f"{label}: {problem}")
    return value


MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
               "November", "Desember")  # fmt: skip


def long_date(day: date) -> str:
    """A date as letters write it: "6 Desember 2026"."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
