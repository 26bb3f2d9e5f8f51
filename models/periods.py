"""The determination period: one rule, held by the code and by the database CHECKs alike.

The Minister determines the DTKS quarterly (SK Penetapan in January, April, July and October: DESIGN section
1, step 6), so a period is `TTTT-BB` with the month 01, 04, 07 or 10. The same rule is written twice from
this module: `PERIOD_PATTERN` for the code (forms, the ministry's steps, exports, the CLI) and `period_check`
for the CHECK constraints of every table holding a period (household, decree). Both accept ASCII digits
only, and nothing around them (no trailing newline, no spaces): tests/models/test_periods.py runs one
table of periods through both on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import date

from models.refusals import Invalid

QUARTER_MONTHS = ("01", "04", "07", "10")
PERIOD_PATTERN = re.compile(r"[0-9]{4}-(?:01|04|07|10)")
PERIOD_MESSAGE = "Periode TTTT-BB dengan bulan 01, 04, 07 atau 10 (Januari, April, Juli, Oktober)."

_DIGITS = ", ".join(f"'{digit}'" for digit in "0123456789")


def is_period(text: str) -> bool:
    """Whether `text`, exactly as given, is a determination period (`2026-10` yes, `2026-11` no)."""
    return PERIOD_PATTERN.fullmatch(text) is not None


def parse_period(text: str | None, *, message: str = PERIOD_MESSAGE) -> str:
    """The period typed (surrounding spaces dropped), or Invalid with `message` for the field `period`."""
    period = (text or "").strip()
    if not is_period(period):
        raise Invalid(message, fields={"period": message})
    return period


def period_check(column: str) -> str:
    """The CHECK saying `is_period` in SQL both SQLite and PostgreSQL read alike (no regex, no GLOB)."""
    year = " AND ".join(f"substr({column}, {position}, 1) IN ({_DIGITS})" for position in range(1, 5))
    months = ", ".join(f"'-{month}'" for month in QUARTER_MONTHS)
    return f"{column} IS NULL OR (length({column}) = 7 AND {year} AND substr({column}, 5, 3) IN ({months}))"


def period_of(day: date) -> str:
    """The determination period (quarter) a day falls in: 2026-12-03 -> '2026-10'."""
    month = max(int(m) for m in QUARTER_MONTHS if int(m) <= day.month)
    return f"{day.year}-{month:02d}"


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + 1}-01" if month == 10 else f"{year}-{month + 3:02d}"
