"""The tallies counted again from scratch: a GROUP BY over the register at each level, to compare with the kept rows."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Household, HouseholdTally, Proposal, ProposalTally
from models.region_codes import CODE_LENGTH, RegionLevel
from models.tally import NO_DESIL, NO_PERIOD

HouseholdKey = tuple[int, str, str, int, str]  # level, region, status, desil, period
ProposalKey = tuple[int, str, str]  # level, region, status


def household_recount(session: Session) -> Counter[HouseholdKey]:
    counted: Counter[HouseholdKey] = Counter()
    for level in RegionLevel:
        region = func.substr(Household.region_code, 1, CODE_LENGTH[level])
        columns = (region, Household.dtks_status, Household.desil, Household.period)
        for code, status, desil, period, households in session.execute(
            select(*columns, func.count()).group_by(*columns)
        ):
            counted[(int(level), code, str(status), desil or NO_DESIL, period or NO_PERIOD)] += households
    return counted


def proposal_recount(session: Session) -> Counter[ProposalKey]:
    counted: Counter[ProposalKey] = Counter()
    for level in RegionLevel:
        region = func.substr(Proposal.region_code, 1, CODE_LENGTH[level])
        for code, status, proposals in session.execute(
            select(region, Proposal.status, func.count()).group_by(region, Proposal.status)
        ):
            counted[(int(level), code, str(status))] += proposals
    return counted


def household_tallies(session: Session) -> Counter[HouseholdKey]:
    """The kept rows that count something (rows at 0 stay; they equal no row of the recount)."""
    rows = session.execute(select(HouseholdTally).where(HouseholdTally.households != 0)).scalars()
    return Counter(
        {(row.level, row.region_code, str(row.dtks_status), row.desil, row.period): row.households for row in rows}
    )


def proposal_tallies(session: Session) -> Counter[ProposalKey]:
    rows = session.execute(select(ProposalTally).where(ProposalTally.proposals != 0)).scalars()
    return Counter({(row.level, row.region_code, str(row.status)): row.proposals for row in rows})


def assert_tallies_match(session: Session) -> None:
    """Every kept count equals the recount, on both tables (the session's view of the database)."""
    session.expire_all()
    assert household_tallies(session) == household_recount(session)
    assert proposal_tallies(session) == proposal_recount(session)
