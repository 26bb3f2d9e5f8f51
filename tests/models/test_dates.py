"""Plausible dates per field (models/dates.py): the one table of bounds the forms, pages and import share."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from models import Base, Decree, Meeting, Member, Visit
from models.dates import DATE_BOUNDS, DateRefused, bounds_for, checked_date, date_problem, today_in_indonesia

TODAY = date(2026, 11, 30)
BIRTH = Member.__table__.c.birth_date
HELD_ON = Meeting.__table__.c.held_on
VISITED_ON = Visit.__table__.c.visited_on
DECREE_DATE = Decree.__table__.c.decree_date


def test_every_bounded_field_is_a_real_date_column() -> None:
    columns = {
        f"{table.name}.{column.name}": column for table in Base.metadata.sorted_tables for column in table.columns
    }
    assert sorted(DATE_BOUNDS.keys() - columns.keys()) == []
    assert {key: columns[key].type.python_type for key in DATE_BOUNDS} == dict.fromkeys(DATE_BOUNDS, date)


@pytest.mark.parametrize(
    ("column", "accepted", "refused"),
    [
        (BIRTH, [date(1900, 1, 1), date(1975, 8, 17), TODAY], [date(1899, 12, 31), TODAY + timedelta(days=1)]),
        (VISITED_ON, [date(2010, 1, 1), TODAY], [date(2009, 12, 31), TODAY + timedelta(days=1)]),
        (HELD_ON, [date(2010, 1, 1), TODAY + timedelta(days=365)], [date(1800, 1, 1), date(9999, 12, 31)]),
        (DECREE_DATE, [date(2026, 4, 1), TODAY + timedelta(days=365)], [date(2009, 12, 31), date(2028, 1, 1)]),
    ],
    ids=["birth-date", "visit", "meeting", "decree"],
)
def test_each_field_takes_the_dates_inside_its_bounds_and_refuses_the_rest(
    column: object, accepted: list[date], refused: list[date]
) -> None:
    assert [date_problem(column, value, TODAY) for value in accepted] == [None] * len(accepted)
    assert all(date_problem(column, value, TODAY) is not None for value in refused)


def test_the_message_names_both_bounds_and_the_date_typed_as_offices_write_dates() -> None:
    assert date_problem(HELD_ON, date(1800, 1, 1), TODAY) == (
        "Tanggal harus antara 01-01-2010 dan 30-11-2027; terisi 01-01-1800."
    )


def test_checked_date_raises_the_callers_refusal_naming_the_field() -> None:
    class Refused(ValueError):
        pass

    with pytest.raises(Refused, match=r"^Tanggal penandatanganan: Tanggal harus antara 01-01-2010 dan "):
        checked_date(DECREE_DATE, date(1999, 1, 1), "Tanggal penandatanganan", Refused)
    with pytest.raises(DateRefused):
        checked_date(BIRTH, date(1850, 1, 1), "Tanggal lahir")
    assert checked_date(BIRTH, date(1975, 8, 17), "Tanggal lahir") == date(1975, 8, 17)


def test_columns_without_bounds_take_any_date() -> None:
    assert bounds_for(Member.__table__.c.created_at) is None
    assert date_problem(Member.__table__.c.created_at, date(1800, 1, 1)) is None


def test_today_is_the_date_in_eastern_indonesia_which_reaches_a_new_day_first() -> None:
    # WIT (UTC+9) is at least as late as UTC on any day, never more than one day ahead.
    utc_today = datetime.now(UTC).date()
    assert today_in_indonesia() in (utc_today, utc_today + timedelta(days=1))
    assert date_problem(BIRTH, today_in_indonesia()) is None
