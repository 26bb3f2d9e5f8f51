"""Monthly proposal windows (DTSEN, since 2025): the dates of each month's cycle per regency, as data.

Since Permensos 3/2025 a district takes proposals every month: the village deliberation (Musdesus) on days 1-14,
the village operator's input on days 1-11, the BPS ranking back on the 20th, a full update every quarter
(reference/dtsen-notes.md). Districts set their own days, so a month's window is a row per regency, edited by
its Dinsos; `DEFAULT_DAYS` only pre-fills a year's rows. The rule every caller uses lives here:

- a proposal in a window-governed status (`WINDOW_CLOSES`: a draft waits for the input window, a proposal on
  the Musdes agenda for the Musdesus) is due at the close of the first window of its regency that closes on or
  after the day it entered the status, and overdue from the day after;
- a regency without such a window falls back to the working-day step targets (models/deadlines.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from calendar import monthrange
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utc_now
from models.proposal import ProposalStatus
from models.region_codes import CODE_LENGTH, RegionLevel

MONTH_PATTERN = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
MONTH_MESSAGE = "Bulan TTTT-BB, misalnya 2026-03."
YEARS = range(2025, 2101)  # monthly windows began with DTSEN in 2025


@dataclass(frozen=True)
class WindowDays:
    """The days of the month a window pre-fills with (the reported Musdesus 1-14, input 1-11, results on the 20th)."""

    musdes: tuple[int, int] = (1, 14)
    input: tuple[int, int] = (1, 11)
    result: int = 20


DEFAULT_DAYS = WindowDays()

# The status a window governs and the window's column that closes it.
WINDOW_CLOSES: Mapping[ProposalStatus, str] = {
    ProposalStatus.DRAFT: "input_closes",
    ProposalStatus.IN_MUSDES: "musdes_closes",
}


class ProposalWindow(Base):
    """One month's proposal window of one regency: Musdesus and input days, the date the ranking comes back."""

    __tablename__ = "proposal_window"
    __table_args__ = (
        CheckConstraint(f"length(regency_code) = {CODE_LENGTH[RegionLevel.REGENCY]}", name="regency_code_shape"),
        CheckConstraint("length(month) = 7 AND substr(month, 5, 1) = '-'", name="month_shape"),
        CheckConstraint("musdes_opens <= musdes_closes", name="musdes_order"),
        CheckConstraint("input_opens <= input_closes", name="input_order"),
        CheckConstraint("result_date >= input_closes", name="result_after_input"),
    )

    regency_code: Mapped[str] = mapped_column(String(5), ForeignKey("region.code"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    musdes_opens: Mapped[date] = mapped_column(Date)
    musdes_closes: Mapped[date] = mapped_column(Date)
    input_opens: Mapped[date] = mapped_column(Date)
    input_closes: Mapped[date] = mapped_column(Date)
    result_date: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utc_now, onupdate=utc_now)

    def __str__(self) -> str:
        return f"Jadwal usulan {self.regency_code} {self.month}"


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of `month` (`TTTT-BB`)."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, monthrange(year, number)[1])


def default_window(regency_code: str, month: str, days: WindowDays = DEFAULT_DAYS) -> ProposalWindow:
    """A window of `month` on `days` (clamped to the month's length), to be edited by the district."""
    first, last = month_bounds(month)

    def on(day: int) -> date:
        return first.replace(day=min(day, last.day))

    return ProposalWindow(
        regency_code=regency_code,
        month=month,
        musdes_opens=on(days.musdes[0]),
        musdes_closes=on(days.musdes[1]),
        input_opens=on(days.input[0]),
        input_closes=on(days.input[1]),
        result_date=on(days.result),
    )


def window_refusal(window: ProposalWindow) -> str | None:
    """Why a window typed by an official cannot be kept (in Bahasa Indonesia), or None when it can."""
    if not MONTH_PATTERN.fullmatch(window.month or ""):
        return MONTH_MESSAGE
    if int(window.month[:4]) not in YEARS:
        return f"Tahun jadwal {YEARS.start}-{YEARS.stop - 1}."
    first, last = month_bounds(window.month)
    dates = (window.musdes_opens, window.musdes_closes, window.input_opens, window.input_closes, window.result_date)
    if any(not isinstance(day, date) for day in dates):
        return "Semua tanggal jadwal wajib diisi."
    for label, day in (
        ("Musdesus dibuka", window.musdes_opens),
        ("Musdesus ditutup", window.musdes_closes),
        ("Input dibuka", window.input_opens),
        ("Input ditutup", window.input_closes),
    ):
        if not first <= day <= last:
            return f"Tanggal '{label}' harus di dalam bulan {window.month}."
    if window.musdes_opens > window.musdes_closes:
        return "Musdesus tidak dapat ditutup sebelum dibuka."
    if window.input_opens > window.input_closes:
        return "Input tidak dapat ditutup sebelum dibuka."
    if window.result_date < window.input_closes:
        return "Tanggal hasil pemeringkatan tidak boleh sebelum input ditutup."
    if (window.result_date - last).days > 31:
        return "Tanggal hasil pemeringkatan paling lambat bulan berikutnya."
    return None


def window_due(status: ProposalStatus, entered: date, closes: Mapping[ProposalStatus, Sequence[date]]) -> date | None:
    """The close of the first window (sorted `closes` of the status) on or after `entered`; None if none is set."""
    column = closes.get(status)
    if not column:
        return None
    index = bisect_left(column, entered)
    return column[index] if index < len(column) else None


def last_close_before(closes: Sequence[date], today: date) -> date | None:
    """The latest close strictly before `today` (sorted `closes`): a proposal entered by then is overdue."""
    index = bisect_left(closes, today)
    return closes[index - 1] if index > 0 else None
