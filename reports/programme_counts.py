"""Programme counts per region: the band of a period as SQL, the eligible families, the members, those outside.

Read by the programme review page (chain/programmes.py), the recap's "Program" sheet (reports/recap.py) and the
dashboard (chain/dashboard.py); the rules themselves are models/programme.py (bands as data per period).

- `bands_of(period)`: each programme's band of the period, the one with the latest start at or before it.
- `eligible_counts`: per region (kecamatan, villages below a kecamatan) and programme, the families registered as
  of the period whose desil then lies in the band, beside the members of the period and those outside the band;
  two GROUP BYs.
- `member_counts`: per region and programme, the members of the period not ended; one GROUP BY over the
  memberships of the period (no standing read), cheap enough for the dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Subquery, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from models import Household, HouseholdPeriod, MembershipStatus, Programme, ProgrammeBand, ProgrammeMembership
from models.base import regency_join
from models.determination import StandingAsOf
from models.periods import parse_period
from models.region import within_region
from models.region_codes import CODE_LENGTH, RegionLevel, level_of
from policies.scope import Scope

KECAMATAN_CODE_LENGTH = CODE_LENGTH[RegionLevel.KECAMATAN]  # "35.15.01"
VILLAGE_CODE_LENGTH = CODE_LENGTH[RegionLevel.VILLAGE]


def recap_level(where: str | None) -> RegionLevel:
    """Kecamatan rows for a regency or wider area (None: national); village rows below it."""
    if where is None or level_of(where) <= RegionLevel.REGENCY:
        return RegionLevel.KECAMATAN
    return RegionLevel.VILLAGE


def bands_of(period: str) -> Subquery:
    """(programme_id, min_desil, max_desil) of each programme's band in `period`."""
    later = aliased(ProgrammeBand)
    newer = (
        select(later.id)
        .where(
            later.programme_id == ProgrammeBand.programme_id,
            later.effective_period <= period,
            later.effective_period > ProgrammeBand.effective_period,
        )
        .exists()
    )
    return (
        select(ProgrammeBand.programme_id, ProgrammeBand.min_desil, ProgrammeBand.max_desil)
        .where(ProgrammeBand.effective_period <= period, ~newer)
        .subquery("band")
    )


def outside_band(desil: ColumnElement[Any], band: Subquery) -> ColumnElement[bool]:
    return or_(desil.is_(None), desil < band.c.min_desil, desil > band.c.max_desil)


@dataclass
class ProgrammeCount:
    """One region's numbers for one programme in a period."""

    region_code: str
    programme: str
    members: int = 0
    eligible: int = 0
    outside: int = 0


def _length(scope: Scope, region_code: str | None) -> int:
    where = region_code or scope.code
    return KECAMATAN_CODE_LENGTH if recap_level(where) == RegionLevel.KECAMATAN else VILLAGE_CODE_LENGTH


def _area(column: Any, scope: Scope, region_code: str | None) -> ColumnElement[bool]:
    area = scope.condition(column)
    return and_(area, within_region(column, region_code)) if region_code else area


def eligible_counts(
    session: Session, scope: Scope, period: str, region_code: str | None = None
) -> list[ProgrammeCount]:
    """Per region and programme: the members of the period, the families eligible as of it, the members outside."""
    period = parse_period(period)
    length = _length(scope, region_code)
    band = bands_of(period)
    standing = StandingAsOf.of(period, scope.condition(HouseholdPeriod.region_code))
    region = func.substr(Household.region_code, 1, length).label("region")
    in_band = and_(standing.desil >= band.c.min_desil, standing.desil <= band.c.max_desil)
    eligible = (
        select(region, Programme.code, func.count())
        .select_from(Household)
        .outerjoin(standing.latest, standing.joined_on(Household.id))
        .join(band, in_band)
        .join(Programme, Programme.id == band.c.programme_id)
        .where(standing.registered, _area(Household.region_code, scope, region_code))
        .group_by(region, Programme.code)
    )
    counts: dict[tuple[str, str], ProgrammeCount] = {}
    for code, programme, households in session.execute(eligible):
        counts[(code, programme)] = ProgrammeCount(code, programme, eligible=households)
    member = ProgrammeMembership
    member_region = func.substr(member.region_code, 1, length).label("region")
    outside = case((outside_band(standing.desil, band), 1), else_=0)
    members = (
        select(member_region, Programme.code, func.count(), func.sum(outside))
        .select_from(member)
        .join(Household, regency_join(Household, member.household_id))
        .join(Programme, Programme.id == member.programme_id)
        .outerjoin(band, band.c.programme_id == member.programme_id)
        .outerjoin(standing.latest, standing.joined_on(Household.id))
        .where(
            member.period == period,
            member.status != MembershipStatus.ENDED,
            _area(member.region_code, scope, region_code),
        )
        .group_by(member_region, Programme.code)
    )
    for code, programme, households, out in session.execute(members):
        count = counts.setdefault((code, programme), ProgrammeCount(code, programme))
        count.members, count.outside = households, int(out or 0)
    return [counts[key] for key in sorted(counts)]


def member_counts(session: Session, scope: Scope, period: str, length: int) -> dict[tuple[str, str], int]:
    """{(region code cut to `length`, programme code): members of the period not ended} within the scope."""
    member = ProgrammeMembership
    region = func.substr(member.region_code, 1, length).label("region")
    rows = session.execute(
        select(region, Programme.code, func.count())
        .select_from(member)
        .join(Programme, Programme.id == member.programme_id)
        .where(member.period == period, member.status != MembershipStatus.ENDED, scope.condition(member.region_code))
        .group_by(region, Programme.code)
    )
    return {(code, programme): count for code, programme, count in rows}
