"""The dashboard per tier: counts per status and child region, overdue proposals, desil distribution.

Every query is filtered by the actor's Scope (policies.scope) and grouped in SQL on indexed columns. The
console draws the counts as charts (console/dashboard_charts.py); the CLI and tests read them here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chain.deadlines import overdue_condition, step_targets
from models import Household
from models.household import DtksStatus
from models.proposal import Proposal, ProposalStatus
from models.region import Region
from models.region_codes import CODE_LENGTH, RegionLevel
from policies.scope import Scope

OVERDUE_LIMIT = 50


@dataclass
class Dashboard:
    region_label: str
    status_counts: list[tuple[ProposalStatus, int]]
    region_counts: list[tuple[str, str, int]]  # code, name, proposals
    overdue: list[Proposal]
    desil_counts: list[tuple[int | None, int]]
    total: int = field(default=0)


def child_regions(session: Session, scope: Scope) -> tuple[str, list[tuple[str, str]], int]:
    """The label of the scope, its child regions (code, name) and the code length of those children."""
    if scope.code is None:
        rows = session.execute(select(Region.code, Region.name).where(Region.level == 1).order_by(Region.code))
        return "Nasional", [(code, name) for code, name in rows], CODE_LENGTH[RegionLevel.PROVINCE]
    own = session.get(Region, scope.code)
    label = str(own) if own else scope.code
    level = own.level if own else 4
    if level >= 4:
        return label, [(scope.code, own.name if own else scope.code)], CODE_LENGTH[RegionLevel.VILLAGE]
    rows = session.execute(
        select(Region.code, Region.name).where(Region.parent_code == scope.code).order_by(Region.code)
    )
    return label, [(code, name) for code, name in rows], CODE_LENGTH[RegionLevel(level + 1)]


def status_counts(session: Session, scope: Scope) -> list[tuple[ProposalStatus, int]]:
    rows = session.execute(
        select(Proposal.status, func.count()).where(scope.condition(Proposal.region_code)).group_by(Proposal.status)
    ).all()
    counted = dict(rows)
    return [(status, counted.get(status, 0)) for status in ProposalStatus if counted.get(status)]


def region_counts(session: Session, scope: Scope) -> tuple[str, list[tuple[str, str, int]]]:
    label, children, length = child_regions(session, scope)
    prefix = func.substr(Proposal.region_code, 1, length)
    rows = session.execute(
        select(prefix, func.count()).where(scope.condition(Proposal.region_code)).group_by(prefix)
    ).all()
    counted: dict[str, int] = dict(rows)
    return label, [(code, name, counted.get(code, 0)) for code, name in children]


def overdue_proposals(session: Session, scope: Scope, today: date, limit: int = OVERDUE_LIMIT) -> list[Proposal]:
    return list(
        session.scalars(
            select(Proposal)
            .where(scope.condition(Proposal.region_code), overdue_condition(step_targets(session), today))
            .order_by(Proposal.status_changed_at, Proposal.id)
            .limit(limit)
        )
    )


def desil_counts(session: Session, scope: Scope) -> list[tuple[int | None, int]]:
    rows = session.execute(
        select(Household.desil, func.count())
        .where(scope.condition(Household.region_code), Household.dtks_status == DtksStatus.REGISTERED)
        .group_by(Household.desil)
    ).all()
    counted = dict(rows)
    ordered: list[tuple[int | None, int]] = [(desil, counted.get(desil, 0)) for desil in range(1, 11)]
    if counted.get(None):
        ordered.append((None, counted[None]))
    return ordered


def build(session: Session, scope: Scope, today: date) -> Dashboard:
    label, regions = region_counts(session, scope)
    statuses = status_counts(session, scope)
    return Dashboard(
        region_label=label,
        status_counts=statuses,
        region_counts=regions,
        overdue=overdue_proposals(session, scope, today),
        desil_counts=desil_counts(session, scope),
        total=sum(count for _status, count in statuses),
    )
