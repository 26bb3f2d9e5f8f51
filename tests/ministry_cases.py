"""The ministry desk's cases, shared by the core's tests (tests/chain/) and the console's (tests/console/).

NIK matching takes three forwarded proposals (one valid, one with an impossible NIK, one whose member is
registered in another household); the PMT run takes received proposals of a poor, a better-off and an
unvisited household; the SK Penetapan takes received proposals already scored into a desil.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from models import DtksStatus, PmtModel, Proposal, ProposalKind, ProposalStatus
from models.instrument import FloorMaterial
from tests.factories import make_household, make_member, make_pmt_model, make_pmt_result, make_proposal, make_visit

INVALID_NIK = "5272013501800001"  # born on day 35: neither a man's day (1-31) nor a woman's (41-71)


class MatchingCases(NamedTuple):
    good: Proposal
    invalid: Proposal
    duplicate: Proposal


class PmtRunCases(NamedTuple):
    poor: Proposal  # five people, an earth floor
    rich: Proposal  # one person with a car
    unvisited: Proposal


def nik_matching_cases(session: Session) -> MatchingCases:
    """Forwarded proposals: a valid one, one with an invalid NIK, one of a member registered elsewhere."""
    good = make_proposal(session, ProposalStatus.FORWARDED, members=2)
    invalid = make_proposal(session, ProposalStatus.FORWARDED, members=1)
    make_member(session, invalid.household, nik=INVALID_NIK)
    registered = make_household(session, members=1, dtks_status=DtksStatus.REGISTERED)
    duplicate = make_proposal(session, ProposalStatus.FORWARDED, members=1)
    twin = registered.members[0]
    make_member(session, duplicate.household, name=twin.name, birth_date=twin.birth_date, nik=None)
    return MatchingCases(good, invalid, duplicate)


def pmt_run_cases(session: Session) -> PmtRunCases:
    """The illustrative model in force and three received proposals, two of them visited."""
    make_pmt_model(session)
    poor = make_proposal(session, ProposalStatus.RECEIVED, members=5)
    rich = make_proposal(session, ProposalStatus.RECEIVED, members=1)
    unvisited = make_proposal(session, ProposalStatus.RECEIVED, members=2)
    make_visit(session, poor.household, poor, floor_material=FloorMaterial.EARTH, assets=[])
    make_visit(session, rich.household, rich, floor_material=None, assets=["mobil"])
    return PmtRunCases(poor, rich, unvisited)


def make_scored_proposal(
    session: Session, model: PmtModel, kind: ProposalKind, desil: int | None, **fields: Any
) -> Proposal:
    """A received proposal of a couple, its household scored into `desil` for 2026-10 by `model` (None: unscored).

    Stored in its final shape at once: a received proposal no longer changes (models/finality.py).
    """
    proposal = make_proposal(session, ProposalStatus.RECEIVED, members=2, kind=kind, **fields)
    if desil is not None:
        make_pmt_result(session, model, proposal.household, desil)
    return proposal
