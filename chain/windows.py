"""Monthly proposal windows for an actor: a district fills its year, and the quarter's result date is read.

The dates are the district's (models/windows.py holds the rule): `fill_year` creates, for every month of a year
that has no window yet, one on the reported days, which the district then edits row by row; a window already
kept is never overwritten. One step of the caller's transaction; every row written has its audit row.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain.actor import Actor
from models import Region
from models.refusals import NotFound
from models.region_codes import RegionLevel, is_region_code, level_of
from models.windows import YEARS, ProposalWindow, default_window
from models.workflow import TransitionRefused

RESOURCE = "proposal-window"
CREATING = (RESOURCE, "create")


def regency_of(actor: Actor) -> str | None:
    """The regency a district (or narrower) official keeps windows for; None for the nation and the provinces."""
    code = actor.user.scope_region_code if actor.user is not None else None
    if not code or level_of(code) == RegionLevel.PROVINCE:
        return None
    return code[: len("00.00")]


def fill_year(session: Session, actor: Actor, regency_code: str, year: int) -> int:
    """Create the missing windows of `year` for the regency on the reported days; how many were created."""
    actor.require(CREATING)
    regency_code = regency_code.strip()
    if not is_region_code(regency_code) or level_of(regency_code) != RegionLevel.REGENCY:
        raise TransitionRefused("Kode kabupaten/kota tidak sah (contoh: 52.72).")
    if not actor.scope.holds(regency_code):
        raise NotFound()
    if session.get(Region, regency_code) is None:
        raise TransitionRefused(f"Kabupaten/kota {regency_code} tidak ada dalam daftar wilayah.")
    if year not in YEARS:
        raise TransitionRefused(f"Tahun jadwal {YEARS.start}-{YEARS.stop - 1}.")
    kept = set(
        session.scalars(
            select(ProposalWindow.month).where(
                ProposalWindow.regency_code == regency_code, ProposalWindow.month.startswith(f"{year:04d}-")
            )
        )
    )
    months = [f"{year:04d}-{month:02d}" for month in range(1, 13)]
    created = [default_window(regency_code, month) for month in months if month not in kept]
    session.add_all(created)
    session.flush()
    return len(created)


def result_date(session: Session, regency_code: str | None, month: str) -> date | None:
    """The day the ranking of `month` comes back: the regency's window, or the earliest of all (the nation)."""
    statement = select(func.min(ProposalWindow.result_date)).where(ProposalWindow.month == month)
    if regency_code:
        statement = statement.where(ProposalWindow.regency_code == regency_code)
    found: date | None = session.scalar(statement)
    return found
