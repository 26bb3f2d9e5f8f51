"""Keep the copied region code of household-owned rows equal to their household's (one place for it).

Members, proposals, visits and their children carry the village code themselves so the scope filter is
one indexed condition without a join; this listener fills it on insert and follows a household's move.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from models.household import Household
from models.member import Member
from models.proposal import Proposal, ProposalHistory
from models.visit import Visit

_OWNED_BY_HOUSEHOLD = (Member, Proposal, Visit)


def _household_region(session: Session, obj: Any) -> str | None:
    household = obj.household
    if household is None and obj.household_id is not None:
        with session.no_autoflush:
            household = session.get(Household, obj.household_id)
    if household is None:
        return None
    return household.region_code or (household.region.code if household.region is not None else None)


@event.listens_for(Session, "before_flush")
def copy_region_codes(session: Session, _context: Any, _instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, _OWNED_BY_HOUSEHOLD):
            code = _household_region(session, obj)
            if code and obj.region_code != code:
                obj.region_code = code
        elif isinstance(obj, ProposalHistory) and obj.proposal is not None and not obj.region_code:
            obj.region_code = obj.proposal.region_code or _household_region(session, obj.proposal)
        elif isinstance(obj, Household) and inspect(obj).attrs.region_code.history.has_changes():
            for dependant in [*obj.members, *obj.proposals, *obj.visits]:
                dependant.region_code = obj.region_code
